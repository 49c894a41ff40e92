package dev.drover.e2e;

import dev.drover.testing.TestFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.IntToLongFunction;
import org.apache.spark.sql.SparkSession;

/**
 * A generated fleet for wave tests and benchmarks: datasets {@code src-NNNN} (id, name, amount as
 * text, dt) with one migration each, {@code fleet-NNNN/V1} to {@code dst-NNNN} (name renamed,
 * amount cast to int), and a consumer per target. Migrations named in {@code failing} get rows
 * whose amount is not a number above their quarantine limit, so their test stage fails and they
 * roll back. With {@code chained}, {@code chain/V1} reads the last fleet migration's target: it
 * must wait for it.
 */
public final class FleetFixture {
    public final Path conf;
    public final Path warehouse;
    public final int size;

    private final boolean dualWrite;

    private FleetFixture(Path conf, Path warehouse, int size, boolean dualWrite) {
        this.conf = conf;
        this.warehouse = warehouse;
        this.size = size;
        this.dualWrite = dualWrite;
    }

    public static String id(int i) {
        return String.format("fleet-%04d/V1", i);
    }

    public static String target(int i) {
        return String.format("dst-%04d", i);
    }

    public static String source(int i) {
        return String.format("src-%04d", i);
    }

    /** Writes conf/ (project's templates, config and environments; a generated catalog and specs) and, when {@code spark} is given, the source tables. */
    public static FleetFixture create(Path root, SparkSession spark, int size, IntToLongFunction rows, Set<Integer> failing,
                                      boolean chained) {
        return create(root, spark, size, rows, failing, chained, false);
    }

    /**
     * With {@code dualWrite}, each source has a dual-write consumer (so each migration opens a
     * transition window) and records its changes (change data feed on).
     */
    public static FleetFixture create(Path root, SparkSession spark, int size, IntToLongFunction rows, Set<Integer> failing,
                                      boolean chained, boolean dualWrite) {
        Path conf = root.resolve("conf");
        Path warehouse = root.resolve("warehouse");
        try {
            Files.createDirectories(conf.resolve("catalog"));
            TestFiles.copyTree(Project.conf().resolve("templates"), conf.resolve("templates"));
            TestFiles.copyTree(Project.conf().resolve("environments"), conf.resolve("environments"));
            Files.copy(Project.conf().resolve("drover.conf"), conf.resolve("drover.conf"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            StringBuilder catalog = new StringBuilder("# generated: a fleet of " + size + " datasets\n");
            for (int i = 1; i <= size; i++) {
                catalog.append(dataset(source(i), "team-" + (i % 3), i % 2 == 0 ? "even" : "odd",
                        "    - {name: id, type: bigint, nullable: false}\n    - {name: name, type: string}\n"
                                + "    - {name: amount, type: string}\n    - {name: dt, type: date}\n"));
                catalog.append(dataset(target(i), "team-" + (i % 3), i % 2 == 0 ? "even" : "odd",
                        "    - {name: id, type: bigint, nullable: false}\n    - {name: label, type: string}\n"
                                + "    - {name: amount, type: int}\n    - {name: dt, type: date}\n"));
                catalog.append(dualWrite ? dualWriteConsumer("keeper-" + String.format("%04d", i), source(i))
                        : consumer("reader-" + String.format("%04d", i), target(i)));
                Path spec = conf.resolve("migrations").resolve(String.format("fleet-%04d", i)).resolve("V1__copy.conf");
                Files.createDirectories(spec.getParent());
                Files.writeString(spec, "description = \"Fleet dataset " + i + "\"\nsource = " + source(i) + "\n"
                        + "target { dataset = " + target(i) + ", mode = new-table }\ntemplate = four-stage-dataset-migration\n"
                        + "steps = [\n  { rename { name = label } }\n  { cast { amount = int } }\n]\n"
                        + "checks { quarantine { max-ratio = 0.01 }, compatibility = breaking }\n");
            }
            if (chained) {
                catalog.append(dataset("chain-out", "team-0", "even",
                        "    - {name: id, type: bigint, nullable: false}\n    - {name: title, type: string}\n"
                                + "    - {name: amount, type: int}\n    - {name: dt, type: date}\n"));
                Path spec = conf.resolve("migrations/chain/V1__from_fleet.conf");
                Files.createDirectories(spec.getParent());
                Files.writeString(spec, "description = \"Reads the last fleet target\"\nsource = " + target(size) + "\n"
                        + "target { dataset = chain-out, mode = new-table }\ntemplate = four-stage-dataset-migration\n"
                        + "steps = [ { rename { label = title } } ]\nchecks { compatibility = breaking }\n");
            }
            Files.writeString(conf.resolve("catalog/fleet.yaml"), catalog);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        FleetFixture fleet = new FleetFixture(conf, warehouse, size, dualWrite);
        if (spark != null) {
            for (int i = 1; i <= size; i++) {
                fleet.writeSource(spark, i, rows.applyAsLong(i), failing.contains(i));
            }
        }
        return fleet;
    }

    /** Writes source table {@code i} with {@code rows} rows; with {@code failing}, one row in ten has an amount that is not a number. */
    public void writeSource(SparkSession spark, int i, long rows, boolean failing) {
        String amount = failing ? "IF(id % 10 = 0, 'n/a', CAST(id % 1000 AS STRING))" : "CAST(id % 1000 AS STRING)";
        spark.range(rows).selectExpr("id", "concat('name-', id) AS name", amount + " AS amount",
                        "date_add(DATE'2026-01-01', CAST(id % 3 AS INT)) AS dt")
                .repartition(2).write().format("delta").partitionBy("dt").mode("overwrite")
                .option("delta.enableChangeDataFeed", String.valueOf(dualWrite))
                .save(warehouse.resolve(source(i).replace('-', '_')).toUri().toString());
    }

    private static String dataset(String name, String owner, String parity, String columns) {
        return "---\napiVersion: backstage.io/v1alpha1\nkind: Resource\nmetadata:\n  name: " + name + "\n"
                + "  tags: [fleet, " + parity + "]\n  labels: {tier: bronze}\n"
                + "  annotations:\n    drover.dev/location: " + name.replace('-', '_') + "\n"
                + "spec:\n  type: dataset\n  owner: group:" + owner + "\n  schema:\n" + columns
                + "  primaryKey: [id]\n  partitionedBy: [dt]\n";
    }

    private static String dualWriteConsumer(String name, String dataset) {
        return "---\napiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: " + name + "\n"
                + "  annotations:\n    drover.dev/update-strategy: dual-write\n    drover.dev/dual-write-until: \"2030-01-01\"\n"
                + "spec:\n  type: data-pipeline\n  lifecycle: production\n  owner: group:analytics\n"
                + "  dependsOn: [resource:default/" + dataset + "]\n";
    }

    private static String consumer(String name, String dataset) {
        return "---\napiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: " + name + "\n"
                + "  annotations:\n    drover.dev/update-strategy: immediate\n"
                + "spec:\n  type: dashboard\n  lifecycle: production\n  owner: group:analytics\n"
                + "  dependsOn: [resource:default/" + dataset + "]\n";
    }

    /** The global options that point a command at this fleet. */
    public List<String> options() {
        return new ArrayList<>(List.of("--conf-dir", conf.toString(), "--conf", "drover.warehouse=" + warehouse,
                "--conf", "drover.environment=test", "--conf", "drover.progress=never"));
    }
}
