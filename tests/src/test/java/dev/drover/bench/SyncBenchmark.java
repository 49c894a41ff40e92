package dev.drover.bench;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;

import dev.drover.api.Drover;
import dev.drover.config.DroverConfig;
import dev.drover.demo.DemoData;
import dev.drover.e2e.FleetFixture;
import dev.drover.model.MigrationResult;
import dev.drover.model.SyncResult;
import dev.drover.spark.Sessions;
import dev.drover.testing.TestFiles;
import dev.drover.wave.WaveResult;
import dev.drover.wave.WaveSelection;
import io.delta.tables.DeltaTable;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Prints, from one run: (a) Drover's sync of users/V2 after 1 % of users-v1's ROWS changed
 * (updates, deletes, inserts) against a bare Spark job that reads the same change data feed range,
 * applies the same steps and MERGEs into a copy of v2 with the same table properties, in one warm
 * JVM, rounds alternating which goes first; (b) the sync against re-migrating the whole table
 * ({@code drover sync --resnapshot}, validated as a migration is); (c) {@code drover sync --all}
 * over WINDOWS small windows (1,000 rows each) with one v1 commit each: seconds per window.
 * Usage: SyncBenchmark ROWS ROUNDS WINDOWS WORKDIR
 */
public final class SyncBenchmark {
    private SyncBenchmark() {}

    public static void main(String[] args) throws Exception {
        long rows = Long.parseLong(args[0]);
        int rounds = Integer.parseInt(args[1]);
        int windows = Integer.parseInt(args[2]);
        Path work = Path.of(args[3]).toAbsolutePath();
        Path root = Path.of(System.getProperty("drover.root", ".")).toAbsolutePath().normalize();
        TestFiles.deleteTree(work);
        Files.createDirectories(work);
        Path conf = work.resolve("conf");
        TestFiles.copyTree(root.resolve("conf"), conf);
        String warehouse = work.resolve("warehouse").toUri().toString().replaceAll("/$", "");
        DroverConfig config = Drover.config(conf, List.of("drover.warehouse=" + warehouse, "drover.progress=never",
                "drover.sync.verify-every=0"));
        SparkSession spark = Sessions.create(config, null);
        PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());

        long t0 = System.nanoTime();
        DemoData.write(spark, warehouse, rows, 30, 0);
        System.out.printf("generated %,d rows in %.1f s%n", rows, seconds(t0));
        Drover drover = Drover.open(spark, config, Drover.catalog(config), quiet);
        t0 = System.nanoTime();
        MigrationResult migrated = drover.migrate("users/V2").execute();
        double migration = seconds(t0);
        System.out.printf("migrate users/V2: %s in %.1f s%n", migrated.outcome(), migration);
        SyncResult first = drover.sync("users/V2").execute();   // up to date; turns on v2's feed and deletion vectors
        System.out.printf("first sync: %s%n", first.outcome());
        // the bare job's own v2: a shallow clone of Drover's, so both MERGE into the same files with the same properties
        spark.sql("CREATE TABLE delta.`" + warehouse + "/users_v2_bare` SHALLOW CLONE delta.`" + warehouse + "/users_v2`");
        spark.sql("ALTER TABLE delta.`" + warehouse + "/users_v2_bare` SET TBLPROPERTIES (delta.enableChangeDataFeed = true, "
                + "delta.enableDeletionVectors = true)");
        System.out.printf("users-v2: %d files; the bare job's copy: %d files%n",
                spark.read().format("delta").load(warehouse + "/users_v2").inputFiles().length,
                spark.read().format("delta").load(warehouse + "/users_v2_bare").inputFiles().length);

        // a warm-up round for both sides (not counted), so neither pays the JVM's first pass through its code
        long warm = new dev.drover.delta.DeltaTables(spark).latestVersion(warehouse + "/users_v1");
        spark.sql("UPDATE delta.`" + warehouse + "/users_v1` SET name = concat(name, '~') WHERE user_id % 5000 = 0");
        timeSync(drover, new LinkedHashMap<>());
        timeBare(spark, warehouse, warm + 1, warm + 1);

        List<Double> droverTimes = new ArrayList<>();
        List<Double> bareTimes = new ArrayList<>();
        Map<String, Double> phases = new LinkedHashMap<>();
        long synced = spark.read().format("delta").load(warehouse + "/users_v1").count() > 0
                ? new dev.drover.delta.DeltaTables(spark).latestVersion(warehouse + "/users_v1") : 0;
        for (int round = 1; round <= rounds; round++) {
            long from = synced + 1;
            change(spark, warehouse, rows, round);
            long to = new dev.drover.delta.DeltaTables(spark).latestVersion(warehouse + "/users_v1");
            double d;
            double b;
            if (round % 2 == 1) {
                d = timeSync(drover, phases);
                b = timeBare(spark, warehouse, from, to);
            } else {
                b = timeBare(spark, warehouse, from, to);
                d = timeSync(drover, phases);
            }
            droverTimes.add(d);
            bareTimes.add(b);
            System.out.printf("round %d: versions %d..%d, drover sync %.2f s, bare CDF+steps+MERGE %.2f s (%.2fx)%n", round, from, to, d, b, d / b);
            synced = to;
        }
        double dm = median(droverTimes);
        double bm = median(bareTimes);
        System.out.printf("%n(a) sync of 1%% of %,d rows: drover %.2f s, bare job %.2f s: %.2fx (goal <= 1.25x)%n", rows, dm, bm, dm / bm);
        phases.replaceAll((k, v) -> v / rounds);
        System.out.println("    drover's phases per sync (mean): " + phases);

