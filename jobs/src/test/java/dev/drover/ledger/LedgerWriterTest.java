package dev.drover.ledger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.drover.model.WaveOutcome;
import dev.drover.testing.SharedSpark;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LedgerWriterTest {
    @TempDir
    Path tmp;

    /**
     * Every 5th commit (here) the files of the writer's last commits become one, written and
     * committed in the driver with no Spark job; every 2nd compaction (here) Delta's OPTIMIZE
     * merges whatever the table holds. Every row is kept, once.
     */
    @Test
    void aTableIsCompactedEveryFewCommitsInTheDriverAndOptimizedNowAndThen() throws Exception {
        SparkSession spark = SharedSpark.session();
        String state = tmp.toUri().toString();
        String table = state + "/ledger/wave_runs";
        java.util.Map<Integer, String> pools = new java.util.concurrent.ConcurrentHashMap<>();
        org.apache.spark.scheduler.SparkListener listener = new org.apache.spark.scheduler.SparkListener() {
            @Override
            public void onJobStart(org.apache.spark.scheduler.SparkListenerJobStart start) {
                pools.put(start.jobId(), String.valueOf(start.properties().getProperty("spark.scheduler.pool")));
            }
        };
        try (LedgerWriter writer = new LedgerWriter(spark, state, 5, 2, LedgerWriter.CHECKPOINT_INTERVAL)) {
            writer.append(LedgerTables.WAVE_RUNS, List.of(run("m0", 0))).join();
            spark.sparkContext().listenerBus().waitUntilEmpty();
            spark.sparkContext().addSparkListener(listener);
            for (int i = 1; i < 9; i++) {
                writer.append(LedgerTables.WAVE_RUNS, List.of(run("m" + i, i))).join();   // one commit each
            }
            spark.sparkContext().listenerBus().waitUntilEmpty();
            assertEquals(java.util.Map.of(), pools, "Spark jobs of 9 commits and a compaction");
            assertEquals(5, files(spark, table), "commits 1-5 in one file, 6-9 in one each");
            spark.sparkContext().listenerBus().waitUntilEmpty();
            pools.clear();   // this thread's own jobs, just now
            for (int i = 9; i < 12; i++) {
                writer.append(LedgerTables.WAVE_RUNS, List.of(run("m" + i, i))).join();
            }
            spark.sparkContext().listenerBus().waitUntilEmpty();
        } finally {
            spark.sparkContext().removeSparkListener(listener);
        }
        assertTrue(!pools.isEmpty(), "OPTIMIZE ran Spark jobs");
        assertEquals(java.util.Set.of(dev.drover.exec.JobLabel.LEDGER_POOL), java.util.Set.copyOf(pools.values()), pools.toString());
        assertEquals(3, files(spark, table), "after the 10th commit all in one file, and two since");
        List<WaveRunRecord> rows = new LedgerReader(spark, state).waveRuns("w1");
        assertEquals(12, rows.size());
        assertEquals(11 * 12 / 2, rows.stream().mapToLong(WaveRunRecord::rowsWritten).sum());
        var history = spark.sql("DESCRIBE HISTORY delta.`" + table + "`").where("operation = 'OPTIMIZE'");
        assertEquals(3, history.count(), "two compactions in the driver and one OPTIMIZE");
        assertEquals(2, history.where("operationParameters['auto'] = 'true'").count());
    }

    /** Another writer's compaction removed the files first: the writer's own compaction is refused, and no row is doubled. */
    @Test
    void aCompactionLosesToAnotherWritersOverTheSameFiles() throws Exception {
        SparkSession spark = SharedSpark.session();
        String state = tmp.toUri().toString();
        String table = state + "/ledger/wave_runs";
        try (LedgerWriter writer = new LedgerWriter(spark, state, 5, 1000, LedgerWriter.CHECKPOINT_INTERVAL)) {
            for (int i = 0; i < 4; i++) {
                writer.append(LedgerTables.WAVE_RUNS, List.of(run("m" + i, i))).join();
            }
            io.delta.tables.DeltaTable.forPath(spark, table).optimize().executeCompaction();   // another application's
            assertEquals(1, files(spark, table));
            writer.append(LedgerTables.WAVE_RUNS, List.of(run("m4", 4))).join();   // the 5th: its compaction is refused
        }
        assertEquals(2, files(spark, table), "the other writer's file and the 5th commit's");
        List<WaveRunRecord> rows = new LedgerReader(spark, state).waveRuns("w1");
        assertEquals(List.of("m0", "m1", "m2", "m3", "m4"), rows.stream().map(WaveRunRecord::migration).sorted().toList());
    }

    private static long files(SparkSession spark, String table) {
        Row detail = spark.sql("DESCRIBE DETAIL delta.`" + table + "`").first();
        return detail.getLong(detail.fieldIndex("numFiles"));
    }

    /**
     * A ledger commit is built in the driver: no Spark job, in any session time zone (Delta 3.3
     * verifies a small table's file list with a job after each commit when the zone is not UTC).
     */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"UTC", "America/New_York", "Asia/Kolkata"})
    void appendsLaunchNoSparkJobInAnyTimeZone(String zone) throws Exception {
        SparkSession spark = SharedSpark.session();
        String state = tmp.toUri().toString();
        String before = spark.conf().get("spark.sql.session.timeZone");
        java.util.concurrent.atomic.AtomicInteger jobs = new java.util.concurrent.atomic.AtomicInteger();
        org.apache.spark.scheduler.SparkListener counter = new org.apache.spark.scheduler.SparkListener() {
            @Override
            public void onJobStart(org.apache.spark.scheduler.SparkListenerJobStart start) {
                jobs.incrementAndGet();
            }
        };
        spark.conf().set("spark.sql.session.timeZone", zone);
        try (LedgerWriter writer = new LedgerWriter(spark, state)) {
            writer.append(LedgerTables.WAVE_RUNS, List.of(run("m0", 0))).join();   // makes the table
            spark.sparkContext().listenerBus().waitUntilEmpty();
            spark.sparkContext().addSparkListener(counter);
            for (int i = 1; i <= 5; i++) {
                writer.append(LedgerTables.WAVE_RUNS, List.of(run("m" + i, i))).join();
            }
            spark.sparkContext().listenerBus().waitUntilEmpty();
        } finally {
            spark.sparkContext().removeSparkListener(counter);
            spark.conf().set("spark.sql.session.timeZone", before);
        }
        assertEquals(0, jobs.get(), "Spark jobs for 5 ledger commits in " + zone);
        assertEquals(15, new LedgerReader(spark, state).waveRuns("w1").stream().mapToLong(WaveRunRecord::rowsWritten).sum());
    }

    /**
     * Every {@value LedgerWriter#CHECKPOINT_INTERVAL} commits the writer checkpoints the table in
     * the driver, with no Spark job, and Delta reads that checkpoint. The writer is started from a
     * migration's thread, as in a wave: Spark copies a thread's job properties (its pool among
     * them) into the threads it starts, and a job Delta ran for a ledger commit then counted
     * against that migration's quota (Delta's own checkpoint ran five).
     */
    @Test
    void aCheckpointEveryHundredCommitsIsWrittenInTheDriverWithNoSparkJob() throws Exception {
        SparkSession spark = SharedSpark.session();
        String state = tmp.toUri().toString();
        java.util.Map<Integer, String> jobs = new java.util.concurrent.ConcurrentHashMap<>();
        org.apache.spark.scheduler.SparkListener listener = new org.apache.spark.scheduler.SparkListener() {
            @Override
            public void onJobStart(org.apache.spark.scheduler.SparkListenerJobStart start) {
                jobs.put(start.jobId(), String.valueOf(start.properties().getProperty("spark.job.description")));
            }
        };
        try (LedgerWriter writer = new LedgerWriter(spark, state)) {
            var labelled = java.util.concurrent.Executors.newSingleThreadExecutor();
            try {
                // a migration's thread, its labels set, makes the writer's first append: the writer's thread starts there
                labelled.submit(() -> dev.drover.exec.JobLabel.of("fleet-0015/V1", "r1", "fleet-0015", dev.drover.model.Stage.DEPLOY, null)
                        .run(spark, () -> writer.append(LedgerTables.WAVE_RUNS, List.of(run("m0", 0))).join())).get();
            } finally {
                labelled.shutdown();
            }
            spark.sparkContext().listenerBus().waitUntilEmpty();
            spark.sparkContext().addSparkListener(listener);
            for (int i = 1; i <= LedgerWriter.CHECKPOINT_INTERVAL; i++) {
                writer.append(LedgerTables.WAVE_RUNS, List.of(run("m" + i, i))).join();
            }
            spark.sparkContext().listenerBus().waitUntilEmpty();
        } finally {
            spark.sparkContext().removeSparkListener(listener);
        }
        assertEquals(java.util.Map.of(), jobs, "Spark jobs of 100 ledger commits and a checkpoint");
        String table = state + "/ledger/wave_runs";
        assertTrue(java.nio.file.Files.readString(tmp.resolve("ledger/wave_runs/_delta_log/_last_checkpoint")).contains("\"version\":100"),
                "the writer checkpointed version 100");
        org.apache.spark.sql.delta.DeltaLog.clearCache();
        var snapshot = org.apache.spark.sql.delta.DeltaLog.forTable(spark, table).update(false, scala.Option.empty(), scala.Option.empty());
        assertEquals(100, snapshot.logSegment().checkpointProvider().version(), "Delta reads from that checkpoint");
        assertEquals(LedgerWriter.DELTA_CHECKPOINT_INTERVAL, snapshot.metadata().configuration().get("delta.checkpointInterval").get(),
                "Delta never checkpoints the table itself");
        List<WaveRunRecord> rows = new LedgerReader(spark, state).waveRuns("w1");
        assertEquals(101, rows.size());
        assertEquals(100 * 101 / 2, rows.stream().mapToLong(WaveRunRecord::rowsWritten).sum());
        assertEquals(1, spark.read().format("delta").load(table).where("migration = 'm42'").count(), "a filtered read after the checkpoint");
    }

    /** A ledger table made with Delta's checkpoints (by an earlier Drover) takes the writer's setting at its next commit, rows kept. */
    @Test
    void aTableThatDeltaCheckpointedTakesTheWritersSettingAtItsNextCommit() {
        SparkSession spark = SharedSpark.session();
        String state = tmp.toUri().toString();
        String table = state + "/ledger/wave_runs";
        new DriverAppend(spark).append(table, LedgerTables.WAVE_RUNS.schema(), List.of(LedgerTables.WAVE_RUNS.toRow(run("m0", 7))),
                java.util.Map.of("delta.checkpointInterval", "100"), "{}");
        try (LedgerWriter writer = new LedgerWriter(spark, state)) {
            writer.append(LedgerTables.WAVE_RUNS, List.of(run("m1", 1))).join();
        }
        Row detail = spark.sql("DESCRIBE DETAIL delta.`" + table + "`").first();
        assertEquals(LedgerWriter.DELTA_CHECKPOINT_INTERVAL, detail.getJavaMap(detail.fieldIndex("properties")).get("delta.checkpointInterval"));
        assertEquals(8, new LedgerReader(spark, state).waveRuns("w1").stream().mapToLong(WaveRunRecord::rowsWritten).sum());
    }

    private static WaveRunRecord run(String migration, long rows) {
        return new WaveRunRecord("w1", migration, "", WaveOutcome.PASSED, rows, 0, 0, "", Instant.now());
    }

    /** What a driver-built commit holds reads back as the records written, and its statistics let reads by run skip files. */
    @Test
    void recordsReadBackExactlyAndEachFileSaysWhichRunsItHolds() throws Exception {
        SparkSession spark = SharedSpark.session();
        String state = tmp.toUri().toString();
        Instant at = Instant.parse("2026-12-05T10:15:30.123456Z");
        WaveRunRecord first = new WaveRunRecord("w1", "orders/V2", "r1", WaveOutcome.FAILED, 7, 2, 1.5, "why: ünïcode", at);
        WaveRunRecord second = new WaveRunRecord("w2", "users/V2", "r2", WaveOutcome.PASSED, 3, 0, 0, "", at.plusSeconds(1));
        try (LedgerWriter writer = new LedgerWriter(spark, state)) {
            writer.append(LedgerTables.WAVE_RUNS, List.of(first)).join();
            writer.append(LedgerTables.WAVE_RUNS, List.of(second)).join();
        }
        LedgerReader reader = new LedgerReader(spark, state);
        assertEquals(List.of(first), reader.waveRuns("w1"));
        assertEquals(List.of(second), reader.waveRuns("w2"));
        var files = org.apache.spark.sql.delta.DeltaLog.forTable(spark, state + "/ledger/wave_runs").update(false, scala.Option.empty(),
                scala.Option.empty()).allFiles().collectAsList();
        assertEquals(2, files.size());
        for (var f : files) {
            var stats = new com.fasterxml.jackson.databind.ObjectMapper().readTree(f.stats());
            assertEquals(1, stats.get("numRecords").asLong(), f.stats());
            String wave = stats.get("minValues").path("wave_id").asText();
            assertTrue(wave.equals("w1") || wave.equals("w2"), "minimum of wave_id: " + f.stats());
            assertEquals(wave, stats.get("maxValues").path("wave_id").asText(), f.stats());
            assertEquals(wave.equals("w1") ? 7 : 3, stats.get("maxValues").path("rows_written").asLong(), f.stats());
            // a non-ASCII string orders differently in Java and in Delta: no bounds rather than wrong ones
            assertEquals(wave.equals("w2"), stats.get("minValues").has("message"), f.stats());
            assertEquals(0, stats.get("nullCount").path("message").asLong(-1), f.stats());
        }
        long read = spark.read().format("delta").load(state + "/ledger/wave_runs").where("wave_id = 'w2'").count();
        assertEquals(1, read);
    }
}
