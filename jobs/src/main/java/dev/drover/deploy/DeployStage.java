package dev.drover.deploy;

import static java.util.Objects.requireNonNull;

import dev.drover.config.NotifySettings;
import dev.drover.ledger.Ledger;
import dev.drover.ledger.RunRecord;
import dev.drover.model.CheckResult;
import dev.drover.model.RunStatus;
import dev.drover.model.SchemaDiff;
import dev.drover.outbox.Outbox;
import dev.drover.outbox.OutboxEvent;
import dev.drover.plan.MigrationPlan;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The deploy stage, run only after the test stage passed: one {@code migrated} event per
 * consumer goes to the outbox, then the run's succeeded record, then a published marker. The
 * notifier sends only marked runs' events, so a run killed in between tells no one until its
 * resume (which writes no event twice) finishes.
 */
public final class DeployStage {
    /** The events written (none for a dataset without consumers) and the run's succeeded record. */
    public record Outcome(List<OutboxEvent> events, RunRecord succeeded) {
        public Outcome {
            events = List.copyOf(events);
        }
    }

    private final Ledger ledger;
    private final NotifySettings notify;

    public DeployStage(Ledger ledger, NotifySettings notify) {
        this.ledger = requireNonNull(ledger, "ledger is null");
        this.notify = requireNonNull(notify, "notify is null");
    }

    public Outcome run(MigrationPlan plan, RunRecord run, long targetVersion, SchemaDiff schema, List<CheckResult> checks,
                       long rowsWritten, long rowsQuarantined, String warning, boolean resumed) {
        List<OutboxEvent> events = Announcements.migrated(plan, run, targetVersion, schema, checks, rowsWritten,
                rowsQuarantined, notify, Instant.now());
        Outbox outbox = new Outbox(ledger);
        outbox.write(events, resumed);
        RunRecord succeeded = run.with(RunStatus.SUCCEEDED, warning, Optional.of(targetVersion));
        ledger.record(succeeded);
        if (!events.isEmpty()) {
            // the marker must follow the succeeded record
            ledger.flush();
            outbox.markPublished(run.runId());
        }
        return new Outcome(events, succeeded);
    }
}
