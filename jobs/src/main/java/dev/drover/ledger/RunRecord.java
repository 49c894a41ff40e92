package dev.drover.ledger;

import static java.util.Objects.requireNonNull;

import dev.drover.model.RunStatus;
import dev.drover.spec.TargetMode;
import java.time.Instant;
import java.util.Optional;

/**
 * One state of a run, as the ledger's {@code runs} table holds it (append-only; the latest row
 * per run is its state). {@code snapshotVersion} is the target's version before the run, empty
 * when the run created the table; {@code targetVersion} the target's version when the state was
 * recorded, empty before anything was written. {@code plan} is what analyze decided ({@link RunPlan} as
 * JSON), on the run's first row only: that one commit is all a killed run needs to resume, so a run
 * waits for no other ledger commit before it touches the target. Empty on later rows, and on rows
 * written before runs carried their plan (the plan is then in {@code stages} and {@code batches}).
 */
public record RunRecord(String runId, String migration, String specChecksum, String source, String sourceLocation,
                        long sourceVersion, String target, String targetLocation, TargetMode mode,
                        Optional<Long> snapshotVersion, Optional<Long> targetVersion, RunStatus status, String message,
                        Instant eventTime, String host, long pid, String plan) {
    public RunRecord {
        requireNonNull(runId, "runId is null");
        requireNonNull(migration, "migration is null");
        requireNonNull(mode, "mode is null");
        requireNonNull(snapshotVersion, "snapshotVersion is null");
        requireNonNull(targetVersion, "targetVersion is null");
        requireNonNull(status, "status is null");
        requireNonNull(eventTime, "eventTime is null");
        message = message == null ? "" : message;
        plan = plan == null ? "" : plan;
    }

    public RunRecord with(RunStatus newStatus, String newMessage, Optional<Long> newTargetVersion) {
        return new RunRecord(runId, migration, specChecksum, source, sourceLocation, sourceVersion, target,
                targetLocation, mode, snapshotVersion, newTargetVersion, newStatus, newMessage, Instant.now(), host, pid, "");
    }
}
