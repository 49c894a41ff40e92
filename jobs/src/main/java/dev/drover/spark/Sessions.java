package dev.drover.spark;

import dev.drover.config.DroverConfig;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/** The SparkSession of a Drover application, with Delta enabled. */
public final class Sessions {
    static final String SNAPSHOT_PARTITIONS = "spark.databricks.delta.snapshotPartitions";

    private Sessions() {}

    /** Cores of a local master: local → 1, local[4] → 4, local[*] → this machine's. */
    static int localCores(String master) {
        var m = java.util.regex.Pattern.compile("local\\[(\\d+|\\*)").matcher(master);
        if (!m.find()) {
            return 1;
        }
        return m.group(1).equals("*") ? Runtime.getRuntime().availableProcessors() : Integer.parseInt(m.group(1));
    }

    /**
     * Master precedence: {@code --master}, then spark-submit's, then drover.spark.master.
     * An existing session (a notebook's, a test's) is reused as it is.
     */
    public static SparkSession create(DroverConfig config, String masterOverride) {
        SparkConf fromSubmit = new SparkConf();
        SparkSession.Builder builder = SparkSession.builder().appName(config.appName());
        String master = masterOverride != null ? masterOverride : fromSubmit.get("spark.master", config.sparkMaster());
        if (masterOverride != null) {
            builder = builder.master(masterOverride);
        } else if (!fromSubmit.contains("spark.master")) {
            builder = builder.master(config.sparkMaster());
        }
        // Delta rebuilds a table's snapshot state in 50 partitions by default: sized for clusters,
        // it costs seconds per ledger read on a laptop. Locally, one partition per core.
        if (master.startsWith("local") && !config.sparkConf().containsKey(SNAPSHOT_PARTITIONS)
                && !fromSubmit.contains(SNAPSHOT_PARTITIONS)) {
            builder = builder.config(SNAPSHOT_PARTITIONS, String.valueOf(localCores(master)));
        }
        for (var entry : config.sparkConf().entrySet()) {
            builder = builder.config(entry.getKey(), entry.getValue());
        }
        SparkSession spark = builder
                .config("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension")
                .config("spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog")
                .getOrCreate();
        spark.sparkContext().setLogLevel("WARN");
        return spark;
    }
}
