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

    public long delivered() {
        return deliveries.stream().filter(d -> d.status() == Delivery.Status.DELIVERED).count();
    }

    /** Failed or unconfirmed: kept in the outbox for {@code --retry-failed}. */
    public List<Delivery> undelivered() {
        return deliveries.stream().filter(d -> d.status().retryable()).toList();
    }

    public boolean complete() {
        return undelivered().isEmpty();
    }
}
