package dev.drover.transforms;

import static java.util.Objects.requireNonNull;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;

import dev.drover.common.SqlNames;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataType;

/**
 * Safe cast: a value that does not convert (or would overflow) fails its row; it is never
 * silently turned into null. Uses {@code try_cast} (ANSI semantics) so narrowing numbers that do
 * not fit is caught too, whatever {@code spark.sql.ansi.enabled} says.
 */
public record Cast(Map<String, DataType> types) implements Step {
    public Cast {
        types = Map.copyOf(requireNonNull(types, "types is null"));
    }

    @Override
    public java.util.Set<String> modifies() {
        return types.keySet();
    }

    @Override
    public boolean keepsRows() {
        return true;
    }

    @Override
    public String kind() {
        return "cast";
    }

    @Override
    public Dataset<Row> apply(Dataset<Row> input, String label) {
        Step.requireColumns(input, types.keySet(), label, "cast");
        Dataset<Row> out = input;
        for (var entry : types.entrySet()) {
            String column = entry.getKey();
            String typeSql = entry.getValue().sql();
            String converted = RowErrors.PREFIX + "cast";
            out = out.withColumn(converted, expr("try_cast(" + SqlNames.quote(column) + " AS " + typeSql + ")"));
            Column original = out.col(SqlNames.quote(column));
            out = RowErrors.failWhen(out, original.isNotNull().and(out.col(converted).isNull()), label,
                    concat(lit("value '"), original.cast("string"),
                            lit("' of column " + column + " does not convert to " + typeSql.toLowerCase())));
            out = out.withColumn(column, out.col(converted)).drop(converted);
        }
        return out;
    }

}
