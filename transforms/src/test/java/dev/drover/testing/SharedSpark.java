package dev.drover.testing;

import com.holdenkarau.spark.testing.JavaDataFrameSuiteBase;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * One SparkSession per test JVM with the settings that keep tests fast on 2 cores (STACK.md),
 * and Delta's extension when Delta is on the classpath. DataFrame comparisons go through
 * spark-testing-base.
 */
public final class SharedSpark {
    private static SparkSession session;
    private static final JavaDataFrameSuiteBase COMPARE = new JavaDataFrameSuiteBase();

    private SharedSpark() {}

    public static synchronized SparkSession session() {
        if (session == null) {
            SparkSession.Builder builder = SparkSession.builder()
                    .appName("drover-tests")
                    .master("local[2]")
                    .config("spark.sql.shuffle.partitions", "2")
                    .config("spark.default.parallelism", "2")
                    .config("spark.ui.enabled", "false")
                    .config("spark.driver.host", "127.0.0.1")
                    .config("spark.driver.bindAddress", "127.0.0.1")
                    .config("spark.sql.session.timeZone", "UTC")
                    .config("spark.databricks.delta.snapshotPartitions", "1")
                    // VACUUM repartitions its file listing into this many partitions (10,000 by default): a test's
                    // VACUUM of a small table ran 10,000-task jobs, two minutes on two cores
                    .config("spark.sql.sources.parallelPartitionDiscovery.parallelism", "2")
                    // as drover.conf sets it: each migration's jobs in a FAIR pool of its own
                    .config("spark.scheduler.mode", "FAIR")
                    .config("spark.sql.codegen.useIdInClassName", "false");   // as Sessions sets it
            if (onClasspath("io.delta.sql.DeltaSparkSessionExtension")) {
                builder = builder
                        .config("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension")
                        .config("spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog");
            }
            // as a local drover session has it (Sessions): local files without a process per file
            if (onClasspath("dev.drover.storage.LocalDisk")) {
                builder = builder
                        .config("spark.hadoop.fs.file.impl", "dev.drover.storage.LocalDisk$FileSystem")
                        .config("spark.hadoop.fs.AbstractFileSystem.file.impl", "dev.drover.storage.LocalDisk$Fs")
                        .config("spark.delta.logStore.file.impl", "dev.drover.storage.LocalLogStore");
            }
            session = builder.getOrCreate();
            session.sparkContext().setLogLevel("WARN");
        }
        return session;
    }

    /** Same rows (as a multiset) and same schema, in any order. */
    public static void assertSameRows(Dataset<Row> expected, Dataset<Row> actual) {
        COMPARE.assertDataFrameNoOrderEquals(expected, actual);
    }

    /** How many Spark jobs {@code work} starts in the shared session. */
    public static int jobsDuring(Runnable work) throws java.util.concurrent.TimeoutException {
        SparkSession spark = session();
        java.util.concurrent.atomic.AtomicInteger jobs = new java.util.concurrent.atomic.AtomicInteger();
        org.apache.spark.scheduler.SparkListener counter = new org.apache.spark.scheduler.SparkListener() {
            @Override
            public void onJobStart(org.apache.spark.scheduler.SparkListenerJobStart start) {
                jobs.incrementAndGet();
            }
        };
        spark.sparkContext().listenerBus().waitUntilEmpty();
        spark.sparkContext().addSparkListener(counter);
        try {
            work.run();
            spark.sparkContext().listenerBus().waitUntilEmpty();
        } finally {
            spark.sparkContext().removeSparkListener(counter);
        }
        return jobs.get();
    }

    private static boolean onClasspath(String type) {
        try {
            Class.forName(type);
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }
}
