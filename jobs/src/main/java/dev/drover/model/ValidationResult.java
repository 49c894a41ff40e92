package dev.drover.model;

import java.util.List;

/** What {@code drover validate} found for a run: every check, and the schema contract. */
public record ValidationResult(String runId, String migration, boolean passed, List<CheckResult> checks, SchemaDiff schema,
                               String message) {
    public ValidationResult {
        checks = List.copyOf(checks);
    }
}
