package dev.drover.delta;

import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.drover.error.ConflictError;
import dev.drover.model.Stage;
import dev.drover.testing.SharedSpark;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Observation;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Staged writes on real Delta tables on disk: invisible until published, published once, in one commit. */
class StagedFilesTest {
    private static final StructType NEW = StructType.fromDDL("id BIGINT, name STRING, day STRING");

    @TempDir
    Path tmp;

    private final SparkSession spark = SharedSpark.session();
    private final StagedFiles staged = new StagedFiles(spark);
    private final DeltaTables delta = new DeltaTables(spark);

    private Dataset<Row> rows(long from, long to) {
        return spark.range(from, to).selectExpr("id", "concat('n', id) AS name", "CAST(id % 3 AS STRING) AS day");
    }

    private static CommitTag tag(String run) {
        return new CommitTag(run, "users/V2", Stage.DEPLOY, null);
    }

    @Test
    void stagedFilesAreInvisibleUntilOnePublishAddsThemAll() throws InterruptedException {
        String location = tmp.resolve("users_v2").toUri().toString();
        StagedFiles.Layout layout = new StagedFiles.Layout(NEW, List.of("day"), Map.of());
        Observation seen = new Observation("staged-count");
        StagedFiles.Written first = staged.write(location, "r1", layout, rows(0, 100).observe(seen, count(lit(1)).as("n")));
        StagedFiles.Written second = staged.write(location, "r1", layout, rows(100, 150));
        assertEquals(100L, ((Number) seen.getAsJava().get("n")).longValue(), "an observation on the staged write is fulfilled");
        assertEquals(100, first.rows());
        assertEquals(50, second.rows());
        assertFalse(delta.exists(location), "nothing committed: no table yet");
        assertTrue(first.files().stream().allMatch(f -> f.contains("drover-r1/")), first.files().toString());

        List<String> files = new ArrayList<>(first.files());
        files.addAll(second.files());
        Dataset<Row> read = staged.read(location, layout, files);
        assertEquals(List.of("id", "name", "day"), List.of(read.columns()), "the table's column order");
        assertEquals(150, read.count());
        assertEquals(50, read.where("day = '1'").count(), "partition values from the paths");

        StagedFiles.Published published = staged.publish(location, "drover-r1-publish", layout, files, StagedFiles.Mode.REPLACE,
                Optional.empty(), tag("r1"));
        assertTrue(published.now());
        assertEquals(0, published.version());
        assertEquals(150, delta.read(location, 0).count());
        assertEquals(List.of("1"), delta.read(location, 0).where("id = 7").select("day").as(org.apache.spark.sql.Encoders.STRING())
                .collectAsList(), "the partition value as committed");

        StagedFiles.Published again = staged.publish(location, "drover-r1-publish", layout, files, StagedFiles.Mode.REPLACE,
                Optional.empty(), tag("r1"));
        assertFalse(again.now(), "a retried publish finds its transaction id");
        assertEquals(0, again.version());
        assertEquals(0, delta.latestVersion(location), "one commit");
    }

