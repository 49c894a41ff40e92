package dev.drover.spec;

import dev.drover.model.Labelled;

/** Where a migration writes: a new versioned table, or the source table itself. */
public enum TargetMode implements Labelled {
    NEW_TABLE, IN_PLACE
}
