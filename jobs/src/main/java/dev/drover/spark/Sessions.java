package dev.drover.spark;

import dev.drover.config.DroverConfig;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/** The SparkSession of a Drover application, with Delta enabled. */
public final class Sessions {
    private Sessions() {}

    /**
     * Master precedence: {@code --master}, then spark-submit's, then drover.spark.master.
     * An existing session (a notebook's, a test's) is reused as it is.
     */
    public static SparkSession create(DroverConfig config, String masterOverride) {
        SparkConf fromSubmit = new SparkConf();
        SparkSession.Builder builder = SparkSession.builder().appName(config.appName());
        if (masterOverride != null) {
            builder = builder.master(masterOverride);
        } else if (!fromSubmit.contains("spark.master")) {
            builder = builder.master(config.sparkMaster());
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
