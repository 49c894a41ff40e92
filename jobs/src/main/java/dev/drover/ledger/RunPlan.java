package dev.drover.ledger;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What analyze decided for a run, kept in its first {@code runs} row ({@link RunRecord#plan()})
 * so that the run is resumable after one ledger commit: the pinned versions and proof (as the
 * analyze stage records them) and every batch with its predicate. The {@code stages} and
 * {@code batches} tables get the same facts too, committed while the run writes.
 */
public record RunPlan(StageDetail.Analyze analyze, List<Batch> batches) {
    public RunPlan {
        requireNonNull(analyze, "analyze is null");
        batches = List.copyOf(batches);
    }

    /** One planned batch: the predicate a resumed run writes again exactly. */
    public record Batch(int id, String predicate, long estimatedRows) {}

    public static RunPlan of(StageDetail.Analyze analyze, List<BatchRecord> planned) {
        return new RunPlan(analyze, planned.stream().map(b -> new Batch(b.batchId(), b.predicate(), b.estimatedRows())).toList());
    }

    public String json() {
        try {
            return StageDetail.JSON.writeValueAsString(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("run plan does not serialise: " + this, e);
        }
    }

    static RunPlan parse(String json, String runId) {
        try {
            return StageDetail.JSON.readValue(json, RunPlan.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("ledger run " + runId + " holds a plan that is not one: " + json, e);
        }
    }

    /**
     * The run's batches as they stand: each planned batch, replaced by its latest row in the
     * {@code batches} table where it has one (a staged batch; the planned rows may not be
     * committed yet when a run is killed early).
     */
    public List<BatchRecord> batches(String runId, List<BatchRecord> recorded) {
        Map<Integer, BatchRecord> byId = new LinkedHashMap<>();
        for (Batch b : batches) {
            byId.put(b.id(), BatchRecord.planned(runId, b.id(), b.predicate(), b.estimatedRows()));
        }
        recorded.forEach(r -> byId.put(r.batchId(), r));
        return byId.values().stream().sorted(java.util.Comparator.comparingInt(BatchRecord::batchId)).toList();
    }
}
