package dev.drover.ledger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.drover.model.RunStatus;
import dev.drover.spec.TargetMode;
import dev.drover.testing.SharedSpark;
import dev.drover.testing.TestFiles;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The runs a migration's start reads come from the driver's copy of the runs table, brought up to
 * date from the log: no Spark job once it is read, and always what Spark's own read of the table
 * says, whoever wrote since (this application, another, a compaction, Spark itself).
 */
class LatestRowsTest {
    @TempDir
    Path tmp;

    @Test
    void aReadAfterTheFirstLaunchesNoSparkJobAndSeesEveryCommitSince() throws Exception {
        SparkSession spark = SharedSpark.session();
        String state = tmp.toUri().toString();
        Instant t = Instant.parse("2026-12-07T01:00:00.123456Z");
        LedgerReader reader = new LedgerReader(spark, state);
        assertEquals(List.of(), reader.runsOf("orders/V2"), "no table yet");
        // a writer that compacts every third commit in the driver and runs OPTIMIZE every second time, as another application's would
        try (LedgerWriter writer = new LedgerWriter(spark, state, 3, 2, LedgerWriter.CHECKPOINT_INTERVAL)) {
            writer.append(LedgerTables.RUNS, List.of(run("r1", "orders/V2", RunStatus.RUNNING, t))).join();
            assertEquals(List.of(run("r1", "orders/V2", RunStatus.RUNNING, t)), reader.runsOf("orders/V2"), "the first read");
            List<RunRecord> later = new ArrayList<>();
            int jobs = 0;
            for (int i = 1; i <= 7; i++) {
                writer.append(LedgerTables.RUNS, List.of(run("r1", "orders/V2", i == 7 ? RunStatus.SUCCEEDED : RunStatus.RUNNING,
                        t.plusSeconds(i)), run("u" + i, "users/V" + i, RunStatus.FAILED, t.plusSeconds(i)))).join();
                jobs += SharedSpark.jobsDuring(() -> later.add(reader.runsOf("orders/V2").get(0)));   // a read between every two commits
            }
            assertEquals(RunStatus.SUCCEEDED, later.get(6).status());
            assertEquals(t.plusSeconds(6), later.get(5).eventTime(), "each read sees the commit before it");
            assertEquals(0, jobs, "Spark jobs of 7 reads, with 2 compactions among the commits");
        }
        assertEquals(sparkLatest(spark, state), byId(reader.runs()), "every run, as Spark's read of the table says");
        assertEquals(3, spark.sql("DESCRIBE HISTORY delta.`" + state + "/ledger/runs`").where("operation = 'OPTIMIZE'").count(),
                "two compactions in the driver and an OPTIMIZE after the second");
        assertEquals(Optional.of(RunStatus.FAILED), reader.run("u3").map(RunRecord::status));
        assertEquals(List.of("u2", "u5"), reader.runs(List.of("u5", "u2", "nope")).stream().map(RunRecord::runId).sorted().toList());
    }

    @Test
    void rowsSparkWroteAndATableMadeAnewAreReadAsSparkReadsThem() throws Exception {
        SparkSession spark = SharedSpark.session();
        String state = tmp.toUri().toString();
        Instant t = Instant.parse("2026-12-07T01:00:00.5Z");
        LedgerReader reader = new LedgerReader(spark, state);
        try (LedgerWriter writer = new LedgerWriter(spark, state)) {
            writer.append(LedgerTables.RUNS, List.of(run("r1", "orders/V2", RunStatus.RUNNING, t))).join();
        }
        assertEquals(1, reader.runs().size());
        // an append by Spark's own writer (timestamps as INT96, an older Drover's ledger): read in the driver
        RunRecord bySpark = run("r2", "orders/V2", RunStatus.SUCCEEDED, t.plusMillis(1500));
        spark.createDataFrame(List.of(LedgerTables.RUNS.toRow(bySpark)), LedgerTables.RUNS.schema()).write().format("delta").mode("append")
                .save(state + "/ledger/runs");
        int[] jobs = {0};
        List<RunRecord> read = new ArrayList<>();
        jobs[0] = SharedSpark.jobsDuring(() -> read.addAll(reader.runsOf("orders/V2")));
        assertEquals(List.of(bySpark, run("r1", "orders/V2", RunStatus.RUNNING, t)), read);
        assertEquals(0, jobs[0], "Spark jobs reading a file Spark wrote");
        // the ledger deleted and made again at the same place: the copy held is not kept
        TestFiles.deleteTree(tmp.resolve("ledger"));
        org.apache.spark.sql.delta.DeltaLog.clearCache();
        try (LedgerWriter writer = new LedgerWriter(spark, state)) {
            writer.append(LedgerTables.RUNS, List.of(run("n1", "users/V2", RunStatus.RUNNING, t))).join();
            writer.append(LedgerTables.RUNS, List.of(run("n2", "users/V2", RunStatus.RUNNING, t))).join();
        }
        assertEquals(List.of("n1", "n2"), reader.runs().stream().map(RunRecord::runId).sorted().toList());
        assertEquals(sparkLatest(spark, state), byId(reader.runs()));
    }

    private static List<RunRecord> byId(List<RunRecord> runs) {
        return runs.stream().sorted(java.util.Comparator.comparing(RunRecord::runId)).toList();
    }

    /** The latest record of each run, by id, as a Spark read of the whole table gives them. */
    private static List<RunRecord> sparkLatest(SparkSession spark, String state) {
        List<RunRecord> all = spark.read().format("delta").load(state + "/ledger/runs").collectAsList().stream()
                .map(LedgerTables.RUNS::fromRow).toList();
        return LedgerReader.latest(all, RunRecord::runId, RunRecord::eventTime).stream()
                .sorted(java.util.Comparator.comparing(RunRecord::runId)).toList();
    }

    private static RunRecord run(String runId, String migration, RunStatus status, Instant at) {
        return new RunRecord(runId, migration, "sha256:1", "src", "file:/src", 3, "dst", "file:/dst", TargetMode.NEW_TABLE,
                Optional.empty(), status == RunStatus.SUCCEEDED ? Optional.of(1L) : Optional.empty(), status, "", at, "host", 1,
                "{\"plan\":1}");
    }
}
