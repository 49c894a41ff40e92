package dev.drover.transforms;

import static java.util.Objects.requireNonNull;

import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** Renames columns: old name → new name. */
public record Rename(Map<String, String> names) implements Step {
    public Rename {
        names = Map.copyOf(requireNonNull(names, "names is null"));
    }

    @Override
    public boolean keepsRows() {
        return true;
    }

    @Override
    public String kind() {
        return "rename";
    }

    @Override
    public Dataset<Row> apply(Dataset<Row> input, String label) {
        Step.requireColumns(input, names.keySet(), label, "rename");
        Step.requireAbsent(input, names.values(), label, "rename");
        Dataset<Row> out = input;
        for (var entry : names.entrySet()) {
            out = out.withColumnRenamed(entry.getKey(), entry.getValue());
        }
        return out;
    }
}
