package dev.drover.impact;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Optional;

/**
 * One consumer's impact: each declared query's, the repository commit they were read at, and a
 * problem that kept Drover from reading its queries at all (then the consumer needs a person).
 */
public record ConsumerImpact(String consumer, List<QueryImpact> queries, Optional<String> commit, Optional<String> problem,
                             boolean declared) {
    public ConsumerImpact {
        requireNonNull(consumer, "consumer is null");
        queries = List.copyOf(queries);
        requireNonNull(commit, "commit is null");
        requireNonNull(problem, "problem is null");
    }

    /** The consumer's class: the worst of its queries' (needs a person when its queries could not be read). */
    public ImpactClass impact() {
        if (problem.isPresent() || queries.stream().anyMatch(q -> q.impact() == ImpactClass.NEEDS_PERSON)) {
            return ImpactClass.NEEDS_PERSON;
        }
        return queries.stream().anyMatch(q -> q.impact() == ImpactClass.REWRITABLE) ? ImpactClass.REWRITABLE : ImpactClass.UNAFFECTED;
    }

    public long count(ImpactClass c) {
        return queries.stream().filter(q -> q.impact() == c).count();
    }
}
