package dev.drover.bench;

import dev.drover.api.Drover;
import dev.drover.config.DroverConfig;
import dev.drover.spark.Sessions;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.SparkSession;

/**
 * The benchmark's bare Spark job as a process of its own: the same session settings as Drover's
 * (from the same conf folder), then read → transform → partitioned Delta write, nothing else.
 * Usage: BareJob WAREHOUSE OUT CONF_DIR
 */
public final class BareJob {
    private BareJob() {}

    public static void main(String[] args) {
        DroverConfig config = Drover.config(Path.of(args[2]), List.of("drover.warehouse=" + args[0]));
        SparkSession spark = Sessions.create(config, null);
        long jobStarted = System.currentTimeMillis();
        MigrationBenchmark.bare(spark, args[0], args[1]);
        long jvmStarted = java.lang.management.ManagementFactory.getRuntimeMXBean().getStartTime();
        System.out.printf("  process: %.2f s before the job (JVM, config, Spark session), job %.2f s%n",
                (jobStarted - jvmStarted) / 1e3, (System.currentTimeMillis() - jobStarted) / 1e3);
        spark.stop();
    }
}
