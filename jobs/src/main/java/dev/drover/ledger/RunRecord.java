package dev.drover.ledger;

import static java.util.Objects.requireNonNull;

import dev.drover.model.RunStatus;
import java.sql.Timestamp;
import java.time.Instant;

/**
 * One state of a run, as the ledger's {@code runs} table holds it (append-only; the latest row
 * per run is its state). {@code snapshotVersion} is the target's version before the run, -1
 * when the run created the table.
 */
public record RunRecord(String runId, String migration, String specChecksum, String source, String sourceLocation,
                        long sourceVersion, String target, String targetLocation, String mode, long snapshotVersion,
                        long targetVersion, RunStatus status, String message, Instant eventTime, String host,
                        long pid) {
    public static final String DDL = "run_id STRING, migration STRING, spec_checksum STRING, source STRING, "
            + "source_location STRING, source_version BIGINT, target STRING, target_location STRING, mode STRING, "
            + "snapshot_version BIGINT, target_version BIGINT, status STRING, message STRING, event_time TIMESTAMP, "
            + "host STRING, pid BIGINT";

    public RunRecord {
        requireNonNull(runId, "runId is null");
        requireNonNull(migration, "migration is null");
        requireNonNull(status, "status is null");
        requireNonNull(eventTime, "eventTime is null");
        message = message == null ? "" : message;
    }

    public RunRecord with(RunStatus newStatus, String newMessage, long newTargetVersion) {
        return new RunRecord(runId, migration, specChecksum, source, sourceLocation, sourceVersion, target,
                targetLocation, mode, snapshotVersion, newTargetVersion, newStatus, newMessage, Instant.now(), host, pid);
    }

    Object[] values() {
        return new Object[] {runId, migration, specChecksum, source, sourceLocation, sourceVersion, target,
                targetLocation, mode, snapshotVersion, targetVersion, status.label(), message,
                Timestamp.from(eventTime), host, pid};
    }

    static RunRecord from(org.apache.spark.sql.Row r) {
        return new RunRecord(r.getString(0), r.getString(1), r.getString(2), r.getString(3), r.getString(4),
                r.getLong(5), r.getString(6), r.getString(7), r.getString(8), r.getLong(9), r.getLong(10),
                RunStatus.parse(r.getString(11)), r.getString(12), r.getTimestamp(13).toInstant(), r.getString(14),
                r.getLong(15));
    }
}
