package dev.drover.bench;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;

import dev.drover.api.Drover;
import dev.drover.config.DroverConfig;
import dev.drover.demo.DemoData;
import dev.drover.model.MigrationResult;
import dev.drover.spark.Sessions;
import dev.drover.testing.TestFiles;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Prints, from one run on one machine: Drover's migration of N generated rows against a bare
 * Spark job doing the same read → transform → Delta write, and rollback of an N-row table
 * against a 10k-row table. Runs alternate (bare, Drover, bare, Drover) and the medians are
 * compared, so JIT warm-up and noise do not favour either side.
 * Usage: MigrationBenchmark ROWS ROUNDS WORKDIR
 */
public final class MigrationBenchmark {
    private static final String SPEC = "migrations/users/V2__country_dimension.conf";

    private MigrationBenchmark() {}

    public static void main(String[] args) throws Exception {
        long rows = Long.parseLong(args[0]);
        int rounds = Integer.parseInt(args[1]);
        Path work = Path.of(args[2]).toAbsolutePath();
        Path root = Path.of(System.getProperty("drover.root", ".")).toAbsolutePath().normalize();
        TestFiles.deleteTree(work);
        Files.createDirectories(work);

        DroverConfig base = Drover.config(root.resolve("conf"), List.of("drover.progress=never"));
        SparkSession spark = Sessions.create(base, null);
        PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());

        Workspace big = new Workspace(root, work.resolve("big"));
        Workspace small = new Workspace(root, work.resolve("small"));
        long t0 = System.nanoTime();
        DemoData.write(spark, big.warehouse, rows, 30, 0);
        DemoData.write(spark, small.warehouse, 10_000, 30, 0);
        System.out.printf("generated %,d rows in %.1f s%n", rows, seconds(t0));

        // warm-up on the small table, so neither side pays the JVM's first-Delta-write cost
        bare(spark, small.warehouse, small.warehouse + "/warmup");
        Drover.open(spark, small.config(), Drover.catalog(small.config()), quiet).migrate("users/V2").execute();

        List<Double> bareTimes = new ArrayList<>();
        List<Double> droverTimes = new ArrayList<>();
        String lastRun = null;
        for (int round = 0; round < rounds; round++) {
            long start = System.nanoTime();
            bare(spark, big.warehouse, big.warehouse + "/bare_" + round);
            bareTimes.add(seconds(start));

            DroverConfig config = big.config("drover.state-dir=" + big.warehouse + "/_drover_" + round);
            Drover drover = Drover.open(spark, config, Drover.catalog(config), quiet);
            start = System.nanoTime();
            MigrationResult result = drover.migrate("users/V2").allowChangedSpec(true).execute();
            droverTimes.add(seconds(start));
            if (result.outcome() != MigrationResult.Outcome.SUCCEEDED) {
                throw new IllegalStateException("benchmark migration did not succeed: " + result.message());
            }
            lastRun = result.runId();
            System.out.printf("round %d: bare %.1f s, drover %.1f s (%s)%n", round + 1, bareTimes.get(round),
                    droverTimes.get(round), breakdown(result.timings(), droverTimes.get(round)));
            if (round < rounds - 1) {
                drover.rollback(result.runId(), true);
            }
        }
        double bare = median(bareTimes);
        double drover = median(droverTimes);

        // rollback: the big table (last run above) against the small one
        DroverConfig bigConfig = big.config("drover.state-dir=" + big.warehouse + "/_drover_" + (rounds - 1));
        long start = System.nanoTime();
        Drover.open(spark, bigConfig, Drover.catalog(bigConfig), quiet).rollback(lastRun, false);
        double bigRollback = seconds(start);
        // the same two steps on the small table: a first run (rolled back to empty), then a
        // second run whose rollback is a RESTORE, as the big table's last one was
        Drover smallDrover = Drover.open(spark, small.config(), Drover.catalog(small.config()), quiet);
        MigrationResult again = smallDrover.migrate("users/V2").allowChangedSpec(true).execute();
        String smallRunId = again.outcome() == MigrationResult.Outcome.ALREADY_APPLIED
                ? smallDrover.runs().get(0).runId() : again.runId();
        smallDrover.rollback(smallRunId, false);
        MigrationResult second = smallDrover.migrate("users/V2").execute();
        start = System.nanoTime();
        smallDrover.rollback(second.runId(), false);
        double smallRollback = seconds(start);

        System.out.println();
        System.out.printf("migration of %,d rows: drover %.1f s, bare Spark job %.1f s, ratio %.2f (target <= 1.25)%n",
                rows, drover, bare, drover / bare);
        System.out.printf("rollback (RESTORE): %,d-row table %.2f s, 10,000-row table %.2f s, ratio %.2f (target <= 2)%n",
                rows, bigRollback, smallRollback, bigRollback / smallRollback);
        spark.stop();
    }

    /** The same work as users/V2, written by hand: read, rename, cast, lookup, drop, partitioned Delta write. */
    static void bare(SparkSession spark, String warehouse, String out) {
        Dataset<Row> users = spark.read().format("delta").load(warehouse + "/users_v1");
        Dataset<Row> countries = spark.read().format("delta").load(warehouse + "/countries");
        users.withColumnRenamed("name", "display_name")
                .withColumn("score", expr("try_cast(score AS INT)"))
                .join(broadcast(countries.select(col("country_id"), col("country"))),
                        scala.collection.JavaConverters.asScalaBuffer(List.of("country_id")).toSeq(), "left")
                .drop("country_id", "legacy_flag")
                .write().format("delta").mode("overwrite").partitionBy("dt").save(out);
    }

    /** Drover's time by phase; what no phase accounts for is driver-side bookkeeping. */
    static String breakdown(java.util.Map<String, Double> timings, double total) {
        StringBuilder out = new StringBuilder();
        double accounted = 0;
        for (var e : timings.entrySet()) {
            out.append(String.format("%s %.1f s, ", e.getKey(), e.getValue()));
            // background work overlaps the phases; only what the run waited for counts
            accounted += e.getKey().contains("background") ? 0 : e.getValue();
        }
        return out.append(String.format("other %.1f s", total - accounted)).toString();
    }

    static double seconds(long start) {
        return (System.nanoTime() - start) / 1e9;
    }

    static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    /** A conf copy whose spec uses the default batch size, and a warehouse folder. */
    record Workspace(Path conf, String warehouse) {
        Workspace(Path root, Path dir) throws IOException {
            this(dir.resolve("conf"), dir.resolve("warehouse").toUri().toString().replaceAll("/$", ""));
            TestFiles.copyTree(root.resolve("conf"), conf);
            Path spec = conf.resolve(SPEC);
            Files.writeString(spec, Files.readString(spec).replace("batching { by = partition, max-rows = 250000 }", "batching { by = partition, max-rows = " + System.getProperty("bench.maxrows", "5000000") + " }"));
        }

        DroverConfig config(String... overrides) {
            List<String> all = new ArrayList<>(List.of("drover.warehouse=" + warehouse, "drover.progress=never"));
            String extra = System.getProperty("bench.conf", "");   // -Dbench.conf=key=value,key=value
            if (!extra.isBlank()) {
                all.addAll(List.of(extra.split(",")));
            }
            all.addAll(List.of(overrides));
            return Drover.config(conf, all);
        }
    }
}