    /** Finding a publish that already landed reads the app ids from the version's checksum: no Spark job. */
    @Test
    void aRetriedPublishFindsItsTransactionIdWithoutASparkJob() throws Exception {
        String location = tmp.resolve("events").toUri().toString();
        StagedFiles.Layout layout = new StagedFiles.Layout(NEW, List.of("day"), Map.of());
        for (String run : List.of("r1", "r2", "r3")) {
            StagedFiles.Written w = staged.write(location, run, layout, rows(0, 30));
            staged.publish(location, "drover-" + run + "-publish", layout, w.files(), StagedFiles.Mode.APPEND, Optional.empty(), tag(run));
        }
        delta.forget(location);   // as a resumed run's new process finds it
        org.apache.spark.sql.delta.Snapshot snapshot = org.apache.spark.sql.delta.DeltaLog.forTable(spark, location)
                .update(false, scala.Option.empty(), scala.Option.empty());
        Map<String, Long> fromChecksum = new java.util.HashMap<>();
        assertEquals(0, SharedSpark.jobsDuring(() -> fromChecksum.putAll(DeltaTables.appIds(snapshot))), "jobs to read the app ids");
        Map<String, Long> fromState = new java.util.HashMap<>();
        scala.collection.JavaConverters.mapAsJavaMap(snapshot.transactions()).forEach((k, v) -> fromState.put(k, (Long) v));
        assertEquals(fromState, fromChecksum);
        assertEquals(java.util.Set.of("drover-r1-publish", "drover-r2-publish", "drover-r3-publish"), fromChecksum.keySet());

        delta.forget(location);
        delta.forget(location);
        List<StagedFiles.Published> again = new ArrayList<>();
        int jobs = SharedSpark.jobsDuring(() -> again.add(staged.publish(location, "drover-r2-publish", layout, List.of(),
                StagedFiles.Mode.APPEND, Optional.empty(), tag("r2"))));
        assertFalse(again.get(0).now(), "the retried publish finds its transaction id");
        assertEquals(1, again.get(0).version());
        assertEquals(0, jobs, "jobs to find a publish that landed");
        assertEquals(2, delta.latestVersion(location), "no commit made");
    }

    /** A publish that replaces a small table takes the files to remove from its checksum: no Spark job, every old file gone. */
    @Test
    void aReplacingPublishOfASmallTableRunsNoSparkJob() throws Exception {
        String location = tmp.resolve("replaced").toUri().toString();
        StagedFiles.Layout layout = new StagedFiles.Layout(NEW, List.of("day"), Map.of());
        StagedFiles.Written first = staged.write(location, "r1", layout, rows(0, 60));
        staged.publish(location, "drover-r1-publish", layout, first.files(), StagedFiles.Mode.REPLACE, Optional.empty(), tag("r1"));
        StagedFiles.Written second = staged.write(location, "r2", layout, rows(100, 130));
        delta.forget(location);
        List<StagedFiles.Published> published = new ArrayList<>();
        int jobs = SharedSpark.jobsDuring(() -> published.add(staged.publish(location, "drover-r2-publish", layout, second.files(),
                StagedFiles.Mode.REPLACE, Optional.empty(), tag("r2"))));
        assertEquals(0, jobs, "jobs to replace a small table");
        assertEquals(1, published.get(0).version());
        Dataset<Row> now = delta.read(location, 1);
        assertEquals(30, now.count(), "only the second run's rows");
        assertEquals(100, now.agg(org.apache.spark.sql.functions.min("id")).first().getLong(0));
    }

    @Test
    void anInPlacePublishReplacesThePinnedVersionAndSetsTheNewSchema() {
        String location = tmp.resolve("users").toUri().toString();
        spark.range(0, 10).selectExpr("id", "concat('old', id) AS full_name").write().format("delta").save(location);
        StagedFiles.Layout layout = StagedFiles.Layout.of(spark, location, NEW, List.of());
        StagedFiles.Written w = staged.write(location, "r2", layout, rows(0, 10));
        assertEquals(10, delta.read(location, 0).where("full_name IS NOT NULL").count(), "readers still see v1");

        StagedFiles.Published p = staged.publish(location, "drover-r2-publish", layout, w.files(), StagedFiles.Mode.REPLACE_PINNED,
                Optional.of(0L), tag("r2"));
        assertEquals(1, p.version());
        Dataset<Row> now = delta.read(location, 1);
        assertEquals(List.of("id", "name", "day"), List.of(now.columns()));
        assertEquals(10, now.count());
        assertEquals(List.of("n3"), now.where("id = 3").select("name").as(org.apache.spark.sql.Encoders.STRING()).collectAsList());
        assertEquals(10, delta.read(location, 0).count(), "v1 stays in history");
    }

