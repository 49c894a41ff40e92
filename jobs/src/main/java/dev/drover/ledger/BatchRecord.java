package dev.drover.ledger;

import static java.util.Objects.requireNonNull;

import dev.drover.model.BatchStatus;
import dev.drover.model.Metrics;
import java.time.Instant;
import java.util.Optional;

/**
 * A batch of a run: planned at analyze (with its predicate, so a resumed run redoes exactly the
 * same batches), then committed with its counts, the target version of its commit and the
 * metrics observed while it was written ({@link Metrics} as JSON).
 */
public record BatchRecord(String runId, int batchId, String predicate, long estimatedRows, BatchStatus status,
                          long rowsWritten, long rowsQuarantined, long rowsRetried, long rowsRecovered,
                          Optional<Long> targetVersion, Instant eventTime, String metrics) {
    public BatchRecord {
        requireNonNull(runId, "runId is null");
        requireNonNull(predicate, "predicate is null");
        requireNonNull(status, "status is null");
        requireNonNull(targetVersion, "targetVersion is null");
        requireNonNull(eventTime, "eventTime is null");
        metrics = metrics == null ? "" : metrics;
    }

    public static BatchRecord planned(String runId, int batchId, String predicate, long estimatedRows) {
        return new BatchRecord(runId, batchId, predicate, estimatedRows, BatchStatus.PLANNED, 0, 0, 0, 0, Optional.empty(),
                Instant.now(), "");
    }

    /** This batch committed at {@code version}, with the metrics observed while it was written. */
    public BatchRecord committed(long version, Metrics observed) {
        return new BatchRecord(runId, batchId, predicate, estimatedRows, BatchStatus.COMMITTED,
                observed.count(Metrics.TARGET_ROWS), observed.count(Metrics.FAILED), observed.count(Metrics.RETRIED),
                observed.count(Metrics.RECOVERED), Optional.of(version), Instant.now(), observed.json());
    }

    public boolean isCommitted() {
        return status == BatchStatus.COMMITTED;
    }

    public Metrics metricsValues() {
        return Metrics.fromJson(metrics);
    }
}
