package dev.drover.restore;

import dev.drover.config.DroverConfig;
import dev.drover.delta.CommitTag;
import dev.drover.delta.DeltaTables;
import dev.drover.error.ConflictError;
import dev.drover.ledger.Ledger;
import dev.drover.ledger.RunRecord;
import dev.drover.model.RollbackResult;
import dev.drover.model.RunStatus;
import dev.drover.run.RunLock;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.spark.sql.SparkSession;

/**
 * {@code drover rollback <run>}: restores the target to the run's snapshot in a new commit.
 * Commits by anyone else after the snapshot would be discarded, so they make it refuse
 * (exit 3) unless forced.
 */
public final class Rollback {
    private final SparkSession spark;
    private final DroverConfig config;
    private final Ledger ledger;
    private final DeltaTables delta;

    public Rollback(SparkSession spark, DroverConfig config) {
        this.spark = spark;
        this.config = config;
        this.ledger = new Ledger(spark, config.stateDir());
        this.delta = new DeltaTables(spark);
    }

    /**
     * Consumers already told about the run get a rolled-back event; those not told yet never will
     * be (their migrated events are cancelled). Returns the text to add to the rollback message.
     */
    private String tellConsumers(String runId, long restoredVersion, String message) {
        dev.drover.outbox.Outbox outbox = new dev.drover.outbox.Outbox(ledger);
        dev.drover.outbox.Outbox.State state = outbox.state();
        List<dev.drover.outbox.OutboxEvent> migrated = state.events(runId).stream()
                .filter(e -> e.type().equals(dev.drover.outbox.OutboxEvent.MIGRATED)).toList();
        if (migrated.isEmpty()) {
            return "";
        }
        var latest = dev.drover.outbox.Outbox.latest(state.deliveries());
        // Told = delivered, or possibly delivered (a send whose confirmation never came).
        java.util.function.Predicate<dev.drover.outbox.OutboxEvent> told = e -> {
            var d = latest.get(e.eventId());
            return d != null && (d.status() == dev.drover.outbox.Delivery.Status.DELIVERED
                    || d.status() == dev.drover.outbox.Delivery.Status.UNCONFIRMED);
        };
        List<dev.drover.outbox.OutboxEvent> toTell = migrated.stream().filter(told).toList();
        outbox.write(dev.drover.deploy.Announcements.rolledBack(toTell, restoredVersion, message, java.time.Instant.now()), true);
        List<dev.drover.outbox.Delivery> cancelled = migrated.stream().filter(told.negate())
                .map(e -> dev.drover.outbox.Delivery.cancelled(e, "run " + runId + " was rolled back before this consumer was told"))
                .toList();
        outbox.record(cancelled);
        return "; " + toTell.size() + " consumer(s) already told get a rolled-back event"
                + (cancelled.isEmpty() ? "" : ", " + cancelled.size() + " not yet told will not be");
    }

    public RollbackResult rollback(String runId, boolean force) {
        RunRecord run = ledger.requireRun(runId);
        if (run.status() == RunStatus.ROLLED_BACK) {
            return new RollbackResult(runId, run.target(), false, run.snapshotVersion(), run.targetVersion(),
                    "run " + runId + " was already rolled back; nothing to do");
        }
        if (run.status() == RunStatus.FAILED) {
            return new RollbackResult(runId, run.target(), false, run.snapshotVersion(), run.targetVersion(),
                    "run " + runId + " failed its checks and was restored then; nothing to do");
        }
        try (RunLock lock = RunLock.acquire(config.stateDir(), run.target(), runId, config.lockLease(), config.lockHeartbeat())) {
            Restorer restorer = new Restorer(spark);
            List<DeltaTables.Commit> foreign = restorer.foreignCommits(run.targetLocation(), run.snapshotVersion(), runId);
            if (!foreign.isEmpty() && !force) {
                throw new ConflictError("rollback of run " + runId + " would discard commits made after it by others: "
                        + foreign.stream().map(c -> "v" + c.version() + " " + c.operation()
                                + c.tag().map(t -> " by run " + t.run()).orElse(""))
                        .collect(Collectors.joining(", ")) + "; pass --force to discard them");
            }
            restorer.restore(run.targetLocation(), run.snapshotVersion(),
                    new CommitTag(runId, run.migration(), "rollback", null));
            long now = delta.latestVersion(run.targetLocation());
            String message = (run.snapshotVersion() < 0
                    ? "emptied " + run.target() + " (the run created it)"
                    : "restored " + run.target() + " to version " + run.snapshotVersion())
                    + " in version " + now + (foreign.isEmpty() ? "" : ", discarding " + foreign.size() + " later commits (--force)");
            ledger.record(run.with(RunStatus.ROLLED_BACK, message, now));
            message += tellConsumers(runId, run.snapshotVersion(), message);
            return new RollbackResult(runId, run.target(), true, run.snapshotVersion(), now, message);
        }
    }
}
