package dev.drover.bench;

import dev.drover.api.Drover;
import dev.drover.config.DroverConfig;
import dev.drover.spark.Sessions;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.SparkSession;

/**
 * What every job on the source pays first in a fresh JVM, Drover's analyze and the bare job
 * alike: opening the source's Delta snapshot and listing its files (the log replayed), after the
 * same session start. Prints "opened in S s". Usage: OpenSnapshot WAREHOUSE CONF_DIR
 */
public final class OpenSnapshot {
    private OpenSnapshot() {}

    public static void main(String[] args) {
        DroverConfig config = Drover.config(Path.of(args[1]), List.of("drover.warehouse=" + args[0]));
        SparkSession spark = Sessions.create(config, null);
        long start = System.nanoTime();
        int files = spark.read().format("delta").load(args[0] + "/users_v1").inputFiles().length;
        System.out.printf("  opened in %.2f s (%d files)%n", (System.nanoTime() - start) / 1e9, files);
        spark.stop();
    }
}
