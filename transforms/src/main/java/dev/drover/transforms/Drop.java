package dev.drover.transforms;

import static java.util.Objects.requireNonNull;

import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** Drops columns. Naming a column that does not exist is an error, not a no-op. */
public record Drop(List<String> columns) implements Step {
    public Drop {
        columns = List.copyOf(requireNonNull(columns, "columns is null"));
    }

    @Override
    public boolean keepsRows() {
        return true;
    }

    @Override
    public String kind() {
        return "drop";
    }

    @Override
    public Dataset<Row> apply(Dataset<Row> input, String label) {
        Step.requireColumns(input, columns, label, "drop");
        return input.drop(columns.toArray(String[]::new));
    }
}
