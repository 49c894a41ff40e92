package dev.drover.outbox;

import dev.drover.model.UpdateStrategy;
import java.util.List;
import java.util.Map;

/**
 * One consumer event of a run as {@code drover status} shows it: its latest delivery and attempts,
 * the channel it goes through and what that channel reported (HTTP status, branch and commit).
 */
public record EventState(String eventId, String consumer, EventType type, UpdateStrategy strategy, int wave, String topic,
                         Delivery.Status status, int attempts, String error, Channel channel, String detail) {
    /** The events of a run with their states, in the outbox's order. */
    public static List<EventState> of(Outbox.State state, String runId) {
        return of(state.events(runId), Outbox.latest(state.deliveries()), Outbox.attempts(state.deliveries()));
    }

    /** Every run's events with their states, by run id: one pass over the outbox for a report. */
    public static Map<String, List<EventState>> byRun(Outbox.State state) {
        Map<String, Delivery> latest = Outbox.latest(state.deliveries());
        Map<String, Long> attempts = Outbox.attempts(state.deliveries());
        Map<String, List<OutboxEvent>> events = new java.util.LinkedHashMap<>();
        state.events().forEach(e -> events.computeIfAbsent(e.runId(), k -> new java.util.ArrayList<>()).add(e));
        Map<String, List<EventState>> out = new java.util.LinkedHashMap<>();
        events.forEach((run, list) -> out.put(run, of(list, latest, attempts)));
        return out;
    }

    private static List<EventState> of(List<OutboxEvent> events, Map<String, Delivery> latest, Map<String, Long> attempts) {
        return events.stream().map(e -> {
            Delivery d = latest.get(e.eventId());
            return new EventState(e.eventId(), e.consumer(), e.type(), e.strategy(), e.wave(), e.topic(),
                    d == null ? Delivery.Status.PENDING : d.status(), attempts.getOrDefault(e.eventId(), 0L).intValue(),
                    d == null ? "" : d.error(), e.channel(), d == null ? "" : d.detail());
        }).toList();
    }
}
