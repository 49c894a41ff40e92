package dev.drover.e2e;

import dev.drover.demo.DemoData;
import dev.drover.testing.SharedSpark;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** A copy of the project's conf with small batches, and generated demo tables, in a temp folder. */
final class E2eWorkspace {
    static final String SPEC = "migrations/users/V2__country_dimension.conf";

    final Path root;
    final Path conf;
    final Path warehouse;

    E2eWorkspace(Path root, long rows, int days, long badEvery, long maxRows) {
        this.root = root;
        this.conf = root.resolve("conf");
        this.warehouse = root.resolve("warehouse");
        Project.copyTree(Project.conf(), conf);
        try {
            Path spec = conf.resolve(SPEC);
            Files.writeString(spec, Files.readString(spec).replace("max-rows = 250000", "max-rows = " + maxRows));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        DemoData.write(SharedSpark.session(), warehouse.toUri().toString(), rows, days, badEvery);
    }

    /** The global options that point a command at this workspace. */
    List<String> options() {
        return new ArrayList<>(List.of("--conf-dir", conf.toString(), "--conf", "drover.warehouse=" + warehouse,
                "--conf", "drover.environment=test", "--conf", "drover.progress=never"));
    }

    List<String> command(String... args) {
        List<String> all = options();
        all.addAll(List.of(args));
        return all;
    }

    Dataset<Row> table(String name) {
        return SharedSpark.session().read().format("delta").load(warehouse.resolve(name).toUri().toString());
    }

    Dataset<Row> history(String name) {
        return io.delta.tables.DeltaTable.forPath(SharedSpark.session(), warehouse.resolve(name).toUri().toString()).history();
    }
}
