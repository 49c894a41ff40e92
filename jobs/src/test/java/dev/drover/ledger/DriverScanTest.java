package dev.drover.ledger;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.drover.testing.SharedSpark;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A ledger table read in the driver gives what Spark's read of it gives, with no Spark job, and a
 * table only Spark reads right is left to Spark.
 */
class DriverScanTest {
    @TempDir
    Path tmp;

    @Test
    void aFilteredReadOverManyFilesLaunchesNoSparkJobAndMatchesSpark() throws Exception {
        SparkSession spark = SharedSpark.session();
        String state = tmp.toUri().toString();
        Instant t = Instant.parse("2026-12-08T00:00:00.25Z");
        LedgerReader reader = new LedgerReader(spark, state);
        int[] jobs = {0};
        List<Map<String, Long>> none = new ArrayList<>();
        jobs[0] = SharedSpark.jobsDuring(() -> none.add(reader.quarantineCounts("r1")));
        assertEquals(List.of(Map.of()), none, "no table yet");
        assertEquals(List.of(), reader.requests(List.of("q1", "q1")), "a key asked for twice");
        try (LedgerWriter writer = new LedgerWriter(spark, state)) {
            for (int i = 0; i < 6; i++) {   // one file per commit, each with two runs' rows
                writer.append(LedgerTables.QUARANTINE_COUNTS, List.of(new QuarantineCount("r" + i, 0, "step 1 (cast)", i + 1, t),
                        new QuarantineCount("r" + (i + 1), 1, "step 2 (parse)", 10L * (i + 1), t.plusSeconds(i)))).join();
            }
        }
        List<Map<String, Long>> read = new ArrayList<>();
        jobs[0] += SharedSpark.jobsDuring(() -> read.add(reader.quarantineCounts("r3")));
        assertEquals(Map.of("step 2 (parse)", 30L, "step 1 (cast)", 4L), read.get(0));
        List<QuarantineCount> some = new ArrayList<>();
        DriverScan scan = new DriverScan(spark.sessionState().newHadoopConf());
        String location = reader.location(LedgerTables.QUARANTINE_COUNTS.name());
        jobs[0] += SharedSpark.jobsDuring(() -> some.addAll(scan.read(location, LedgerTables.QUARANTINE_COUNTS, "run_id", Set.of("r2", "r6"))
                .orElseThrow().rows()));
        assertEquals(0, jobs[0], "Spark jobs of three reads in the driver");
        assertEquals(sorted(reader.rows(LedgerTables.QUARANTINE_COUNTS, col("run_id").isin("r2", "r6"))), sorted(some));
        assertEquals(3, some.size());
        assertEquals(sorted(reader.rows(LedgerTables.QUARANTINE_COUNTS, org.apache.spark.sql.functions.lit(true))),
                sorted(reader.all(LedgerTables.QUARANTINE_COUNTS)), "every row");
        assertEquals(new dev.drover.delta.DeltaTables(spark).latestVersion(location),
                scan.read(location, LedgerTables.QUARANTINE_COUNTS, null, Set.of()).orElseThrow().version());
    }

    @Test
    void aTableWithDeletionVectorsIsReadBySpark() throws Exception {
        SparkSession spark = SharedSpark.session();
        String state = tmp.toUri().toString();
        Instant t = Instant.parse("2026-12-08T00:00:00Z");
        try (LedgerWriter writer = new LedgerWriter(spark, state)) {
            writer.append(LedgerTables.QUARANTINE_COUNTS, List.of(new QuarantineCount("r1", 0, "a", 1, t),
                    new QuarantineCount("r2", 0, "b", 2, t), new QuarantineCount("r2", 1, "c", 3, t))).join();
        }
        LedgerReader reader = new LedgerReader(spark, state);
        String location = reader.location(LedgerTables.QUARANTINE_COUNTS.name());
        spark.sql("ALTER TABLE delta.`" + location + "` SET TBLPROPERTIES ('delta.enableDeletionVectors' = 'true')");
        spark.sql("DELETE FROM delta.`" + location + "` WHERE step = 'b'");
        assertTrue(spark.sql("DESCRIBE HISTORY delta.`" + location + "`").where("operation = 'DELETE'")
                .selectExpr("operationMetrics['numDeletionVectorsAdded']").first().getString(0).equals("1"), "the delete left a deletion vector");
        DriverScan scan = new DriverScan(spark.sessionState().newHadoopConf());
        assertEquals(Optional.empty(), scan.read(location, LedgerTables.QUARANTINE_COUNTS, "run_id", Set.of("r2")).map(DriverScan.Read::rows),
                "the driver does not read a file a deletion vector applies to");
        List<Map<String, Long>> read = new ArrayList<>();
        int jobs = SharedSpark.jobsDuring(() -> read.add(reader.quarantineCounts("r2")));
        assertEquals(Map.of("c", 3L), read.get(0), "the deleted row stays deleted");
        assertTrue(jobs > 0, "read by Spark");
    }

    private static List<QuarantineCount> sorted(List<QuarantineCount> rows) {
        return rows.stream().sorted(Comparator.comparing(QuarantineCount::runId).thenComparing(QuarantineCount::batchId)).toList();
    }
}
