package dev.drover.defects;

import dev.drover.transforms.Transform;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * A broken user transform for tests (option {@code defect}): drops a row, duplicates or alters a
 * key, nulls a value, swaps two columns, or truncates a decimal.
 */
public final class PlantedDefect implements Transform {
    private final String defect;

    public PlantedDefect(Map<String, String> options) {
        this.defect = options.get("defect");
    }

    @Override
    public Dataset<Row> apply(Dataset<Row> input) {
        return switch (defect) {
            case "drop-row" -> input.where("user_id <> 7");
            case "duplicate-key" -> input.unionAll(input.where("user_id = 7"));
            case "swap-key" -> input.withColumn("user_id", org.apache.spark.sql.functions.expr(
                    "CASE WHEN user_id = 7 THEN 100007 ELSE user_id END"));
            // a column silently nulled for one row
            case "null-column" -> input.withColumn("display_name", org.apache.spark.sql.functions.expr(
                    "CASE WHEN user_id = 7 THEN NULL ELSE display_name END"));
            // two columns of one type swapped
            case "swap-columns" -> input.withColumn("tmp", input.col("display_name"))
                    .withColumn("display_name", input.col("country")).withColumn("country", org.apache.spark.sql.functions.col("tmp"))
                    .drop("tmp");
            // a decimal truncated to whole units, its type kept
            case "truncate-decimal" -> input.withColumn("amount", org.apache.spark.sql.functions.expr(
                    "CAST(FLOOR(amount) AS DECIMAL(12,2))"));
            default -> throw new IllegalArgumentException(defect);
        };
    }
}
