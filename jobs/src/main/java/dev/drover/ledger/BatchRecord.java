package dev.drover.ledger;

import static java.util.Objects.requireNonNull;

import dev.drover.model.BatchStatus;
import dev.drover.model.MetricKey;
import dev.drover.model.Metrics;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A batch of a run: planned at analyze (with its predicate, so a resumed run redoes exactly the
 * same batches), then staged with its counts, the metrics observed while it was written
 * ({@link Metrics} as JSON) and the data files it wrote into the target and the quarantine table
 * without committing them (Delta add actions as JSON, one per line; {@code filesRows} is the rows
 * Delta's writer says those files hold). The run publishes every batch's files in one commit.
 * Ledgers written before staging hold {@code committed} batches with a target version each.
 */
public record BatchRecord(String runId, int batchId, String predicate, long estimatedRows, BatchStatus status,
                          long rowsWritten, long rowsQuarantined, long rowsRetried, long rowsRecovered,
                          Optional<Long> targetVersion, Instant eventTime, String metrics, String files, String quarantineFiles,
                          long filesRows) {
    public BatchRecord {
        requireNonNull(runId, "runId is null");
        requireNonNull(predicate, "predicate is null");
        requireNonNull(status, "status is null");
        requireNonNull(targetVersion, "targetVersion is null");
        requireNonNull(eventTime, "eventTime is null");
        metrics = metrics == null ? "" : metrics;
        files = files == null ? "" : files;
        quarantineFiles = quarantineFiles == null ? "" : quarantineFiles;
    }

    public static BatchRecord planned(String runId, int batchId, String predicate, long estimatedRows) {
        return new BatchRecord(runId, batchId, predicate, estimatedRows, BatchStatus.PLANNED, 0, 0, 0, 0, Optional.empty(),
                Instant.now(), "", "", "", 0);
    }

    /** This batch written, not committed: its files in the target and the quarantine, and the metrics observed. */
    public BatchRecord staged(List<String> targetFiles, long targetFilesRows, List<String> quarantined, Metrics observed) {
        return new BatchRecord(runId, batchId, predicate, estimatedRows, BatchStatus.STAGED,
                observed.count(MetricKey.TARGET_ROWS), observed.count(MetricKey.FAILED), observed.count(MetricKey.RETRIED),
                observed.count(MetricKey.RECOVERED), Optional.empty(), Instant.now(), observed.json(), String.join("\n", targetFiles),
                String.join("\n", quarantined), targetFilesRows);
    }

    /** Written: staged (or, in a ledger from before staging, committed). */
    public boolean isWritten() {
        return status == BatchStatus.STAGED || status == BatchStatus.COMMITTED;
    }

    /** The batch's staged data files of the target (Delta add actions as JSON). */
    public List<String> targetFiles() {
        return lines(files);
    }

    /** The batch's staged data files of the quarantine table. */
    public List<String> quarantinedFiles() {
        return lines(quarantineFiles);
    }

    private static List<String> lines(String text) {
        return text.isEmpty() ? List.of() : List.of(text.split("\n"));
    }

    public Metrics metricsValues() {
        return Metrics.fromJson(metrics);
    }
}
