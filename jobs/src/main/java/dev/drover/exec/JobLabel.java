package dev.drover.exec;

import static java.util.Objects.requireNonNull;

import dev.drover.model.Stage;
import java.util.function.Supplier;
import org.apache.spark.SparkContext;
import org.apache.spark.sql.SparkSession;

/**
 * How the Spark jobs of one piece of Drover's work are labelled, so the Spark UI reads like the
 * ledger: a job group per run, a description {@code drover <migration> <run> <stage> [batch n]}
 * and the migration's FAIR scheduler pool. Spark keeps these as thread-local properties; a
 * labelled call sets them for its own duration and puts back what the thread had, so pooled
 * threads never carry one migration's labels into another's jobs.
 */
public record JobLabel(String group, String description, String pool) {
    public static final String LEDGER_POOL = "drover-ledger";
    static final String GROUP = "spark.jobGroup.id";
    static final String DESCRIPTION = "spark.job.description";
    static final String POOL = "spark.scheduler.pool";

    public JobLabel {
        requireNonNull(group, "group is null");
        requireNonNull(description, "description is null");
        requireNonNull(pool, "pool is null");
    }

    /** A migration's work: group {@code drover-<run>}, pool the migration's. */
    public static JobLabel of(String migration, String runId, String pool, Stage stage, Integer batch) {
        return new JobLabel("drover-" + runId, "drover " + migration + " " + runId + " " + stage.label()
                + (batch == null ? "" : " batch " + batch), pool);
    }

    /** A migration's work before it has a run (checking its earlier runs, planning a dry run). */
    public static JobLabel of(String migration, String pool, String what) {
        return new JobLabel("drover-" + migration, "drover " + migration + " " + what, pool);
    }

    /** The shared ledger writer's commits, which carry rows of several runs at once. */
    public static JobLabel ledger(String table) {
        return new JobLabel("drover-ledger", "drover ledger " + table, LEDGER_POOL);
    }

    public <T> T call(SparkSession spark, Supplier<T> work) {
        SparkContext sc = spark.sparkContext();
        String group = sc.getLocalProperty(GROUP);
        String description = sc.getLocalProperty(DESCRIPTION);
        String pool = sc.getLocalProperty(POOL);
        sc.setLocalProperty(GROUP, this.group);
        sc.setLocalProperty(DESCRIPTION, this.description);
        sc.setLocalProperty(POOL, this.pool);
        try {
            return work.get();
        } finally {
            sc.setLocalProperty(GROUP, group);
            sc.setLocalProperty(DESCRIPTION, description);
            sc.setLocalProperty(POOL, pool);
        }
    }

    public void run(SparkSession spark, Runnable work) {
        call(spark, () -> {
            work.run();
            return null;
        });
    }
}
