package dev.drover.transforms;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * A user-written transform step, named in a migration spec as {@code { class = "com.example.MyStep" }}.
 *
 * <p>Implementations must be pure (no reads or writes) and must keep the row-error columns
 * ({@link RowErrors#ERROR} and {@link RowErrors#STEP}) when they are present; use
 * {@link RowErrors#failWhen} to send a row to quarantine instead of throwing. A public no-argument
 * constructor, or one taking {@code Map<String, String>} (the step's {@code options}), is required.
 */
@FunctionalInterface
public interface Transform {
    Dataset<Row> apply(Dataset<Row> input);
}