        change(spark, warehouse, rows, rounds + 1);
        t0 = System.nanoTime();
        SyncResult resnapshot = drover.sync("users/V2").resnapshot(true).execute();
        double whole = seconds(t0);
        System.out.printf("(b) re-migrating the whole table (sync --resnapshot, %s): %.1f s; a sync is %.1f%% of it (goal <= 10%%)%n",
                resnapshot.outcome(), whole, 100 * dm / whole);
        drover.close();

        if (windows > 0) {
            FleetFixture fleet = FleetFixture.create(work.resolve("fleet"), spark, windows, i -> 1_000, java.util.Set.of(), false, true);
            DroverConfig fleetConfig = Drover.config(fleet.conf, List.of("drover.warehouse=" + fleet.warehouse.toUri(),
                    "drover.progress=never", "drover.environment=test", "drover.sync.verify-every=0"));
            Drover many = Drover.open(spark, fleetConfig, Drover.catalog(fleetConfig), quiet);
            WaveResult wave = many.waves(quiet, quiet).run(WaveSelection.ALL, false, 4);
            System.out.printf("%n%d windows migrated in %.1f s (a wave)%n", windows, wave.seconds());
            for (int i = 1; i <= windows; i++) {
                String source = fleet.warehouse.resolve(FleetFixture.source(i).replace('-', '_')).toUri().toString();
                spark.sql("UPDATE delta.`" + source + "` SET name = concat(name, '+') WHERE id % 10 = 1");
            }
            t0 = System.nanoTime();
            WaveResult all = many.waves(quiet, quiet).sync(WaveSelection.ALL, 4, false);
            double s = seconds(t0);
            System.out.printf("(c) sync --all over %d windows with one v1 commit each: %.1f s, %.2f s per window (goal <= 0.5 s); %d passed%n",
                    windows, s, s / windows, all.count(dev.drover.model.WaveOutcome.PASSED));
            many.close();
        }
        spark.stop();
    }

    /** 1 % of the rows changed in three commits: 0.5 % updated, 0.25 % deleted, 0.25 % inserted. */
    static void change(SparkSession spark, String warehouse, long rows, int round) {
        String v1 = "delta.`" + warehouse + "/users_v1`";
        spark.sql("UPDATE " + v1 + " SET name = concat(name, '+" + round + "'), score = CAST((user_id + " + round + ") % 100 AS STRING)"
                + " WHERE user_id % 200 = " + (round % 200));
        spark.sql("DELETE FROM " + v1 + " WHERE user_id % 400 = " + ((round + 100) % 400));
        long first = rows * (round + 1);
        DemoData.users(spark, first + rows / 400, 30, 0).where(col("user_id").geq(first)).write().format("delta").mode("append")
                .save(warehouse + "/users_v1");
    }

    private static double timeSync(Drover drover, Map<String, Double> phases) {
        long t = System.nanoTime();
        SyncResult r = drover.sync("users/V2").execute();
        double s = seconds(t);
        if (r.outcome() != SyncResult.Outcome.SYNCED) {
            throw new IllegalStateException("the sync did not pass: " + r.message());
        }
        r.timings().forEach((k, v) -> phases.merge(k, v, Double::sum));
        return s;
    }

    /** The bare job: the same feed range, last change per key, the same steps, one MERGE into the bare copy of v2. */
    static double timeBare(SparkSession spark, String warehouse, long from, long to) {
        long t = System.nanoTime();
        Dataset<Row> feed = spark.read().format("delta").option("readChangeFeed", "true").option("startingVersion", from)
                .option("endingVersion", to).load(warehouse + "/users_v1").where("_change_type <> 'update_preimage'");
        Dataset<Row> last = feed.withColumn("_order", expr("_commit_version * 4 + CASE _change_type WHEN 'delete' THEN 1 WHEN 'insert' THEN 2 ELSE 3 END"))
                .groupBy("user_id").agg(expr("max_by(struct(*), _order) AS r")).select("r.*");
        Dataset<Row> upserts = MigrationBenchmark.bareFrame(spark, warehouse, last.where("_change_type <> 'delete'")
                .drop("_change_type", "_commit_version", "_commit_timestamp", "_order"))
                .where("score IS NOT NULL");
        Dataset<Row> source = upserts.withColumn("_delete", expr("false"))
                .unionByName(last.where("_change_type = 'delete'").select(col("user_id")).withColumn("_delete", expr("true")), true);
        Map<String, String> set = new LinkedHashMap<>();
        for (String c : List.of("user_id", "display_name", "score", "country", "dt")) {
            set.put(c, "s." + c);
        }
        DeltaTable.forPath(spark, warehouse + "/users_v2_bare").as("t").merge(source.as("s"), "t.user_id = s.user_id")
                .whenMatched("s._delete").delete().whenMatched().updateExpr(set).whenNotMatched("NOT s._delete").insertExpr(set).execute();
        return seconds(t);
    }

    private static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        return sorted.get(sorted.size() / 2);
    }

    private static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }
}
