package dev.drover.ledger;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/** Rows of one batch of a run that one step sent to quarantine. */
public record QuarantineCount(String runId, int batchId, String step, long errorCount, Instant eventTime) {
    public QuarantineCount {
        requireNonNull(runId, "runId is null");
        requireNonNull(step, "step is null");
        requireNonNull(eventTime, "eventTime is null");
    }
}
