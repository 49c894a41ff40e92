package dev.drover.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.drover.model.RunStatus;
import dev.drover.outbox.Delivery;
import dev.drover.outbox.EventType;
import dev.drover.outbox.OutboxEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The strategies, as rules over the outbox, its delivery record and the acknowledgements. */
class ReleaseTest {
    private static final Instant T0 = Instant.parse("2026-11-24T10:00:00Z");
    private static final Duration INTERVAL = Duration.ofHours(24);
    private static final Map<String, RunStatus> PUBLISHED = Map.of("r1", RunStatus.SUCCEEDED);

    private static OutboxEvent event(String consumer, String strategy, int wave) {
        return event("r1", consumer, strategy, wave, EventType.MIGRATED);
    }

    private static OutboxEvent event(String run, String consumer, String strategy, int wave, EventType type) {
        return new OutboxEvent(OutboxEvent.id(run, consumer, type), run, "users/V2", "users-v1", consumer, type,
                "updates", dev.drover.model.UpdateStrategy.parse(strategy), wave, "2026-12-24", "{}", T0);
    }

    private static Delivery delivery(OutboxEvent e, Delivery.Status status, Instant at) {
        return new Delivery(e.eventId(), e.runId(), e.consumer(), status, 1, e.topic(), 0, 0, "", at);
    }

    private static List<String> due(Release.Plan plan) {
        return plan.due().stream().map(d -> d.event().consumer()).toList();
    }

    private final OutboxEvent now = event("dashboard", "immediate", 0);
    private final OutboxEvent dual = event("billing", "dual-write", 0);
    private final OutboxEvent wave1a = event("fraud", "phased", 1);
    private final OutboxEvent wave1b = event("risk", "phased", 1);
    private final OutboxEvent wave2 = event("churn", "phased", 2);
    private final OutboxEvent wave3 = event("ads", "phased", 3);
    private final List<OutboxEvent> all = List.of(now, dual, wave1a, wave1b, wave2, wave3);

    @Test
    void immediateDualWriteAndTheFirstWaveGoAtOnceLaterWavesWait() {
        Release.Plan plan = Release.plan(all, List.of(), Set.of(), Set.of(), PUBLISHED, T0, INTERVAL, false);
        assertEquals(List.of("dashboard", "billing", "fraud", "risk"), due(plan));
        assertEquals(2, plan.held().size());
        assertTrue(plan.held().get(0).reason().contains("wave 2 waits for wave 1: 0 of 2 delivered"), plan.held().toString());
        assertTrue(plan.due().stream().allMatch(d -> d.attempt() == 1));
    }

    @Test
    void aWaveWaitsUntilEveryEventOfTheWaveBeforeIsDelivered() {
        List<Delivery> d = List.of(delivery(now, Delivery.Status.DELIVERED, T0), delivery(dual, Delivery.Status.DELIVERED, T0),
                delivery(wave1a, Delivery.Status.DELIVERED, T0), delivery(wave1b, Delivery.Status.FAILED, T0));
        // Long after the interval, but one of wave 1 failed: wave 2 still waits.
        Release.Plan plan = Release.plan(all, d, Set.of(wave1a.eventId(), wave1b.eventId()), Set.of(), PUBLISHED,
                T0.plus(Duration.ofDays(5)), INTERVAL, false);
        assertEquals(List.of(), due(plan));
        assertTrue(plan.held().stream().anyMatch(h -> h.event() == wave2 && h.reason().contains("1 of 2 delivered")), plan.held().toString());
        assertTrue(plan.held().stream().anyMatch(h -> h.event() == wave1b && h.reason().contains("--retry-failed")), plan.held().toString());
    }

