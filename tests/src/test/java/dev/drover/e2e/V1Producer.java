package dev.drover.e2e;

import dev.drover.testing.SharedSpark;
import java.util.Random;
import org.apache.spark.sql.SparkSession;

/**
 * A producer of users-v1 in a process of its own, as the team that owns v1 keeps writing it while
 * its consumers move: {@code commits} commits, {@code pauseMillis} apart, each an update, a delete
 * or an insert of new users (chosen at random from {@code seed}); prints
 * "producer committed &lt;version&gt;" on stdout after each.
 * <pre>V1Producer WAREHOUSE COMMITS PAUSE_MILLIS SEED [FIRST_NEW_ID]</pre>
 */
public final class V1Producer {
    private V1Producer() {}

    public static void main(String[] args) throws Exception {
        String warehouse = args[0];
        int commits = Integer.parseInt(args[1]);
        long pause = Long.parseLong(args[2]);
        Random random = new Random(Long.parseLong(args[3]));
        long next = args.length > 4 ? Long.parseLong(args[4]) : 1_000_000;
        SparkSession spark = SharedSpark.session();
        for (int i = 0; i < commits; i++) {
            next = commit(spark, warehouse, random, next);
            long version = new dev.drover.delta.DeltaTables(spark).latestVersion(warehouse + "/users_v1");
            System.out.println("producer committed " + version);
            System.out.flush();
            Thread.sleep(pause);
        }
        spark.stop();
    }

    /** One commit of users-v1: an update, a delete or an insert of 25 new users; returns the next new id. */
    static long commit(SparkSession spark, String warehouse, Random random, long next) {
        String v1 = "delta.`" + warehouse + "/users_v1`";
        int k = random.nextInt(53);
        switch (random.nextInt(3)) {
            case 0 -> spark.sql("UPDATE " + v1 + " SET name = concat(name, '+'), score = CAST((user_id + " + k + ") % 100 AS STRING)"
                    + " WHERE user_id % 53 = " + k);
            case 1 -> spark.sql("DELETE FROM " + v1 + " WHERE user_id % 59 = " + k);
            default -> {
                spark.range(next, next + 25).selectExpr("id AS user_id", "concat('user-', id) AS name", "CAST(id % 100 AS STRING) AS score",
                        "CAST(id % 50 AS INT) AS country_id", "'legacy' AS legacy_flag", "date_add(DATE'2024-01-01', CAST(id % 3 AS INT)) AS dt")
                        .write().format("delta").mode("append").save(warehouse + "/users_v1");
                return next + 25;
            }
        }
        return next;
    }
}
