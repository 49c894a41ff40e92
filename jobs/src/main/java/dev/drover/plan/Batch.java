package dev.drover.plan;

import static java.util.Objects.requireNonNull;

/** A slice of the pinned source: a SQL predicate over source columns, and its size estimate. */
public record Batch(int id, String predicate, long estimatedRows) {
    public Batch {
        requireNonNull(predicate, "predicate is null");
    }
}
