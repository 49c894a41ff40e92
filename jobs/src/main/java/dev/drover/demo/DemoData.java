package dev.drover.demo;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;

/**
 * Generates the demo catalog's datasets: users-v1 (partitioned by day, a few scores that are
 * not numbers) and the countries lookup. Deterministic for a given row count.
 */
public final class DemoData {
    public static final int COUNTRIES = 50;

    private DemoData() {}

    /** users-v1 rows: every {@code badEvery}-th score is "n/a" (0 = none). */
    public static Dataset<Row> users(SparkSession spark, long rows, int days, long badEvery) {
        Dataset<Row> ids = spark.range(0, rows).withColumnRenamed("id", "user_id");
        return ids.select(
                col("user_id"),
                concat(lit("user-"), col("user_id").cast("string")).as("name"),
                (badEvery > 0
                        ? when(col("user_id").mod(badEvery).equalTo(badEvery - 1), lit("n/a"))
                                .otherwise(col("user_id").mod(100).cast("string"))
                        : col("user_id").mod(100).cast("string")).as("score"),
                col("user_id").mod(COUNTRIES).cast("int").as("country_id"),
                lit("legacy").as("legacy_flag"),
                expr("date_add(DATE'2024-01-01', CAST(user_id % " + days + " AS INT))").as("dt"));
    }

    public static Dataset<Row> countries(SparkSession spark) {
        List<Row> rows = new ArrayList<>();
        String[] codes = Locale.getISOCountries();
        for (int i = 0; i < COUNTRIES; i++) {
            rows.add(RowFactory.create(i, codes[i]));
        }
        return spark.createDataFrame(rows, StructType.fromDDL("country_id INT NOT NULL, country STRING"));
    }

    /**
     * Writes both datasets as Delta tables under the warehouse (replacing what is there). users-v1
     * records its changes (change data feed on), as a live table with dual-write consumers must:
     * its migration keeps users-v2 in step from them.
     */
    public static void write(SparkSession spark, String warehouse, long rows, int days, long badEvery) {
        users(spark, rows, days, badEvery).write().format("delta").mode("overwrite").option("overwriteSchema", "true")
                .option("delta.enableChangeDataFeed", "true").partitionBy("dt").save(warehouse + "/users_v1");
        countries(spark).coalesce(1).write().format("delta").mode("overwrite").option("overwriteSchema", "true")
                .save(warehouse + "/countries");
    }
}
