package dev.drover.exec;

import dev.drover.model.Quota;
import org.apache.spark.SparkContext;
import org.apache.spark.scheduler.Pool;
import org.apache.spark.scheduler.Schedulable;
import org.apache.spark.scheduler.SchedulingMode;

/**
 * The FAIR scheduler pools of the migrations an application runs. Spark reads pool weights and
 * minimum shares only from its allocation file, at start; a wave knows its migrations later, so
 * each pool is added to the scheduler's root pool before the migration's first job (a job naming
 * a pool that does not exist would get one with weight 1 and no minimum share). A pool with work
 * in it keeps its quota; an idle one whose migration's quota changed is made again.
 */
public final class FairPools {
    private FairPools() {}

    /** True when the application schedules FAIR, so pools and their weights count. */
    public static boolean fair(SparkContext sc) {
        return sc.getSchedulingMode() == SchedulingMode.FAIR();
    }

    /**
     * Makes {@code name}'s pool with {@code quota}'s weight and minimum share, unless it exists.
     * Returns the pool's weight and minimum share as they are now, or empty under FIFO.
     */
    public static synchronized java.util.Optional<Quota> ensure(SparkContext sc, String name, Quota quota) {
        if (!fair(sc)) {
            return java.util.Optional.empty();
        }
        Pool root = sc.taskScheduler().rootPool();
        Schedulable existing = root.getSchedulableByName(name);
        // a spec's quota may change between waves of a long-lived application: an idle pool is
        // made again with the new one (Spark's pools cannot change their weight or share)
        if (existing instanceof Pool pool && pool.schedulableQueue().isEmpty()
                && (pool.weight() != quota.weight() || pool.minShare() != quota.minShare())) {
            root.removeSchedulable(pool);
            existing = null;
        }
        if (existing == null) {
            // batches of one migration run first come, first served within its pool
            root.addSchedulable(new Pool(name, SchedulingMode.FIFO(), quota.minShare(), quota.weight()));
            existing = root.getSchedulableByName(name);
        }
        return java.util.Optional.of(new Quota(existing.weight(), existing.minShare(), quota.maxTasks()));
    }
}
