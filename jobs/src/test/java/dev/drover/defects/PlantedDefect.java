package dev.drover.defects;

import dev.drover.transforms.Transform;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** A broken user transform for tests: drops one row, or duplicates one key (option {@code defect}). */
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
            default -> throw new IllegalArgumentException(defect);
        };
    }
}
