package dev.drover.transforms;

import static java.util.Objects.requireNonNull;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat_ws;

import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** Joins several columns into one string column with a separator (nulls are skipped). */
public record Merge(List<String> columns, String into, String separator, boolean keep) implements Step {
    public Merge {
        columns = List.copyOf(requireNonNull(columns, "columns is null"));
        requireNonNull(into, "into is null");
        requireNonNull(separator, "separator is null");
    }

    @Override
    public boolean keepsRows() {
        return true;
    }

    @Override
    public String kind() {
        return "merge";
    }

    @Override
    public Dataset<Row> apply(Dataset<Row> input, String label) {
        Step.requireColumns(input, columns, label, "merge.columns");
        if (!columns.contains(into)) {
            Step.requireAbsent(input, List.of(into), label, "merge.into");
        }
        Dataset<Row> out = input.withColumn(into,
                concat_ws(separator, columns.stream().map(c -> col(c).cast("string")).toArray(Column[]::new)));
        if (!keep) {
            out = out.drop(columns.stream().filter(c -> !c.equals(into)).toArray(String[]::new));
        }
        return out;
    }
}
