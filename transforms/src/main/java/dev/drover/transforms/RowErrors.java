package dev.drover.transforms;

import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import java.util.Arrays;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;

/**
 * Per-row failure markers. A step never drops or nulls a row it cannot transform: it marks the
 * row with the first error and the step that raised it, and the job sends marked rows to the
 * dataset's quarantine table.
 */
public final class RowErrors {
    /** Reserved prefix; user columns may not start with it. */
    public static final String PREFIX = "_drover_";
    public static final String ERROR = PREFIX + "error";
    public static final String STEP = PREFIX + "error_step";
    /** The label of the filter step that removed the row on purpose (not an error). */
    public static final String DROPPED = PREFIX + "dropped_by";
    /** How many tries a per-row ({@code map}) step took for the row: 1 when it succeeded at once. */
    public static final String ATTEMPTS = PREFIX + "attempts";
    /** Hidden copies of the source primary key ({@code _drover_key_0}, …), added by the job before the steps. */
    public static final String KEY_PREFIX = PREFIX + "key_";

    private RowErrors() {}

    /** Adds empty error columns when the frame has none yet. */
    public static Dataset<Row> withErrorColumns(Dataset<Row> df) {
        if (hasErrorColumns(df)) {
            return df;
        }
        return df.withColumn(ERROR, lit(null).cast(DataTypes.StringType))
                .withColumn(STEP, lit(null).cast(DataTypes.StringType))
                .withColumn(DROPPED, lit(null).cast(DataTypes.StringType));
    }

    public static boolean hasErrorColumns(Dataset<Row> df) {
        var names = Arrays.asList(df.columns());
        return names.contains(ERROR) && names.contains(STEP) && names.contains(DROPPED);
    }

    /** Rows a filter step removed on purpose. */
    public static Column dropped() {
        return org.apache.spark.sql.functions.col(DROPPED).isNotNull();
    }

    /** Rows that go to the target: neither failed nor removed by a filter. */
    public static Column reached() {
        return org.apache.spark.sql.functions.col(ERROR).isNull().and(org.apache.spark.sql.functions.col(DROPPED).isNull());
    }

    /**
     * Marks rows where {@code failed} is true with {@code message}, keeping any earlier error:
     * the first failing step is the one reported.
     */
    public static Dataset<Row> failWhen(Dataset<Row> df, Column failed, String step, Column message) {
        Dataset<Row> withErrors = withErrorColumns(df);
        // a row a filter removed is no longer transformed, so it cannot fail
        Column firstFailure = withErrors.col(ERROR).isNull().and(withErrors.col(DROPPED).isNull()).and(failed);
        return withErrors
                .withColumn(STEP, when(firstFailure, lit(step)).otherwise(withErrors.col(STEP)))
                .withColumn(ERROR, when(firstFailure, message).otherwise(withErrors.col(ERROR)));
    }

    public static Column failed() {
        return org.apache.spark.sql.functions.col(ERROR).isNotNull();
    }
}
