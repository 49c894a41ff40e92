package dev.drover.exec;

import static java.util.Objects.requireNonNull;

import dev.drover.model.Stage;
import java.io.PrintStream;
import java.util.concurrent.ExecutorService;
import java.util.function.Supplier;
import org.apache.spark.sql.SparkSession;

/**
 * What the stages of one run get from the application's run context: the session, the shared
 * bounded executor for the run's parallel work, the per-location locks, where to report, and
 * the labels and pool the run's Spark jobs carry, and the application's backlog its batches
 * count in. Knows no stage and no ledger.
 */
public record MigrationScope(SparkSession spark, String migration, String runId, String pool, ExecutorService executor,
                             LocationLocks locks, Timings timings, PrintStream out, Backlog backlog) {
    public MigrationScope {
        requireNonNull(spark, "spark is null");
        requireNonNull(migration, "migration is null");
        requireNonNull(runId, "runId is null");
        requireNonNull(pool, "pool is null");
        requireNonNull(executor, "executor is null");
        requireNonNull(locks, "locks is null");
        requireNonNull(timings, "timings is null");
        requireNonNull(out, "out is null");
        requireNonNull(backlog, "backlog is null");
    }

    public JobLabel label(Stage stage, Integer batch) {
        return JobLabel.of(migration, runId, pool, stage, batch);
    }

    /** Runs {@code work} with its Spark jobs labelled for this run's stage (and batch). */
    public <T> T job(Stage stage, Integer batch, Supplier<T> work) {
        return label(stage, batch).call(spark, work);
    }

    public void job(Stage stage, Integer batch, Runnable work) {
        label(stage, batch).run(spark, work);
    }
}
