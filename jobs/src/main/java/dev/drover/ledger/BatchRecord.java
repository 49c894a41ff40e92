package dev.drover.ledger;

import static java.util.Objects.requireNonNull;

import java.sql.Timestamp;
import java.time.Instant;

/**
 * A batch of a run: planned at analyze (with its predicate, so a resumed run redoes exactly the
 * same batches), then committed with its counts and the target version of its commit.
 */
public record BatchRecord(String runId, int batchId, String predicate, long estimatedRows, String status,
                          long rowsWritten, long rowsQuarantined, long targetVersion, long sourceRows,
                          long sourceKeyXxhash, long sourceKeyMurmur, Instant eventTime, String metrics) {
    public static final String PLANNED = "planned";
    public static final String COMMITTED = "committed";
    public static final String DDL = "run_id STRING, batch_id INT, predicate STRING, estimated_rows BIGINT, "
            + "status STRING, rows_written BIGINT, rows_quarantined BIGINT, target_version BIGINT, source_rows BIGINT, "
            + "source_key_xxhash BIGINT, source_key_murmur BIGINT, event_time TIMESTAMP, metrics STRING";

    public BatchRecord {
        requireNonNull(runId, "runId is null");
        requireNonNull(predicate, "predicate is null");
        requireNonNull(status, "status is null");
        requireNonNull(eventTime, "eventTime is null");
        metrics = metrics == null ? "" : metrics;
    }

    /** A planned batch. */
    public static BatchRecord planned(String runId, int batchId, String predicate, long estimatedRows) {
        return new BatchRecord(runId, batchId, predicate, estimatedRows, PLANNED, 0, 0, -1, 0, 0, 0, Instant.now(), "");
    }

    /** This batch committed, with the reconciliation metrics observed on its source slice. */
    public BatchRecord committed(long written, long quarantined, long version, dev.drover.model.Metrics observed) {
        return new BatchRecord(runId, batchId, predicate, estimatedRows, COMMITTED, written, quarantined, version,
                observed.count("rows"), observed.count("key_xxhash"), observed.count("key_murmur"), Instant.now(),
                observed.json());
    }

    /** The batch's reconciliation metrics (a batch recorded before they existed has its key sums only). */
    public dev.drover.model.Metrics metricsValues() {
        dev.drover.model.Metrics m = dev.drover.model.Metrics.fromJson(metrics);
        return m.values().isEmpty() ? dev.drover.model.Metrics.of(java.util.Map.of("rows", sourceRows,
                "key_xxhash", sourceKeyXxhash, "key_murmur", sourceKeyMurmur)) : m;
    }

    public dev.drover.measure.KeySums sourceSums() {
        return new dev.drover.measure.KeySums(sourceRows, sourceKeyXxhash, sourceKeyMurmur);
    }

    Object[] values() {
        return new Object[] {runId, batchId, predicate, estimatedRows, status, rowsWritten, rowsQuarantined,
                targetVersion, sourceRows, sourceKeyXxhash, sourceKeyMurmur, Timestamp.from(eventTime), metrics};
    }

    static BatchRecord from(org.apache.spark.sql.Row r) {
        return new BatchRecord(r.getString(0), r.getInt(1), r.getString(2), r.getLong(3), r.getString(4),
                r.getLong(5), r.getLong(6), r.getLong(7), r.getLong(8), r.getLong(9), r.getLong(10),
                r.getTimestamp(11).toInstant(), r.size() > 12 ? r.getString(12) : "");
    }
}
