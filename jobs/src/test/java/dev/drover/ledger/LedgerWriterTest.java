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

    @Test
    void aTableIsCompactedEveryFewCommitsAndKeepsEveryRow() {
        SparkSession spark = SharedSpark.session();
        String state = tmp.toUri().toString();
        try (LedgerWriter writer = new LedgerWriter(spark, state, 5)) {
            for (int i = 0; i < 12; i++) {
                writer.append(LedgerTables.WAVE_RUNS, List.of(new WaveRunRecord("w1", "m" + i, "", WaveOutcome.PASSED, i, 0, 0, "",
                        Instant.now()))).join();   // one commit each
            }
        }
        Row detail = spark.sql("DESCRIBE DETAIL delta.`" + state + "/ledger/wave_runs`").first();
        long files = detail.getLong(detail.fieldIndex("numFiles"));
        assertTrue(files <= 3, "12 one-row commits compacted after the 5th and 10th: one file, and two since; got " + files);
        List<WaveRunRecord> rows = new LedgerReader(spark, state).waveRuns("w1");
        assertEquals(12, rows.size());
        assertEquals(11 * 12 / 2, rows.stream().mapToLong(WaveRunRecord::rowsWritten).sum());
        long operations = spark.sql("DESCRIBE HISTORY delta.`" + state + "/ledger/wave_runs`").where("operation = 'OPTIMIZE'").count();
        assertEquals(2, operations);
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
     * Spark copies a thread's job properties into each thread it starts, so the writer's thread,
     * started by a migration's append, carries that migration's pool. The jobs Delta runs for a
     * ledger commit (its checkpoint every {@value LedgerWriter#CHECKPOINT_INTERVAL} commits) must
     * still go to the ledger's pool: else they count against that migration's quota.
     */
    @Test
    void jobsOfALedgerCommitRunInTheLedgersPoolWhicheverThreadStartedTheWriter() throws Exception {
        SparkSession spark = SharedSpark.session();
        String state = tmp.toUri().toString();
        java.util.Map<Integer, String> pools = new java.util.concurrent.ConcurrentHashMap<>();
        org.apache.spark.scheduler.SparkListener listener = new org.apache.spark.scheduler.SparkListener() {
            @Override
            public void onJobStart(org.apache.spark.scheduler.SparkListenerJobStart start) {
                String pool = start.properties() == null ? null : start.properties().getProperty("spark.scheduler.pool");
                pools.put(start.jobId(), String.valueOf(pool));
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
        assertTrue(java.nio.file.Files.exists(tmp.resolve("ledger/wave_runs/_delta_log/_last_checkpoint")), "the table was checkpointed");
        assertTrue(!pools.isEmpty(), "the checkpoint ran a Spark job (else this proves nothing)");
        assertEquals(java.util.Set.of(dev.drover.exec.JobLabel.LEDGER_POOL), java.util.Set.copyOf(pools.values()), "pools of the ledger's jobs: " + pools);
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
