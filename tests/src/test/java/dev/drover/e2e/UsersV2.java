package dev.drover.e2e;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * users-v2 as the demo spec (users/V2) defines it, computed here in plain SQL over users-v1 at a
 * version and the countries lookup, independently of Drover's code: what a sync must leave in v2.
 */
final class UsersV2 {
    private UsersV2() {}

    static Dataset<Row> expected(SparkSession spark, String warehouse, long v1Version) {
        String view = "users_v1_at_" + v1Version + "_" + Math.abs(warehouse.hashCode());
        spark.read().format("delta").option("versionAsOf", v1Version).load(warehouse + "/users_v1").createOrReplaceTempView(view);
        spark.read().format("delta").load(warehouse + "/countries").createOrReplaceTempView("countries_" + Math.abs(warehouse.hashCode()));
        return spark.sql("SELECT u.user_id, u.name AS display_name, CAST(u.score AS INT) AS score, c.country, u.dt FROM " + view
                + " u LEFT JOIN countries_" + Math.abs(warehouse.hashCode()) + " c ON u.country_id = c.country_id"
                + " WHERE u.score IS NULL OR try_cast(u.score AS INT) IS NOT NULL");
    }

    static Dataset<Row> actual(SparkSession spark, String warehouse) {
        return spark.read().format("delta").load(warehouse + "/users_v2").select("user_id", "display_name", "score", "country", "dt");
    }

    /** Rows of v2 not in the expected result, and rows of the expected result not in v2: both 0 when equal as multisets. */
    static long[] difference(SparkSession spark, String warehouse, long v1Version) {
        Dataset<Row> want = expected(spark, warehouse, v1Version);
        Dataset<Row> have = actual(spark, warehouse);
        return new long[] {have.exceptAll(want).count(), want.exceptAll(have).count()};
    }
}
