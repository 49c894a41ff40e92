package dev.drover.transforms;

import static java.util.Objects.requireNonNull;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import dev.drover.common.SqlNames;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Default values: nulls in an existing column are replaced by the value (cast to the column's
 * type); a column that does not exist yet is added with the value everywhere.
 */
public record Defaults(Map<String, Object> values) implements Step {
    public Defaults {
        values = Map.copyOf(requireNonNull(values, "values is null"));
    }

    @Override
    public java.util.Set<String> modifies() {
        return values.keySet();
    }

    @Override
    public boolean keepsRows() {
        return true;
    }

    @Override
    public String kind() {
        return "default";
    }

    @Override
    public Dataset<Row> apply(Dataset<Row> input, String label) {
        Set<String> present = Set.of(input.columns());
        Dataset<Row> out = input;
        for (var entry : values.entrySet()) {
            String column = entry.getKey();
            if (present.contains(column)) {
                var type = out.schema().apply(column).dataType();
                out = out.withColumn(column, coalesce(col(SqlNames.quote(column)), lit(entry.getValue()).cast(type)));
            } else {
                out = out.withColumn(column, lit(entry.getValue()));
            }
        }
        return out;
    }
}
