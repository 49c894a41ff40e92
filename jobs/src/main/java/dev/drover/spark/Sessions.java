package dev.drover.spark;

import dev.drover.config.DroverConfig;
import dev.drover.error.InputError;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/** The SparkSession of a Drover application, with Delta enabled. */
public final class Sessions {
    static final String SNAPSHOT_PARTITIONS = "spark.databricks.delta.snapshotPartitions";
    private static final String UI = "spark.ui.enabled";
    private static final String PLAN_FIELDS = "spark.sql.debug.maxToStringFields";
    static final String CODEGEN_CLASS_NAMES = "spark.sql.codegen.useIdInClassName";

    static final String DYNAMIC = "spark.dynamicAllocation.enabled";
    private static final String S3A = "spark.hadoop.fs.s3a.";

    private Sessions() {}

    /**
     * Dynamic allocation with shuffle tracking (no external shuffle service), sized by
     * {@code drover.fleet}; idle executors go after the idle timeout even when they cache data
     * or hold shuffle files (both wait forever by default, and Delta caches on executors).
     */
    static java.util.Map<String, String> dynamicAllocation(dev.drover.config.FleetSettings fleet) {
        String idle = fleet.idleTimeout().toMillis() + "ms";
        java.util.Map<String, String> conf = new java.util.LinkedHashMap<>();
        conf.put(DYNAMIC, "true");
        conf.put("spark.dynamicAllocation.shuffleTracking.enabled", "true");
        conf.put("spark.dynamicAllocation.minExecutors", String.valueOf(fleet.minExecutors()));
        conf.put("spark.dynamicAllocation.initialExecutors", String.valueOf(fleet.minExecutors()));
        conf.put("spark.dynamicAllocation.maxExecutors", String.valueOf(fleet.maxExecutors()));
        conf.put("spark.dynamicAllocation.executorIdleTimeout", idle);
        conf.put("spark.dynamicAllocation.cachedExecutorIdleTimeout", idle);
        conf.put("spark.dynamicAllocation.shuffleTracking.timeout", idle);
        return conf;
    }

    /** Cores of a local master: local → 1, local[4] → 4, local[*] → this machine's. */
    static int localCores(String master) {
        var m = java.util.regex.Pattern.compile("local\\[(\\d+|\\*)").matcher(master);
        if (!m.find()) {
            return 1;
        }
        return m.group(1).equals("*") ? Runtime.getRuntime().availableProcessors() : Integer.parseInt(m.group(1));
    }

    private static final java.util.regex.Pattern MASTER = java.util.regex.Pattern.compile(
            "^(local(\\[(\\d+|\\*)(,\\d+)?])?|local-cluster\\[.+]|spark://.+|yarn|k8s://.+|mesos://.+)$");

    /** Bad input (exit 2) unless {@code master} is a Spark master URL; {@code field} says where it was given. */
    static void checkMaster(String master, String field) {
        if (!MASTER.matcher(master).matches()) {
            throw new InputError("", field, "expected a Spark master such as local[*], local[4], spark://host:7077, yarn or "
                    + "k8s://https://host:443, got '" + master + "'");
        }
    }

    public static SparkSession create(DroverConfig config, String masterOverride) {
        return create(config, masterOverride, true);
    }

    /**
     * Master precedence: {@code --master}, then spark-submit's, then drover.spark.master.
     * {@code webUi = false} (commands that only read) starts no Spark UI unless the config asks
     * for one. An existing session (a notebook's, a test's) is reused as it is.
     */
    public static SparkSession create(DroverConfig config, String masterOverride, boolean webUi) {
        SparkConf fromSubmit = new SparkConf();
        SparkSession.Builder builder = SparkSession.builder().appName(config.appName());
        if (masterOverride != null) {
            checkMaster(masterOverride, "--master");
        } else if (!fromSubmit.contains("spark.master")) {
            checkMaster(config.sparkMaster(), "drover.spark.master");
        }
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
        // Locally, Hadoop's file system starts a chmod, a readlink or an ls process per file it
        // creates, renames or reads the permission of (no native library): most of a small Delta
        // commit. LocalDisk does all three in this process. A cluster's executors keep Hadoop's (their class path is the cluster's).
        if (master.startsWith("local")) {
            // and Delta's log store for local folders reads a log's names before any file's status
            java.util.Map<String, String> local = new java.util.TreeMap<>(dev.drover.storage.LocalLogStore.settings());
            dev.drover.storage.LocalDisk.settings().forEach((key, value) -> local.put("spark.hadoop." + key, value));
            for (var entry : local.entrySet()) {
                if (!config.sparkConf().containsKey(entry.getKey()) && !fromSubmit.contains(entry.getKey())) {
                    builder = builder.config(entry.getKey(), entry.getValue());
                }
            }
        }
        if (!webUi && !config.sparkConf().containsKey(UI) && !fromSubmit.contains(UI)) {
            builder = builder.config(UI, "false");
        }
        // Spark warns once per process when it shortens a plan's text; Drover's plans are wide by design
        if (!config.sparkConf().containsKey(PLAN_FIELDS)) {
            builder = builder.config(PLAN_FIELDS, "1000");
        }
        // generated classes named without their stage's number: the same code at another place in
        // another plan (each migration of a wave plans its own) is then a hit of Spark's code cache
        if (!config.sparkConf().containsKey(CODEGEN_CLASS_NAMES) && !fromSubmit.contains(CODEGEN_CLASS_NAMES)) {
            builder = builder.config(CODEGEN_CLASS_NAMES, "false");
        }
        if (!master.startsWith("local") && config.fleet().dynamicAllocation()
                && !config.sparkConf().containsKey(DYNAMIC) && !fromSubmit.contains(DYNAMIC)) {
            for (var entry : dynamicAllocation(config.fleet()).entrySet()) {
                builder = builder.config(entry.getKey(), entry.getValue());
            }
        }
        for (var entry : config.sparkConf().entrySet()) {
            // an s3a setting spark-submit gives wins over drover.storage.s3 / drover.spark.conf
            if (!(entry.getKey().startsWith(S3A) && fromSubmit.contains(entry.getKey()))) {
                builder = builder.config(entry.getKey(), entry.getValue());
            }
        }
        SparkSession spark = builder
                .config("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension")
                .config("spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog")
                .getOrCreate();
        // a session made before (a notebook's, a test's) took its Hadoop settings then: s3a's go in now
        for (var entry : config.sparkConf().entrySet()) {
            if (entry.getKey().startsWith("spark.hadoop.") && !(entry.getKey().startsWith(S3A) && fromSubmit.contains(entry.getKey()))) {
                spark.sparkContext().hadoopConfiguration().set(entry.getKey().substring("spark.hadoop.".length()), entry.getValue());
            }
        }
        spark.sparkContext().setLogLevel("WARN");
        return spark;
    }
}
