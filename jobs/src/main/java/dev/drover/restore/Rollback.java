package dev.drover.restore;

import static java.util.Objects.requireNonNull;

import dev.drover.delta.CommitTag;
import dev.drover.delta.DeltaTables;
import dev.drover.error.ConflictError;
import dev.drover.ledger.Ledger;
import dev.drover.ledger.RunRecord;
import dev.drover.model.RollbackResult;
import dev.drover.model.RunStatus;
import dev.drover.model.Stage;
import dev.drover.outbox.Delivery;
import dev.drover.outbox.Outbox;
import dev.drover.outbox.EventType;
import dev.drover.outbox.OutboxEvent;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.apache.spark.sql.SparkSession;

/**
 * {@code drover rollback <run>}: restores the target to the run's snapshot in a new commit.
 * Commits by anyone else after the snapshot would be discarded, so they make it refuse
 * (exit 3) unless forced. The caller holds the dataset's run lock.
 */
public final class Rollback {
    private final SparkSession spark;
    private final Ledger ledger;
    private final DeltaTables delta;

    public Rollback(SparkSession spark, Ledger ledger) {
        this.spark = requireNonNull(spark, "spark is null");
        this.ledger = requireNonNull(ledger, "ledger is null");
        this.delta = new DeltaTables(spark);
    }

    /** A run there is nothing to roll back for: already rolled back, or failed (restored then). */
    public static Optional<RollbackResult> nothingToDo(RunRecord run) {
        String why = switch (run.status()) {
            case ROLLED_BACK -> "run " + run.runId() + " was already rolled back; nothing to do";
            case FAILED -> "run " + run.runId() + " failed and published nothing; nothing to do";
            default -> null;
        };
        return Optional.ofNullable(why).map(w -> new RollbackResult(run.runId(), run.target(), false, run.snapshotVersion(),
                Optional.empty(), w));
    }

    /** Restores the run's target and takes the run's rows out of {@code quarantineLocation}. */
    public RollbackResult rollback(RunRecord run, String quarantineLocation, boolean force) {
        String runId = run.runId();
        Restorer restorer = new Restorer(spark);
        List<DeltaTables.Commit> foreign = restorer.foreignCommits(run.targetLocation(), run.snapshotVersion(), runId);
        if (!foreign.isEmpty() && !force) {
            throw new ConflictError("rollback of run " + runId + " would discard commits made after it by others: "
                    + foreign.stream().map(c -> "v" + c.version() + " " + c.operation()
                            + c.tag().map(t -> " by run " + t.run()).orElse(""))
                    .collect(Collectors.joining(", ")) + "; pass --force to discard them");
        }
        CommitTag tag = new CommitTag(runId, run.migration(), Stage.ROLLBACK, null);
        restorer.restore(run.targetLocation(), run.snapshotVersion(), tag);
        restorer.removeQuarantined(quarantineLocation, runId, tag);
        long now = delta.latestVersion(run.targetLocation());
        String message = run.snapshotVersion().map(v -> "restored " + run.target() + " to version " + v)
                .orElse("emptied " + run.target() + " (the run created it)")
                + " in version " + now + (foreign.isEmpty() ? "" : ", discarding " + foreign.size() + " later commits (--force)");
        ledger.record(run.with(RunStatus.ROLLED_BACK, message, Optional.of(now)));
        message += tellConsumers(runId, run.snapshotVersion().orElse(-1L), message);
        ledger.flush();
        return new RollbackResult(runId, run.target(), true, run.snapshotVersion(), Optional.of(now), message);
    }

    /**
     * Consumers already told about the run get a rolled-back event; those not told yet never will
     * be (their migrated events are cancelled). Returns the text to add to the rollback message.
     */
    private String tellConsumers(String runId, long restoredVersion, String message) {
        Outbox outbox = new Outbox(ledger);
        Outbox.State state = outbox.state();
        List<OutboxEvent> migrated = state.events(runId).stream().filter(e -> e.type() == EventType.MIGRATED).toList();
        if (migrated.isEmpty()) {
            return "";
        }
        Map<String, Delivery> latest = Outbox.latest(state.deliveries());
        // Told = delivered, or possibly delivered (a send whose confirmation never came).
        Predicate<OutboxEvent> told = e -> {
            Delivery d = latest.get(e.eventId());
            return d != null && (d.status() == Delivery.Status.DELIVERED || d.status() == Delivery.Status.UNCONFIRMED);
        };
        List<OutboxEvent> toTell = migrated.stream().filter(told).toList();
        outbox.write(OutboxEvent.rolledBack(toTell, restoredVersion, message, Instant.now()), true);
        List<Delivery> cancelled = migrated.stream().filter(told.negate())
                .map(e -> Delivery.cancelled(e, "run " + runId + " was rolled back before this consumer was told")).toList();
        outbox.record(cancelled);
        return "; " + toTell.size() + " consumer(s) already told get a rolled-back event"
                + (cancelled.isEmpty() ? "" : ", " + cancelled.size() + " not yet told will not be");
    }
}