    @Test
    void aCommitByOthersAfterThePinnedVersionRefusesThePublish() {
        String location = tmp.resolve("orders").toUri().toString();
        spark.range(0, 10).selectExpr("id", "'x' AS name", "'0' AS day").write().format("delta").save(location);
        StagedFiles.Layout layout = StagedFiles.Layout.of(spark, location, NEW, List.of());
        StagedFiles.Written w = staged.write(location, "r3", layout, rows(0, 5));
        spark.range(10, 12).selectExpr("id", "'y' AS name", "'0' AS day").write().format("delta").mode("append").save(location);
        ConflictError e = assertThrows(ConflictError.class, () -> staged.publish(location, "drover-r3-publish", layout, w.files(),
                StagedFiles.Mode.REPLACE_PINNED, Optional.of(0L), tag("r3")));
        assertTrue(e.getMessage().contains("version 1") && e.getMessage().contains("pinned version 0")
                && e.getMessage().contains("version 1 changed its data"), e.getMessage());
        assertEquals(1, delta.latestVersion(location), "nothing published");
        assertEquals(12, delta.read(location, 1).count());
    }

    @Test
    void commitsThatChangedNoDataAfterThePinnedVersionLetThePublishThrough() {
        String location = tmp.resolve("events").toUri().toString();
        spark.range(0, 5).selectExpr("id", "'x' AS name", "'0' AS day").write().format("delta").save(location);
        spark.range(5, 10).selectExpr("id", "'x' AS name", "'0' AS day").write().format("delta").mode("append").save(location);
        StagedFiles.Layout layout = StagedFiles.Layout.of(spark, location, NEW, List.of());
        StagedFiles.Written w = staged.write(location, "r4", layout, rows(0, 10));
        // a maintenance job meanwhile: OPTIMIZE rewrites the two files into one, VACUUM records its start and end
        io.delta.tables.DeltaTable.forPath(spark, location).optimize().executeCompaction();
        io.delta.tables.DeltaTable.forPath(spark, location).vacuum();
        long maintained = delta.latestVersion(location);
        assertTrue(maintained >= 2, "OPTIMIZE committed after the pin: version " + maintained);

        StagedFiles.Published p = staged.publish(location, "drover-r4-publish", layout, w.files(), StagedFiles.Mode.REPLACE_PINNED,
                Optional.of(1L), tag("r4"));
        assertEquals(maintained + 1, p.version());
        assertEquals(10, delta.read(location, p.version()).count(), "the run's rows replaced the pinned version's");
        assertEquals(List.of("n3"), delta.read(location, p.version()).where("id = 3").select("name")
                .as(org.apache.spark.sql.Encoders.STRING()).collectAsList());
    }

    @Test
    void filesNoRecordNamesAreRemovedAndNothingElse() throws IOException {
        String location = tmp.resolve("t").toUri().toString();
        StagedFiles.Layout layout = new StagedFiles.Layout(NEW, List.of(), Map.of());
        StagedFiles.Written kept = staged.write(location, "r4", layout, rows(0, 10).repartition(2));
        StagedFiles.Written lost = staged.write(location, "r4", layout, rows(10, 20).repartition(3));
        StagedFiles.Written other = staged.write(location, "r5", layout, rows(0, 5));
        assertEquals(lost.files().size(), staged.removeUnrecorded(location, "r4", kept.files()));
        assertEquals(kept.files().size(), dataFiles(tmp.resolve("t/drover-r4")));
        assertEquals(10, staged.read(location, layout, kept.files()).count(), "the recorded files are intact");
        assertEquals(other.files().size(), dataFiles(tmp.resolve("t/drover-r5")), "another run's folder is not touched");
        staged.removeUnrecorded(location, "r4", List.of());
        assertFalse(Files.exists(tmp.resolve("t/drover-r4")), "nothing recorded: the folder goes");
    }

    private static long dataFiles(Path folder) throws IOException {
        try (Stream<Path> files = Files.walk(folder)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".parquet")).count();
        }
    }
}
