package dev.drover.delta;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.drover.testing.SharedSpark;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.io.CleanupMode;

/** What this JVM knows of a table another process creates: never an answer from before it was made. */
class DeltaTablesTest {
    @TempDir(cleanup = CleanupMode.ALWAYS)
    Path tmp;

    private final SparkSession spark = SharedSpark.session();
    private final DeltaTables delta = new DeltaTables(spark);

    @Test
    void aTableAnotherProcessCreatesAfterThisJvmLookedIsSeen() throws Exception {
        // another process's first write: its log folder is there before its first commit is
        Path table = tmp.resolve("runs");
        Files.createDirectories(table.resolve("_delta_log"));
        String location = table.toUri().toString();
        assertFalse(delta.exists(location), "a log folder without a commit is no table");
        assertEquals(Optional.empty(), delta.version(location));

        // the other process commits (written elsewhere and moved in, so this JVM's Delta never hears of it)
        Path elsewhere = tmp.resolve("elsewhere");
        spark.range(3).write().format("delta").save(elsewhere.toUri().toString());
        try (var files = Files.list(elsewhere.resolve("_delta_log"))) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Files.copy(f, table.resolve("_delta_log").resolve(f.getFileName()));
            }
        }
        try (var files = Files.list(elsewhere)) {
            for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                Files.copy(f, table.resolve(f.getFileName()));
            }
        }

        assertTrue(delta.exists(location), "the table made after this JVM looked is there");
        assertEquals(Optional.of(0L), delta.version(location));
        assertEquals(3, spark.read().format("delta").load(location).count());
    }

    /** A small table's files and their rows come from the version's checksum in the driver: the same answer as the log's state, no job. */
    @Test
    void aSmallTablesFileRowsAreReadWithoutASparkJob() throws Exception {
        String location = tmp.resolve("events").toUri().toString();
        spark.range(0, 300).selectExpr("id", "CAST(id % 3 AS STRING) AS day").repartition(2).write().format("delta")
                .partitionBy("day").save(location);
        spark.range(300, 310).selectExpr("id", "CAST(id % 3 AS STRING) AS day").write().format("delta").mode("append").save(location);
        long version = delta.latestVersion(location);
        delta.forget(location);   // as a new run finds it: nothing of the table in memory

        java.util.List<java.util.List<DeltaTables.FileRows>> read = new java.util.ArrayList<>();
        int jobs = SharedSpark.jobsDuring(() -> read.add(delta.fileRows(location, version)));
        java.util.List<DeltaTables.FileRows> files = read.get(0);
        assertEquals(0, jobs, "Spark jobs to list a small table's files");

        java.util.Map<String, Long> byDay = new java.util.TreeMap<>();
        files.forEach(f -> byDay.merge(f.partitionValues().get("day"), f.rows().orElseThrow(), Long::sum));
        java.util.Map<String, Long> fromState = new java.util.TreeMap<>();
        org.apache.spark.sql.delta.DeltaLog.forTable(spark, location).getSnapshotAt(version, scala.Option.empty(), scala.Option.empty())
                .withStats().select("partitionValues.day", "stats.numRecords").collectAsList()
                .forEach(r -> fromState.merge(r.getString(0), r.getLong(1), Long::sum));
        assertEquals(fromState, byDay);
        assertEquals(java.util.Map.of("0", 104L, "1", 103L, "2", 103L), byDay);
    }

    /**
     * An integral column's bounds come from the files' statistics in the checksum: the data's own
     * least and greatest value (files with nulls, and one with only nulls, included), no job; none
     * when Delta collected no statistics for the column.
     */
    @Test
    void anIntegralColumnsBoundsComeFromTheFilesStatistics() throws Exception {
        String location = tmp.resolve("keys").toUri().toString();
        spark.range(-40, 260).selectExpr("CASE WHEN id % 7 = 0 THEN NULL ELSE id * 3 END AS k", "id AS other").repartition(3)
                .write().format("delta").save(location);
        spark.range(0, 5).selectExpr("CAST(NULL AS BIGINT) AS k", "id AS other").write().format("delta").mode("append").save(location);
        long version = delta.latestVersion(location);
        delta.forget(location);

        java.util.List<Optional<DeltaTables.Bounds>> read = new java.util.ArrayList<>();
        int jobs = SharedSpark.jobsDuring(() -> read.add(delta.integralBounds(location, version, "k")));
        assertEquals(0, jobs, "Spark jobs to bound a small table's column");
        org.apache.spark.sql.Row actual = spark.read().format("delta").load(location).selectExpr("min(k)", "max(k)").first();
        assertEquals(Optional.of(new DeltaTables.Bounds(actual.getLong(0), actual.getLong(1))), read.get(0));
        assertEquals(Optional.of(new DeltaTables.Bounds(-120, 774)), read.get(0));

        String unindexed = tmp.resolve("unindexed").toUri().toString();
        spark.sql("CREATE TABLE delta.`" + unindexed + "` (other BIGINT, k BIGINT) USING delta"
                + " TBLPROPERTIES ('delta.dataSkippingNumIndexedCols' = '1')");
        spark.range(10).selectExpr("id AS other", "id AS k").write().format("delta").mode("append").save(unindexed);
        assertEquals(Optional.empty(), delta.integralBounds(unindexed, delta.latestVersion(unindexed), "k"),
                "a column Delta keeps no statistics for has no bounds from the log");
        assertTrue(delta.integralBounds(unindexed, delta.latestVersion(unindexed), "other").isPresent());
    }

    /**
     * A pinned version of a small table is read as its Parquet files: the rows and columns Delta's
     * reader gives, without the jobs Delta's first scan of a version spends rebuilding its state.
     */
    @Test
    void aSmallTablesPinnedVersionReadsAsDeltaReadsItWithFewerJobs() throws Exception {
        String location = tmp.resolve("pinned").toUri().toString();
        spark.range(0, 300).selectExpr("id", "CAST(id % 3 AS STRING) AS day", "CAST(DATE'2026-01-01' + CAST(id % 2 AS INT) AS DATE) AS dt",
                "CASE WHEN id % 5 = 0 THEN NULL ELSE id * 2 END AS twice").repartition(2).write().format("delta")
                .partitionBy("day", "dt").save(location);
        spark.range(300, 310).selectExpr("id", "CAST(NULL AS STRING) AS day", "DATE'2026-01-02' AS dt", "id AS twice")
                .write().format("delta").mode("append").save(location);
        spark.range(310, 320).selectExpr("id", "'0' AS day", "DATE'2026-01-01' AS dt", "id AS twice")
                .write().format("delta").mode("append").save(location);
        // a value its folder name escapes
        spark.range(320, 324).selectExpr("id", "'a b/c=%' AS day", "DATE'2026-01-03' AS dt", "id AS twice")
                .write().format("delta").mode("append").save(location);
        spark.range(330, 340).selectExpr("id", "'0' AS day", "DATE'2026-01-01' AS dt", "id AS twice")
                .write().format("delta").mode("append").save(location);
        long pinned = delta.latestVersion(location) - 1;
        delta.forget(location);
        long[] counts = new long[2];
        int plain = SharedSpark.jobsDuring(() -> counts[0] = delta.readPinned(location, pinned).where("id % 2 = 0").count());
        delta.forget(location);
        int delta3 = SharedSpark.jobsDuring(() -> counts[1] = delta.read(location, pinned).where("id % 2 = 0").count());
        assertEquals(counts[1], counts[0]);
        assertEquals(162, counts[0], "the pinned version: not the last append's rows");
        // one scan of every file, whatever the partition values: the same plan (and generated code) for any table of this shape
        assertEquals(1, delta.readPinned(location, pinned).queryExecution().optimizedPlan().collectLeaves().size());
        assertTrue(plain < delta3, "jobs: " + plain + " read as files, " + delta3 + " through Delta's reader");
        assertEquals(delta.read(location, pinned).schema(), delta.readPinned(location, pinned).schema());
        SharedSpark.assertSameRows(delta.read(location, pinned), delta.readPinned(location, pinned));
    }

    /** Deletion vectors and NOT NULL columns need Delta's reader: those tables are read through it. */
    @Test
    void aTableThatNeedsDeltasReaderIsReadThroughIt() {
        String deleted = tmp.resolve("with-dv").toUri().toString();
        spark.range(0, 100).repartition(2).write().format("delta").option("delta.enableDeletionVectors", "true").save(deleted);
        spark.sql("DELETE FROM delta.`" + deleted + "` WHERE id % 7 = 0");
        assertEquals(85, delta.readPinned(deleted, delta.latestVersion(deleted)).count());

        String strict = tmp.resolve("not-null").toUri().toString();
        spark.sql("CREATE TABLE delta.`" + strict + "` (id BIGINT NOT NULL, name STRING) USING delta");
        spark.sql("INSERT INTO delta.`" + strict + "` VALUES (1, 'a'), (2, NULL)");
        org.apache.spark.sql.types.StructType schema = delta.readPinned(strict, delta.latestVersion(strict)).schema();
        assertFalse(schema.apply("id").nullable(), "as Delta's reader gives it: " + schema);
        assertEquals(2, delta.readPinned(strict, delta.latestVersion(strict)).count());
    }

    /**
     * Rows a deletion vector marks are not counted, whether the file list comes from the checksum
     * (a few files) or from the log's state (more than the checksum keeps).
     */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(ints = {3, 60})
    void rowsMarkedDeletedAreNotCounted(int fileCount) {
        String location = tmp.resolve("deleted-" + fileCount).toUri().toString();
        spark.range(0, 1200).repartition(fileCount).write().format("delta")
                .option("delta.enableDeletionVectors", "true").save(location);
        spark.sql("DELETE FROM delta.`" + location + "` WHERE id % 7 = 0");
        long version = delta.latestVersion(location);
        delta.forget(location);

        java.util.List<DeltaTables.FileRows> files = delta.fileRows(location, version);
        assertTrue(org.apache.spark.sql.delta.DeltaLog.forTable(spark, location).update(false, scala.Option.empty(), scala.Option.empty())
                .allFiles().filter("deletionVector IS NOT NULL").count() > 0, "the delete marked rows with deletion vectors");
        assertEquals(fileCount, files.size());
        assertEquals(spark.read().format("delta").load(location).count(),
                files.stream().mapToLong(f -> f.rows().orElseThrow()).sum());
    }

    /** A table's commits come from its log's files in the driver: what Delta's history says, without its Spark jobs. */
    @Test
    void commitsAreReadFromTheLogAsHistoryShowsThem() throws Exception {
        String location = tmp.resolve("tagged").toUri().toString();
        spark.range(5).write().format("delta").save(location);
        spark.range(5, 8).write().format("delta").mode("append").option("userMetadata", "{\"run\":\"r1\"}").save(location);
        spark.sql("DELETE FROM delta.`" + location + "` WHERE id = 2");
        delta.forget(location);

        java.util.List<java.util.List<DeltaTables.Commit>> read = new java.util.ArrayList<>();
        assertEquals(0, SharedSpark.jobsDuring(() -> read.add(delta.commitsAfter(location, 0))), "jobs to read the commits");
        java.util.List<DeltaTables.Commit> fromHistory = new java.util.ArrayList<>();
        for (var r : delta.history(location).where("version > 0").orderBy("version").select("version", "operation", "userMetadata")
                .collectAsList()) {
            fromHistory.add(new DeltaTables.Commit(r.getLong(0), r.getString(1), r.isNullAt(2) ? null : r.getString(2)));
        }
        assertEquals(fromHistory, read.get(0));
        assertEquals(java.util.List.of(1L, 2L), read.get(0).stream().map(DeltaTables.Commit::version).toList());
        assertEquals("{\"run\":\"r1\"}", read.get(0).get(0).userMetadata());
    }
}
