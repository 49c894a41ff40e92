package dev.drover.notify;

import dev.drover.outbox.Delivery;
import java.util.List;

/** What one notifier run did: the deliveries it attempted (or would, on a dry run) and what it held back. */
public record NotifyResult(boolean dryRun, List<Release.Due> due, List<Delivery> deliveries, List<Release.Held> held,
                           int acksRead, String warning, double seconds, java.util.Map<String, Double> phases) {
    public NotifyResult {
        due = List.copyOf(due);
        deliveries = List.copyOf(deliveries);
        held = List.copyOf(held);
        warning = warning == null ? "" : warning;
        phases = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(phases));
    }

    /** Events delivered by this run (an endpoint tried several times counts once). */
    public long delivered() {
        return outcomes().stream().filter(d -> d.status() == Delivery.Status.DELIVERED).count();
    }

    /** Failed or unconfirmed at the end of this run: kept in the outbox for {@code --retry-failed}. */
    public List<Delivery> undelivered() {
        return outcomes().stream().filter(d -> d.status().retryable()).toList();
    }

    /** The last try of each event this run attempted, in the order they were first tried. */
    public List<Delivery> outcomes() {
        java.util.Map<String, Delivery> last = new java.util.LinkedHashMap<>();
        deliveries.forEach(d -> last.put(d.eventId(), d));
        return List.copyOf(last.values());
    }

    public boolean complete() {
        return undelivered().isEmpty();
    }
}
