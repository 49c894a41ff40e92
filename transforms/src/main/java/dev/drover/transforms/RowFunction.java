package dev.drover.transforms;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;

/**
 * A per-row transform step, named in a migration spec as
 * {@code { map { class = "com.example.Enrich", options { … } } }}: one row in, one row out. It may
 * throw, for instance when a service it calls is down: the row is tried again, up to
 * {@code drover.transform.row-attempts} times with {@code drover.transform.row-retry-backoff}
 * between tries; a row that succeeds after a retry counts as recovered, one that fails every try
 * goes to quarantine with its last error and the number of tries.
 *
 * <p>The row it gets holds the batch's visible columns as they are at this step; the row it
 * returns must match {@link #schema}. A public constructor taking no arguments or a
 * {@code Map<String, String>} (the step's {@code options}) is required: each Spark task makes
 * its own instance, so the class need not be serializable, and setting up a client there is fine.
 */
public interface RowFunction {
    /** The columns of the rows {@link #apply} returns, given those it receives; by default the same. */
    default StructType schema(StructType input) {
        return input;
    }

    Row apply(Row row) throws Exception;
}