    @Test
    void theNextWaveIsReleasedWhenTheIntervalHasPassedOrEveryConsumerAcknowledged() {
        List<Delivery> d = List.of(delivery(wave1a, Delivery.Status.DELIVERED, T0),
                delivery(wave1b, Delivery.Status.DELIVERED, T0.plusSeconds(60)));
        List<OutboxEvent> phased = List.of(wave1a, wave1b, wave2, wave3);
        // Before the interval (counted from the last delivery of wave 1), with one ack of two: held.
        Release.Plan early = Release.plan(phased, d, Set.of(wave1a.eventId()), Set.of(), PUBLISHED,
                T0.plus(INTERVAL), INTERVAL, false);
        assertEquals(List.of(), due(early));
        assertTrue(early.held().get(0).reason().contains("released at 2026-11-25T10:01:00Z or when all 2 acknowledge (1 so far)"),
                early.held().get(0).reason());
        // Both acknowledged: released at once, and only wave 2 (wave 3 waits for wave 2).
        Release.Plan acked = Release.plan(phased, d, Set.of(wave1a.eventId(), wave1b.eventId()), Set.of(), PUBLISHED,
                T0.plusSeconds(120), INTERVAL, false);
        assertEquals(List.of("churn"), due(acked));
        // No acks, but the interval has passed.
        Release.Plan later = Release.plan(phased, d, Set.of(), Set.of(), PUBLISHED, T0.plus(INTERVAL).plusSeconds(60), INTERVAL, false);
        assertEquals(List.of("churn"), due(later));
    }

    @Test
    void retryFailedSendsOnlyFailedOrUnconfirmedEventsAndCountsAttempts() {
        List<Delivery> d = new ArrayList<>(List.of(delivery(now, Delivery.Status.DELIVERED, T0),
                delivery(dual, Delivery.Status.FAILED, T0), delivery(wave1a, Delivery.Status.UNCONFIRMED, T0)));
        d.add(delivery(dual, Delivery.Status.FAILED, T0.plusSeconds(5)));
        Release.Plan retry = Release.plan(all, d, Set.of(), Set.of(), PUBLISHED, T0.plusSeconds(10), INTERVAL, true);
        assertEquals(List.of("billing", "fraud"), due(retry));
        assertEquals(List.of(3, 2), retry.due().stream().map(Release.Due::attempt).toList());
        // A normal run leaves them alone and sends what was never attempted.
        Release.Plan normal = Release.plan(all, d, Set.of(), Set.of(), PUBLISHED, T0.plusSeconds(10), INTERVAL, false);
        assertEquals(List.of("risk"), due(normal));
    }

    @Test
    void migratedEventsGoOutOnlyForPublishedRunsRolledBackOnesAtOnceCancelledNever() {
        OutboxEvent rolled = event("r2", "dashboard", "phased", 3, EventType.ROLLED_BACK);
        OutboxEvent untold = event("r2", "churn", "phased", 3, EventType.MIGRATED);
        OutboxEvent running = event("r3", "dashboard", "immediate", 0, EventType.MIGRATED);
        List<Delivery> d = List.of(Delivery.cancelled(untold, "rolled back"));
        Release.Plan plan = Release.plan(List.of(rolled, untold, running), d, Set.of(), Set.of("r2"),
                Map.of("r3", RunStatus.RUNNING), T0, INTERVAL, false);
        assertEquals(List.of(rolled), plan.due().stream().map(Release.Due::event).toList());
        assertEquals(1, plan.held().size());
        assertTrue(plan.held().get(0).reason().contains("run r3 is running, not published"), plan.held().toString());
    }

    @Test
    void thePublishedMarkerReleasesARunWithoutTheLedgerWhichIsReadOnlyForUnmarkedRuns() {
        OutboxEvent marked = event("r1", "dashboard", "immediate", 0, EventType.MIGRATED);
        OutboxEvent unmarked = event("r4", "dashboard", "immediate", 0, EventType.MIGRATED);
        List<OutboxEvent> events = List.of(marked, unmarked);
        assertEquals(Set.of("r4"), Release.unpublishedRuns(events, List.of(), Set.of("r1")));
        Release.Plan noLedger = Release.plan(events, List.of(), Set.of(), Set.of("r1"), Map.of(), T0, INTERVAL, false);
        assertEquals(List.of(marked), noLedger.due().stream().map(Release.Due::event).toList());
        assertTrue(noLedger.held().get(0).reason().contains("run r4 is unknown, not published"), noLedger.held().toString());
        // A run killed between its succeeded record and the marker: the ledger says succeeded, so it goes.
        Release.Plan fallback = Release.plan(events, List.of(), Set.of(), Set.of("r1"), Map.of("r4", RunStatus.SUCCEEDED),
                T0, INTERVAL, false);
        assertEquals(2, fallback.due().size());
        // Delivered events need nothing from the ledger.
        assertEquals(Set.of(), Release.unpublishedRuns(events, List.of(delivery(unmarked, Delivery.Status.DELIVERED, T0)), Set.of("r1")));
    }
}
