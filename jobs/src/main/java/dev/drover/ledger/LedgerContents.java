package dev.drover.ledger;

import dev.drover.model.CheckResult;
import java.util.List;
import java.util.Map;

/**
 * The whole ledger grouped for a report: runs newest first; per run its stages, batches, latest
 * checks, schema contract and quarantine by step; waves newest first with their migrations; the
 * fleet oldest first; agent requests newest first; alerts by the run (or wave) they are about,
 * oldest first. A run or wave missing from a map has no rows.
 */
public record LedgerContents(List<RunRecord> runs, Map<String, List<StageRecord>> stages, Map<String, List<BatchRecord>> batches,
                             Map<String, List<CheckResult>> checks, Map<String, List<SchemaChangeRecord>> schemaChanges,
                             Map<String, Map<String, Long>> quarantine, List<WaveRecord> waves,
                             Map<String, List<WaveRunRecord>> waveRuns, List<FleetRecord> fleet, List<RequestRecord> requests,
                             Map<String, List<AlertRecord>> alerts) {
    public List<StageRecord> stagesOf(String runId) {
        return stages.getOrDefault(runId, List.of());
    }

    public List<BatchRecord> batchesOf(String runId) {
        return batches.getOrDefault(runId, List.of());
    }

    public List<CheckResult> checksOf(String runId) {
        return checks.getOrDefault(runId, List.of());
    }

    public List<SchemaChangeRecord> schemaChangesOf(String runId) {
        return schemaChanges.getOrDefault(runId, List.of());
    }

    public Map<String, Long> quarantineOf(String runId) {
        return quarantine.getOrDefault(runId, Map.of());
    }

    public List<WaveRunRecord> waveRunsOf(String waveId) {
        return waveRuns.getOrDefault(waveId, List.of());
    }

    public List<AlertRecord> alertsAbout(String subject) {
        return alerts.getOrDefault(subject, List.of());
    }
}
