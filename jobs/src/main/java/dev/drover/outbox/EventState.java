package dev.drover.outbox;

import java.util.List;
import java.util.Map;

/** One consumer event of a run as {@code drover status} shows it: its latest delivery and attempts. */
public record EventState(String eventId, String consumer, String type, String strategy, int wave, String topic,
                         Delivery.Status status, int attempts, String error) {
    /** The events of a run with their states, in the outbox's order. */
    public static List<EventState> of(Outbox.State state, String runId) {
        Map<String, Delivery> latest = Outbox.latest(state.deliveries());
        Map<String, Long> attempts = Outbox.attempts(state.deliveries());
        return state.events(runId).stream().map(e -> {
            Delivery d = latest.get(e.eventId());
            return new EventState(e.eventId(), e.consumer(), e.type(), e.strategy(), e.wave(), e.topic(),
                    d == null ? Delivery.Status.PENDING : d.status(), attempts.getOrDefault(e.eventId(), 0L).intValue(),
                    d == null ? "" : d.error());
        }).toList();
    }
}
