package dev.drover.transforms;

import java.util.Arrays;
import java.util.Collection;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** One declarative transform step. {@code label} names the step in errors ("step 2 (cast)"). */
public interface Step {
    /** The spec keyword of this step: rename, cast, derive, lookup, split, merge, drop, default, sql, class. */
    String kind();

    Dataset<Row> apply(Dataset<Row> input, String label);

    /**
     * Existing columns (named as they are when the step runs) whose values the step may change in
     * place. The test stage checksums every other column carried from source to target. SQL and
     * Java steps cannot say: a spec lists what they change under {@code checks.changed}.
     */
    default Set<String> modifies() {
        return Set.of();
    }

    /**
     * True when the step gives exactly one output row per input row (it marks rows it cannot
     * transform or removes on purpose instead of dropping them). The test stage then counts the
     * source rows after the steps, in the same observation as everything else; a step that may
     * add or lose rows (SQL, Java) is counted before it, at the cost of a second observation.
     */
    default boolean keepsRows() {
        return false;
    }

    /**
     * True when each output row depends on its own input row alone (and on lookups pinned for the
     * run): such a step gives the same row whether it sees the whole table or one changed row, so
     * a transition window can apply it to v1's changes alone. A step that compares rows (dedup) or
     * whose code Drover cannot read (a SQL or Java step not declared {@code row-local}) is not.
     */
    default boolean rowLocal() {
        return true;
    }

    /** Fails with a {@link TransformException} naming the first column the frame lacks. */
    static void requireColumns(Dataset<Row> df, Collection<String> columns, String label, String field) {
        Set<String> present = Set.of(df.columns());
        for (String column : columns) {
            if (!present.contains(column)) {
                throw new TransformException(label, field,
                        "column '" + column + "' does not exist; columns are " + Arrays.toString(visibleColumns(df)));
            }
        }
    }

    /** Fails when a column would be created that already exists. */
    static void requireAbsent(Dataset<Row> df, Collection<String> columns, String label, String field) {
        Set<String> present = Set.of(df.columns());
        for (String column : columns) {
            if (present.contains(column)) {
                throw new TransformException(label, field, "column '" + column + "' already exists");
            }
        }
    }

    static String[] visibleColumns(Dataset<Row> df) {
        return Arrays.stream(df.columns()).filter(c -> !c.startsWith(RowErrors.PREFIX)).toArray(String[]::new);
    }
}
