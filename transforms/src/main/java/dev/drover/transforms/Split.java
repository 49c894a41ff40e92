package dev.drover.transforms;

import static java.util.Objects.requireNonNull;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.split;

import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Splits one string column by a regular expression into several columns; parts beyond the
 * given names are kept in the last one. The source column is dropped unless {@code keep}.
 */
public record Split(String column, String pattern, List<String> into, boolean keep) implements Step {
    public Split {
        requireNonNull(column, "column is null");
        requireNonNull(pattern, "pattern is null");
        into = List.copyOf(requireNonNull(into, "into is null"));
        if (into.isEmpty()) {
            throw new IllegalArgumentException("into is empty");
        }
    }

    @Override
    public boolean keepsRows() {
        return true;
    }

    @Override
    public String kind() {
        return "split";
    }

    @Override
    public Dataset<Row> apply(Dataset<Row> input, String label) {
        Step.requireColumns(input, List.of(column), label, "split.column");
        Step.requireAbsent(input, into.stream().filter(c -> !c.equals(column)).toList(), label, "split.into");
        String parts = RowErrors.PREFIX + "parts";
        Dataset<Row> out = input.withColumn(parts, split(col(column), pattern, into.size()));
        for (int i = 0; i < into.size(); i++) {
            out = out.withColumn(into.get(i), col(parts).getItem(i));
        }
        out = out.drop(parts);
        return keep || into.contains(column) ? out : out.drop(column);
    }
}
