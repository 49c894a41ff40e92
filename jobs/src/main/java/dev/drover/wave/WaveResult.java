package dev.drover.wave;

import static java.util.Objects.requireNonNull;

import dev.drover.ledger.WaveRunRecord;
import dev.drover.model.WaveOutcome;
import java.util.List;
import java.util.Map;

/**
 * A wave's end: each migration's outcome in the order they ended, the migrations left out
 * because they were applied before, whether this call resumed a killed wave, and the seconds
 * its migrations spent per phase, summed over them (they overlap in time, so the sum is more
 * than the wave's own seconds).
 */
public record WaveResult(String waveId, String selection, boolean resumed, List<WaveRunRecord> runs,
                         List<String> alreadyApplied, double seconds, Map<String, Double> timings) {
    public WaveResult {
        requireNonNull(waveId, "waveId is null");
        requireNonNull(selection, "selection is null");
        runs = List.copyOf(requireNonNull(runs, "runs is null"));
        alreadyApplied = List.copyOf(requireNonNull(alreadyApplied, "alreadyApplied is null"));
        timings = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(requireNonNull(timings, "timings is null")));
    }

    public long count(WaveOutcome outcome) {
        return runs.stream().filter(r -> r.outcome() == outcome).count();
    }

    public long rowsWritten() {
        return runs.stream().mapToLong(WaveRunRecord::rowsWritten).sum();
    }

    public boolean passed() {
        return runs.stream().allMatch(r -> r.outcome().passed());
    }
}
