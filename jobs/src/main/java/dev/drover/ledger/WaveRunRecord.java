package dev.drover.ledger;

import static java.util.Objects.requireNonNull;

import dev.drover.model.WaveOutcome;
import java.time.Instant;

/**
 * How one migration of a wave ended (the ledger's {@code wave_runs} table), recorded as soon as
 * it ends: a resumed wave leaves the migrations recorded here alone. {@code runId} is empty for a
 * migration that did not start (skipped, held).
 */
public record WaveRunRecord(String waveId, String migration, String runId, WaveOutcome outcome, long rowsWritten,
                            long rowsQuarantined, double seconds, String message, Instant eventTime) {
    public WaveRunRecord {
        requireNonNull(waveId, "waveId is null");
        requireNonNull(migration, "migration is null");
        requireNonNull(outcome, "outcome is null");
        // as the ledger keeps it (microseconds), so a record reads back equal
        eventTime = requireNonNull(eventTime, "eventTime is null").truncatedTo(java.time.temporal.ChronoUnit.MICROS);
        runId = runId == null ? "" : runId;
        message = message == null ? "" : message;
    }
}
