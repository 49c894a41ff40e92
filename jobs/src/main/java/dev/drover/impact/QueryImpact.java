package dev.drover.impact;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Optional;

/**
 * The impact of one migration on one consumer query: its class, the old columns it reads, why
 * (one line per reason), the rewritten text (present when the query reads the old dataset and
 * can be rewritten), and whether it is a query a snapshot can run (not an INSERT or DDL).
 */
public record QueryImpact(String consumer, String query, ImpactClass impact, List<String> reads,
                          List<String> reasons, Optional<String> rewritten, boolean runnable,
                          List<String> parameters, double millis) {
    public QueryImpact {
        requireNonNull(consumer, "consumer is null");
        requireNonNull(query, "query is null");
        requireNonNull(impact, "impact is null");
        reads = List.copyOf(reads);
        reasons = List.copyOf(reasons);
        requireNonNull(rewritten, "rewritten is null");
        parameters = List.copyOf(parameters);
    }

    /** The same impact, now needing a person for {@code reason} (a rewrite the proof refused). */
    public QueryImpact needsPerson(String reason) {
        List<String> why = new java.util.ArrayList<>(reasons);
        why.add(reason);
        return new QueryImpact(consumer, query, ImpactClass.NEEDS_PERSON, reads, why, rewritten, runnable, parameters, millis);
    }

    /** Reads the old dataset at all. */
    public boolean readsOld() {
        return rewritten.isPresent() || !reads.isEmpty();
    }
}
