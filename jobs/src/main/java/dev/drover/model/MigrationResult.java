package dev.drover.model;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * What a migrate call did: rows written and quarantined, and the rows a per-row step tried more
 * than once ({@code rowsRetried}) of which {@code rowsRecovered} then succeeded.
 */
public record MigrationResult(String runId, String migration, Outcome outcome, boolean resumed, long rowsWritten,
                              long rowsQuarantined, long rowsRetried, long rowsRecovered, long targetVersion,
                              List<CheckResult> checks, String message, java.util.Map<String, Double> timings) {
    public enum Outcome { SUCCEEDED, FAILED, ALREADY_APPLIED }

    public MigrationResult {
        requireNonNull(migration, "migration is null");
        requireNonNull(outcome, "outcome is null");
        checks = List.copyOf(checks);
        message = message == null ? "" : message;
        timings = timings == null ? java.util.Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(timings));
    }
}
