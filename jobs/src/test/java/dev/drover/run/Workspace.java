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
    final Path root;
    final Path conf;
    final String warehouse;

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

    Workspace withData(long rows, int days, long badEvery) {
        DemoData.write(spark(), warehouse, rows, days, badEvery);
        return this;
    }

    DroverConfig config(String... overrides) {
        List<String> all = new java.util.ArrayList<>(List.of("drover.warehouse=" + warehouse, "drover.progress=never"));
        all.addAll(List.of(overrides));
        return Drover.config(conf, all);
    }

    Drover drover(String... overrides) {
        DroverConfig config = config(overrides);
        return Drover.open(spark(), config, Drover.catalog(config), new PrintStream(System.out));
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
