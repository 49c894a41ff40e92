package dev.drover.notify;

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
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Which outbox events are due now: the consumers' strategies applied to the outbox, its
 * delivery record and the acknowledgements. Pure (no I/O), so every rule is unit-tested.
 * <ul>
 *   <li>{@code migrated} events go out only for a published run (its deploy finished); a run
 *       rolled back before a consumer was told never tells it (the rollback cancels the event);</li>
 *   <li>immediate and dual-write consumers: at the next run;</li>
 *   <li>phased consumers, per run, by wave: the lowest wave at once; wave N+1 once every event of
 *       wave N is delivered and either every one of them is acknowledged or {@code interval}
 *       has passed since the last was delivered;</li>
 *   <li>{@code rolled-back} events: at once, whatever the strategy.</li>
 * </ul>
 * A normal run sends events never attempted; {@code retryFailed} sends only failed or
 * unconfirmed ones (they were released when first sent).
 */
public final class Release {
    /** An event to send now, and which attempt this is. */
    public record Due(OutboxEvent event, int attempt) {}

    /** An event not sent now, and why. */
    public record Held(OutboxEvent event, String reason) {}

    public record Plan(List<Due> due, List<Held> held) {}

    private Release() {}

    /** Runs with events still to send that are not marked published: their state must come from the ledger. */
    public static Set<String> unpublishedRuns(List<OutboxEvent> events, List<Delivery> deliveries, Set<String> published) {
        Map<String, Delivery> latest = dev.drover.outbox.Outbox.latest(deliveries);
        return events.stream().filter(e -> e.type() == EventType.MIGRATED && !published.contains(e.runId()))
                .filter(e -> !latest.containsKey(e.eventId()) || latest.get(e.eventId()).status().retryable())
                .map(OutboxEvent::runId).collect(Collectors.toCollection(java.util.TreeSet::new));
    }

    /**
     * {@code published}: runs whose deploy marked them publishable in the outbox; {@code runs}:
     * the ledger's state of other runs (a fallback for a run killed between its succeeded record
     * and the marker).
     */
    public static Plan plan(List<OutboxEvent> events, List<Delivery> deliveries, Set<String> acked, Set<String> published,
                            Map<String, RunStatus> runs, Instant now, Duration interval, boolean retryFailed) {
        Map<String, Delivery> latest = dev.drover.outbox.Outbox.latest(deliveries);
        Map<String, Long> attempts = dev.drover.outbox.Outbox.attempts(deliveries);
        List<Due> due = new ArrayList<>();
        List<Held> held = new ArrayList<>();
        for (OutboxEvent e : events) {
            Delivery.Status status = latest.containsKey(e.eventId()) ? latest.get(e.eventId()).status() : Delivery.Status.PENDING;
            if (status == Delivery.Status.DELIVERED || status == Delivery.Status.CANCELLED) {
                continue;
            }
            boolean wanted = retryFailed ? status.retryable() : status == Delivery.Status.PENDING;
            if (!wanted) {
                if (!retryFailed && status.retryable()) {
                    held.add(new Held(e, status.label() + " before; drover notify --retry-failed sends it again"));
                }
                continue;
            }
            RunStatus run = runs.get(e.runId());
            if (e.type() == EventType.MIGRATED && !published.contains(e.runId()) && run != RunStatus.SUCCEEDED) {
                held.add(new Held(e, "run " + e.runId() + " is " + (run == null ? "unknown" : run.label()) + ", not published"));
                continue;
            }
            if (e.phased() && !retryFailed) {
                String wait = waveWait(e, events, latest, acked, now, interval);
                if (wait != null) {
                    held.add(new Held(e, wait));
                    continue;
                }
            }
            due.add(new Due(e, (int) (attempts.getOrDefault(e.eventId(), 0L) + 1)));
        }
        return new Plan(due, held);
    }

    /** Null when the event's wave is released; else why it waits. */
    private static String waveWait(OutboxEvent e, List<OutboxEvent> events, Map<String, Delivery> latest, Set<String> acked,
                                   Instant now, Duration interval) {
        TreeMap<Integer, List<OutboxEvent>> waves = events.stream()
                .filter(o -> o.runId().equals(e.runId()) && o.phased())
                .collect(Collectors.groupingBy(OutboxEvent::wave, TreeMap::new, Collectors.toList()));
        for (Map.Entry<Integer, List<OutboxEvent>> wave : waves.headMap(e.wave()).entrySet()) {
            List<OutboxEvent> earlier = wave.getValue();
            long delivered = earlier.stream().filter(o -> status(latest, o) == Delivery.Status.DELIVERED).count();
            if (delivered < earlier.size()) {
                return "wave " + e.wave() + " waits for wave " + wave.getKey() + ": " + delivered + " of " + earlier.size() + " delivered";
            }
            // an endpoint's 2xx or a pushed branch is its own acknowledgement; Kafka events wait for the consumer's
            boolean allAcked = earlier.stream().allMatch(o -> acked.contains(o.eventId()) || o.channel() != dev.drover.outbox.Channel.KAFKA);
            Instant last = earlier.stream().map(o -> latest.get(o.eventId()).at()).max(Instant::compareTo).orElseThrow();
            Instant release = last.plus(interval);
            if (!allAcked && now.isBefore(release)) {
                long acks = earlier.stream().filter(o -> acked.contains(o.eventId()) || o.channel() != dev.drover.outbox.Channel.KAFKA).count();
                return "wave " + e.wave() + " waits for wave " + wave.getKey() + ": released at " + release
                        + " or when all " + earlier.size() + " acknowledge (" + acks + " so far)";
            }
        }
        return null;
    }

    private static Delivery.Status status(Map<String, Delivery> latest, OutboxEvent e) {
        Delivery d = latest.get(e.eventId());
        return d == null ? Delivery.Status.PENDING : d.status();
    }
}
