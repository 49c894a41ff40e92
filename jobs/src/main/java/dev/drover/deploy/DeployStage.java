package dev.drover.deploy;

import static java.util.Objects.requireNonNull;

import dev.drover.config.DeliverySettings;
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
 * The deploy stage, run only after the test stage passed: one {@code migrated} event per consumer
 * of the migrated dataset goes to the outbox ({@link #announce}); once those are in, the run's
 * succeeded record and a published marker ({@link #succeed}, in parallel). The notifier sends a
 * run's events once its marker is there, or, for a run killed before its marker landed, once the
 * run's record says succeeded; a run killed before that tells no one until its resume (which
 * writes no event twice) finishes.
 */
public final class DeployStage {
    private final Ledger ledger;
    private final NotifySettings notify;
    private final ConsumerUpdates updates;
    private final DeliverySettings deliveries;

    public DeployStage(Ledger ledger, NotifySettings notify) {
        this(ledger, notify, null, DeliverySettings.DEFAULTS);
    }

    /**
     * @param updates prepares and proves the rewrites of consumers that declare queries; null to skip
     * @param deliveries names the branch a consumer's rewrites go on
     */
    public DeployStage(Ledger ledger, NotifySettings notify, ConsumerUpdates updates, DeliverySettings deliveries) {
        this.ledger = requireNonNull(ledger, "ledger is null");
        this.notify = requireNonNull(notify, "notify is null");
        this.updates = updates;
        this.deliveries = requireNonNull(deliveries, "deliveries is null");
    }

    /**
     * Writes the run's consumer events (none for a dataset without consumers), one per channel a
     * consumer is reached through (Kafka, its endpoint, its repository); returns them.
     */
    public List<OutboxEvent> announce(MigrationPlan plan, RunRecord run, long targetVersion, SchemaDiff schema,
                                      List<CheckResult> checks, long rowsWritten, long rowsQuarantined, boolean resumed) {
        java.util.Map<String, ConsumerUpdates.ForConsumer> prepared = updates == null || plan.consumers().isEmpty()
                ? java.util.Map.of() : updates.prepare(plan, targetVersion);
        List<OutboxEvent> events = Announcements.migrated(plan, run, targetVersion, schema, checks, rowsWritten,
                rowsQuarantined, notify, deliveries, Instant.now(), prepared);
        new Outbox(ledger).write(events, resumed);
        return events;
    }

    /** Records the run as succeeded and, when it has events, marks them publishable; returns the record. */
    public RunRecord succeed(RunRecord run, long targetVersion, String warning, boolean hasEvents) {
        RunRecord succeeded = run.with(RunStatus.SUCCEEDED, warning, Optional.of(targetVersion));
        ledger.record(succeeded);
        if (hasEvents) {
            new Outbox(ledger).markPublished(run.runId());
        }
        return succeeded;
    }
}
