package dev.drover.ledger;

import static java.util.Objects.requireNonNull;

import dev.drover.model.WaveStatus;
import java.time.Instant;
import java.util.Optional;

/**
 * One state of a wave, as the ledger's {@code waves} table holds it: recorded when it starts
 * (or resumes) and when it ends; the latest row per wave is its state. {@code selection} is the
 * selection as the command gave it, the key a resumed wave is found by.
 */
public record WaveRecord(String waveId, String selection, WaveStatus status, long migrations, long passed,
                         long alreadyApplied, long failed, long held, long skipped, Instant startedAt,
                         Optional<Instant> endedAt, Instant eventTime, String host, long pid) {
    public WaveRecord {
        requireNonNull(waveId, "waveId is null");
        requireNonNull(selection, "selection is null");
        requireNonNull(status, "status is null");
        requireNonNull(startedAt, "startedAt is null");
        requireNonNull(endedAt, "endedAt is null");
        requireNonNull(eventTime, "eventTime is null");
    }
}
