package dev.drover.run;

import dev.drover.api.Drover;
import dev.drover.config.DroverConfig;
import dev.drover.demo.DemoData;
import dev.drover.testing.SharedSpark;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.SparkSession;

/**
 * A conf folder copied from the project's conf/ plus a warehouse of generated data, in a
 * temporary folder: each test gets its own tables and ledger.
 */
final class Workspace {
    /** Drovers opened by any workspace, closed after each test before its temporary folder goes. */
    private static final List<Drover> OPEN = new java.util.concurrent.CopyOnWriteArrayList<>();

    final Path root;
    final Path conf;
    final String warehouse;
    private boolean readBack;

    Workspace(Path root) {
        this.root = root;
        this.conf = root.resolve("conf");
        this.warehouse = root.resolve("warehouse").toUri().toString().replaceAll("/$", "");
        dev.drover.testing.TestFiles.copyTree(projectConf(), conf);
    }

    static Path projectConf() {
        Path here = Path.of("").toAbsolutePath();
        Path conf = here.resolve("conf");
        return Files.isDirectory(conf.resolve("catalog")) ? conf : here.getParent().resolve("conf");
    }

    SparkSession spark() {
        return SharedSpark.session();
    }

    /** The test stage proves the data by reading the target back (true) or in one pass (false, the default). */
    Workspace readBack(boolean readBack) {
        this.readBack = readBack;
        return this;
    }

    Workspace withData(long rows, int days, long badEvery) {
        DemoData.write(spark(), warehouse, rows, days, badEvery);
        return this;
    }

    /**
     * A second, unrelated pair of datasets: payments-v1 ({@code rows} ids with decimal amounts)
     * and payments-v2, which adds the amount in cents.
     */
    Workspace withPayments(long rows) {
        write("catalog/payments.yaml", """
                apiVersion: backstage.io/v1alpha1
                kind: Resource
                metadata: {name: payments-v1, annotations: {drover.dev/location: payments_v1}}
                spec:
                  type: dataset
                  owner: group:billing
                  schema: [{name: id, type: bigint, nullable: false}, {name: amount, type: "decimal(12,2)"}]
                  primaryKey: [id]
                ---
                apiVersion: backstage.io/v1alpha1
                kind: Resource
                metadata: {name: payments-v2, annotations: {drover.dev/location: payments_v2}}
                spec:
                  type: dataset
                  owner: group:billing
                  schema:
                    - {name: id, type: bigint, nullable: false}
                    - {name: amount, type: "decimal(12,2)"}
                    - {name: amount_cents, type: "decimal(15,0)"}
                  primaryKey: [id]
                """);
        spark().range(0, rows).selectExpr("id", "CAST(id * 1.37 AS DECIMAL(12,2)) AS amount")
                .write().format("delta").save(warehouse + "/payments_v1");
        return this;
    }

    DroverConfig config(String... overrides) {
        List<String> all = new java.util.ArrayList<>(List.of("drover.warehouse=" + warehouse, "drover.progress=never",
                "drover.checks.read-back=" + readBack));
        all.addAll(List.of(overrides));
        return Drover.config(conf, all);
    }

    Drover drover(String... overrides) {
        DroverConfig config = config(overrides);
        Drover drover = Drover.open(spark(), config, Drover.catalog(config), new PrintStream(System.out));
        OPEN.add(drover);
        return drover;
    }

    /**
     * Waits for the ledger writes of every Drover the test opened: JUnit deletes a test's
     * {@code @TempDir} right after it, and a commit still landing there makes the deletion fail.
     */
    static final class ClosesDrovers implements org.junit.jupiter.api.extension.AfterEachCallback {
        @Override
        public void afterEach(org.junit.jupiter.api.extension.ExtensionContext context) {
            for (Drover drover : OPEN) {
                drover.close();
            }
            OPEN.clear();
        }
    }

    void write(String relative, String text) {
        try {
            Path file = conf.resolve(relative);
            Files.createDirectories(file.getParent());
            Files.writeString(file, text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String read(String relative) {
        try {
            return Files.readString(conf.resolve(relative));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
