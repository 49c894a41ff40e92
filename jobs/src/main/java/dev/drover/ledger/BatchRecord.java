package dev.drover.ledger;

import static java.util.Objects.requireNonNull;

import java.sql.Timestamp;
import java.time.Instant;

/**
 * A batch of a run: planned at analyze (with its predicate, so a resumed run redoes exactly the
 * same batches), then committed with its counts and the target version of its commit.
 */
public record BatchRecord(String runId, int batchId, String predicate, long estimatedRows, String status,
                          long rowsWritten, long rowsQuarantined, long targetVersion, Instant eventTime) {
    public static final String PLANNED = "planned";
    public static final String COMMITTED = "committed";
    public static final String DDL = "run_id STRING, batch_id INT, predicate STRING, estimated_rows BIGINT, "
            + "status STRING, rows_written BIGINT, rows_quarantined BIGINT, target_version BIGINT, event_time TIMESTAMP";

    public BatchRecord {
        requireNonNull(runId, "runId is null");
        requireNonNull(predicate, "predicate is null");
        requireNonNull(status, "status is null");
        requireNonNull(eventTime, "eventTime is null");
    }

    public BatchRecord committed(long written, long quarantined, long version) {
        return new BatchRecord(runId, batchId, predicate, estimatedRows, COMMITTED, written, quarantined, version,
                Instant.now());
    }

    Object[] values() {
        return new Object[] {runId, batchId, predicate, estimatedRows, status, rowsWritten, rowsQuarantined,
                targetVersion, Timestamp.from(eventTime)};
    }

    static BatchRecord from(org.apache.spark.sql.Row r) {
        return new BatchRecord(r.getString(0), r.getInt(1), r.getString(2), r.getLong(3), r.getString(4),
                r.getLong(5), r.getLong(6), r.getLong(7), r.getTimestamp(8).toInstant());
    }
}
