package dev.drover.impact;

import dev.drover.model.Labelled;

/** What a migration does to one consumer query. */
public enum ImpactClass implements Labelled {
    /** No column it reads changed: only the table reference moves. */
    UNAFFECTED,
    /** Renames, widenings and retypes a cast keeps: Drover rewrites it, and proves the rewrite. */
    REWRITABLE,
    /** It reads a removed column, or a change the rewrite cannot keep, or it cannot be read at all. */
    NEEDS_PERSON
}
