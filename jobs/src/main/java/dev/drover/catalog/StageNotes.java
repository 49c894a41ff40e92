package dev.drover.catalog;

import static java.util.Objects.requireNonNull;

/** What the migration template says of one stage; shown and recorded in the ledger. */
public record StageNotes(String stage, String expectedRuntime, String rollback, String successCriteria) {
    public StageNotes {
        requireNonNull(stage, "stage is null");
        requireNonNull(expectedRuntime, "expectedRuntime is null");
        requireNonNull(rollback, "rollback is null");
        requireNonNull(successCriteria, "successCriteria is null");
    }
}
