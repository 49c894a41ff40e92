package dev.drover.bench;

import dev.drover.api.Drover;
import dev.drover.config.DroverConfig;
import dev.drover.demo.DemoData;
import dev.drover.measure.MetricPlan;
import dev.drover.plan.MigrationPlan;
import dev.drover.spark.Sessions;
import dev.drover.testing.TestFiles;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Where the cost of proving a batch goes: the users/V2 batch of ROWS rows computed and sent to
 * Spark's noop sink (no write), bare and with each proof's observation, with and without the
 * declared constraints, medians of ROUNDS rounds; with {@code delta}, written to new Delta tables
 * partitioned by {@code dt} instead.
 * Usage: ObservationCost ROWS ROUNDS WORKDIR [noop|delta]
 */
public final class ObservationCost {
    private static final String SPEC = "migrations/users/V2__country_dimension.conf";

    private ObservationCost() {}

    public static void main(String[] args) throws Exception {
        long rows = Long.parseLong(args[0]);
        int rounds = Integer.parseInt(args[1]);
        Path work = Path.of(args[2]).toAbsolutePath();
        boolean delta = args.length > 3 && args[3].equals("delta");
        Path root = Path.of(System.getProperty("drover.root", ".")).toAbsolutePath().normalize();
        TestFiles.deleteTree(work);
        Path conf = work.resolve("conf");
        TestFiles.copyTree(root.resolve("conf"), conf);
        Path bareConf = work.resolve("conf-without-constraints");
        TestFiles.copyTree(root.resolve("conf"), bareConf);
        Path catalog = bareConf.resolve("catalog/users.yaml");
        String users = Files.readString(catalog);
        // users-v2 is the file's last entity: its constraints end the file
        Files.writeString(catalog, users.substring(0, users.indexOf("  # Checked by the test stage")));
        Path spec = bareConf.resolve(SPEC);
        Files.writeString(spec, Files.readString(spec).replace("constraints = [ { column = user_id, complete = true } ]", ""));
        // one batch of every row (the spec batches by 250,000)
        for (Path c : List.of(conf, bareConf)) {
            Path file = c.resolve(SPEC);
            Files.writeString(file, Files.readString(file).replace("max-rows = 250000", "max-rows = " + rows));
        }
        String warehouse = work.resolve("warehouse").toUri().toString().replaceAll("/$", "");

        DroverConfig config = Drover.config(conf, List.of("drover.warehouse=" + warehouse, "drover.batching.max-rows=" + rows));
        SparkSession spark = Sessions.create(config, null);
        DemoData.write(spark, warehouse, rows, 30, 0);
        PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
        MigrationPlan plan;
        MigrationPlan planWithout;
        try (Drover drover = Drover.open(spark, config, Drover.catalog(config), quiet)) {
            plan = drover.plan("users/V2");
        }
        DroverConfig without = Drover.config(bareConf, List.of("drover.warehouse=" + warehouse, "drover.batching.max-rows=" + rows));
        try (Drover drover = Drover.open(spark, without, Drover.catalog(without), quiet)) {
            planWithout = drover.plan("users/V2");
        }
        if (plan.batches().size() != 1) {
            throw new IllegalStateException("expected one batch of " + rows + " rows, planned " + plan.batches().size());
        }
        String predicate = plan.batches().get(0).predicate();
        Dataset<Row> slice = MetricPlan.withHidden(plan.sourceFrame().where(predicate), plan.source().primaryKey());
        MetricPlan measured = new MetricPlan(plan);
        MetricPlan measuredWithout = new MetricPlan(planWithout);

        Map<String, Supplier<Dataset<Row>>> variants = new LinkedHashMap<>();
        variants.put("source read only", () -> plan.sourceFrame().where(predicate));
        variants.put("bare job's transform", () -> MigrationBenchmark.bareFrame(spark, warehouse, plan.sourceFrame().where(predicate)));
        variants.put("steps only, no observation", () -> plan.pipeline().apply(slice));
        variants.put("read-back's write observation", () -> measured.observe(slice, "rb", false).frame());
        variants.put("one-pass observation", () -> measured.observe(slice, "op", true).frame());
        variants.put("one-pass, no constraints declared", () -> measuredWithout.observe(slice, "opn", true).frame());
        variants.put("read-back, no constraints declared", () -> measuredWithout.observe(slice, "rbn", false).frame());

        Map<String, List<Double>> times = new LinkedHashMap<>();
        variants.keySet().forEach(k -> times.put(k, new ArrayList<>()));
        for (int r = 0; r < rounds; r++) {
            for (var v : variants.entrySet()) {
                long start = System.nanoTime();
                if (delta) {
                    // as the migration writes: a new Delta table partitioned like the target
                    v.getValue().get().write().format("delta").partitionBy("dt")
                            .save(warehouse + "/sink_" + r + "_" + times.get(v.getKey()).size() + "_" + v.getKey().hashCode());
                } else {
                    v.getValue().get().write().format("noop").mode("overwrite").save();
                }
                times.get(v.getKey()).add((System.nanoTime() - start) / 1e9);
            }
        }
        System.out.printf("%,d rows, one batch, %s sink, medians of %d rounds%n", rows, delta ? "Delta" : "noop", rounds);
        times.forEach((k, v) -> System.out.printf("  %-40s %.2f s%n", k, MigrationBenchmark.median(v)));
        spark.stop();
    }
}
