package dev.drover.ledger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.drover.model.BatchStatus;
import dev.drover.model.Metrics;
import dev.drover.model.RunStatus;
import dev.drover.model.Stage;
import dev.drover.spec.TargetMode;
import dev.drover.testing.SharedSpark;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A run is resumable from the one row that carries its plan, and from a ledger written before runs carried one. */
class RunPlanTest {
    private static final StageDetail.Analyze ANALYZED = new StageDetail.Analyze(4, 2L, 3, 2, Map.of("countries", 7L), "one-pass");

    @TempDir
    Path tmp;

    @Test
    void aRunKilledBeforeItsPlannedBatchesLandedResumesFromThePlanInItsRow() {
        SparkSession spark = SharedSpark.session();
        String state = tmp.toUri().toString();
        List<BatchRecord> planned = List.of(BatchRecord.planned("r1", 0, "k < 10", 10), BatchRecord.planned("r1", 1, "k >= 10 AND k < 20", 10),
                BatchRecord.planned("r1", 2, "k >= 20", 5));
        BatchRecord staged = planned.get(1).staged(List.of("{\"add\":{}}"), 10, List.of(), Metrics.of(dev.drover.model.MetricKey.TARGET_ROWS, 10)
                .with(Metrics.of(dev.drover.model.MetricKey.FAILED, 0)).with(Metrics.of(dev.drover.model.MetricKey.RETRIED, 0))
                .with(Metrics.of(dev.drover.model.MetricKey.RECOVERED, 0)));
        try (LedgerWriter writer = new LedgerWriter(spark, state)) {
            // the runs row and one staged batch: neither the analyze stage nor the planned rows
            writer.append(LedgerTables.RUNS, List.of(run("r1", RunPlan.of(ANALYZED, planned).json()))).join();
            writer.append(LedgerTables.BATCHES, List.of(staged)).join();
        }
        LedgerReader reader = new LedgerReader(spark, state);
        RunRecord run = reader.requireRun("r1");
        LedgerReader.Resumable resumable = reader.resumable(run);
        assertEquals(ANALYZED, resumable.analyzed());
        assertEquals(List.of("k < 10", "k >= 10 AND k < 20", "k >= 20"), resumable.batches().stream().map(BatchRecord::predicate).toList());
        assertEquals(List.of(BatchStatus.PLANNED, BatchStatus.STAGED, BatchStatus.PLANNED),
                resumable.batches().stream().map(BatchRecord::status).toList());
        assertEquals(staged.targetFiles(), resumable.batches().get(1).targetFiles());
        assertEquals(List.of(10L, 10L, 5L), resumable.batches().stream().map(BatchRecord::estimatedRows).toList());
    }

    /** The plan is on the first row only: a later state of the run does not copy it. */
    @Test
    void laterStatesOfARunDoNotCarryThePlanAndTheRunStaysResumableFromItsFirstRow() {
        SparkSession spark = SharedSpark.session();
        String state = tmp.toUri().toString();
        RunRecord first = run("r2", RunPlan.of(ANALYZED, List.of(BatchRecord.planned("r2", 0, "true", 3))).json());
        RunRecord failed = first.with(RunStatus.FAILED, "why", Optional.of(3L));
        assertEquals("", failed.plan());
        try (LedgerWriter writer = new LedgerWriter(spark, state)) {
            writer.append(LedgerTables.RUNS, List.of(first)).join();
            writer.append(LedgerTables.RUNS, List.of(failed)).join();
        }
        LedgerReader reader = new LedgerReader(spark, state);
        RunRecord latest = reader.requireRun("r2");
        assertEquals(RunStatus.FAILED, latest.status());
        assertEquals(List.of("true"), reader.resumable(latest).batches().stream().map(BatchRecord::predicate).toList());
    }

    /**
     * A ledger from before runs carried their plan: its runs table has no {@code plan} column; the
     * run resumes from its analyze stage and planned batches, and the next run's row adds the column.
     */
    @Test
    void aRunOfTheEarlierLayoutResumesFromItsStagesAndBatches() {
        SparkSession spark = SharedSpark.session();
        String state = tmp.toUri().toString();
        StructType full = LedgerTables.RUNS.schema();
        StructType old = new StructType(Arrays.stream(full.fields()).filter(f -> !f.name().equals("plan")).toArray(StructField[]::new));
        Row row = LedgerTables.RUNS.toRow(run("r0", ""));
        Object[] values = new Object[old.size()];
        for (int i = 0; i < old.size(); i++) {
            values[i] = row.get(full.fieldIndex(old.fields()[i].name()));
        }
        spark.createDataFrame(List.of(org.apache.spark.sql.RowFactory.create(values)), old).write().format("delta")
                .save(state + "/ledger/runs");
        List<BatchRecord> planned = List.of(BatchRecord.planned("r0", 0, "k < 5", 5), BatchRecord.planned("r0", 1, "k >= 5", 5));
        try (LedgerWriter writer = new LedgerWriter(spark, state)) {
            writer.append(LedgerTables.BATCHES, planned).join();
            writer.append(LedgerTables.STAGES, List.of(new StageRecord("r0", Stage.ANALYZE, Instant.now(), Optional.of(Instant.now()),
                    dev.drover.model.StageOutcome.SUCCEEDED, "", "", "", ANALYZED.json(), Instant.now()))).join();
        }
        LedgerReader reader = new LedgerReader(spark, state);
        RunRecord r0 = reader.requireRun("r0");
        assertEquals("", r0.plan());
        LedgerReader.Resumable resumable = reader.resumable(r0);
        assertEquals(ANALYZED, resumable.analyzed());
        assertEquals(List.of("k < 5", "k >= 5"), resumable.batches().stream().map(BatchRecord::predicate).toList());

        try (LedgerWriter writer = new LedgerWriter(spark, state)) {
            writer.append(LedgerTables.RUNS, List.of(run("r1", RunPlan.of(ANALYZED, planned).json()))).join();
        }
        assertEquals(2, reader.runs().size(), "the earlier row and the new one read together");
        assertEquals(2, reader.resumable(reader.requireRun("r1")).batches().size());
    }

    @Test
    void aRunWithNeitherAPlanNorAnAnalyzeStageSaysSo() {
        SparkSession spark = SharedSpark.session();
        String state = tmp.toUri().toString();
        try (LedgerWriter writer = new LedgerWriter(spark, state)) {
            writer.append(LedgerTables.RUNS, List.of(run("r3", ""))).join();
        }
        LedgerReader reader = new LedgerReader(spark, state);
        var error = assertThrows(IllegalStateException.class, () -> reader.resumable(reader.requireRun("r3")));
        assertEquals("run r3 has no plan and no analyze stage in the ledger", error.getMessage());
    }

    private static RunRecord run(String id, String plan) {
        return new RunRecord(id, "users/V2", "sum", "users-v1", "wh/users_v1", 4, "users-v2", "wh/users_v2", TargetMode.NEW_TABLE,
                Optional.of(2L), Optional.empty(), RunStatus.RUNNING, "", Instant.now(), "h", 1, plan);
    }
}
