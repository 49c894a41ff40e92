package dev.drover.catalog;

import java.util.Optional;
import org.apache.spark.sql.types.DataType;

/** Parses Spark SQL type names ("int", "decimal(10,2)", "array<string>") without a session. */
public final class SparkTypes {
    private SparkTypes() {}

    public static Optional<DataType> parse(String text) {
        if (text == null || text.isBlank()) {
            return Optional.empty();
        }
        try {
            return Optional.of(DataType.fromDDL(text));
        } catch (Exception e) { // ParseException is unchecked from Scala
            return Optional.empty();
        }
    }
}
