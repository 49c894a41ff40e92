package dev.drover.transform;

import static java.util.Objects.requireNonNull;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.current_timestamp;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.to_json;
import static org.apache.spark.sql.functions.when;

import dev.drover.common.SqlNames;
import dev.drover.delta.CommitTag;
import dev.drover.delta.StagedFiles;
import dev.drover.exec.LocationLocks;
import dev.drover.model.MetricKey;
import dev.drover.model.Metrics;
import dev.drover.model.Stage;
import dev.drover.plan.MigrationPlan;
import dev.drover.quarantine.QuarantineTable;
import dev.drover.transforms.Pipeline;
import dev.drover.transforms.RowErrors;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Observation;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Writes the rows of a batch that failed a step to the target's quarantine table. A migration's
 * batches stage them ({@link #stage}: data files no commit holds, published with the run's
 * target files); a sync commits them at once ({@link #write}: one Delta commit with an
 * idempotent-write app id of its own, so a replay is skipped; appends racing to create the same
 * table would conflict, so those writes to one location wait for each other, and only those).
 */
public final class QuarantineWriter {
    private final MigrationPlan plan;
    private final String runId;
    private final String location;
    private final LocationLocks locks;

    public QuarantineWriter(MigrationPlan plan, String runId, LocationLocks locks) {
        this.plan = requireNonNull(plan, "plan is null");
        this.runId = requireNonNull(runId, "runId is null");
        this.location = plan.quarantineLocation();
        this.locks = requireNonNull(locks, "locks is null");
    }

    public static String appId(String batchAppId) {
        return batchAppId + "-q";
    }

    /**
     * Writes the failed rows of {@code transformed} (the batch after the steps) in a commit of
     * their own; returns what the write observed: the rows written ({@link Metrics#QUARANTINED})
     * and each step's share of them.
     */
    public Metrics write(Dataset<Row> transformed, int batchId, String batchAppId) {
        Observation observation = new Observation("drover-quarantine-" + runId + "-" + batchId);
        Dataset<Row> rows = observed(transformed, batchId, observation);
        locks.with(location, () -> {
            rows.write().format("delta").mode("append").option("mergeSchema", "true")
                    .option("txnAppId", appId(batchAppId)).option("txnVersion", 0L)
                    .option("userMetadata", new CommitTag(runId, plan.spec().id(), Stage.TRANSFORM, batchId).json())
                    .save(location);
            return null;
        });
        return Metrics.of(observed(observation));
    }

    /** The failed rows of a batch and what they were: data files staged, not committed, published with the run's. */
    public record Staged(Metrics metrics, List<String> files) {}

    /**
     * As {@link #write} but staged: the rows become data files of the quarantine table, laid out
     * as {@code layout} (the run's, {@link QuarantineTable#layout}), that no commit holds yet.
     */
    public Staged stage(Dataset<Row> transformed, int batchId, StagedFiles.Layout layout) {
        Observation observation = new Observation("drover-quarantine-" + runId + "-" + batchId);
        Dataset<Row> rows = observed(transformed, batchId, observation);
        StagedFiles.Written written = new StagedFiles(SparkSession.active()).write(location, runId, layout, rows);
        return new Staged(Metrics.of(observed(observation)), written.files());
    }

    private Dataset<Row> observed(Dataset<Row> transformed, int batchId, Observation observation) {
        List<String> keys = plan.source().primaryKey();
        Column key = to_json(struct(IntStream.range(0, keys.size())
                .mapToObj(i -> col(RowErrors.KEY_PREFIX + i).as(keys.get(i))).toArray(Column[]::new)));
        Column[] visible = Arrays.stream(transformed.columns()).filter(c -> !c.startsWith(RowErrors.PREFIX))
                .map(c -> col(SqlNames.quote(c))).toArray(Column[]::new);
        Column attempts = java.util.Arrays.asList(transformed.columns()).contains(RowErrors.ATTEMPTS)
                ? col(RowErrors.ATTEMPTS) : lit(1);
        Dataset<Row> rows = transformed.where(RowErrors.failed()).select(
                lit(runId).as("run_id"), lit(batchId).as("batch_id"), col(RowErrors.STEP).as("step"),
                col(RowErrors.ERROR).as("error"), key.as("key"), to_json(struct(visible)).as("row"),
                current_timestamp().as("quarantined_at"), attempts.as("attempts"));
        List<Column> bySteps = new ArrayList<>();
        Pipeline pipeline = plan.pipeline();
        for (int i = 0; i < pipeline.steps().size(); i++) {
            String label = Pipeline.label(i, pipeline.steps().get(i));
            bySteps.add(sum(when(col("step").equalTo(label), 1L).otherwise(0L)).as(MetricKey.failedBy(label).name()));
        }
        return rows.observe(observation, count(lit(1)).as(MetricKey.QUARANTINED.name()), bySteps.toArray(Column[]::new));
    }

    /** What a batch's quarantine commit holds, by step (a resumed batch whose quarantine commit landed). */
    public Metrics committed(int batchId) {
        Map<String, Object> values = new java.util.HashMap<>();
        long total = 0;
        for (Row r : new QuarantineTable(SparkSession.active(), location).rowsOf(runId).where(col("batch_id").equalTo(batchId))
                .groupBy("step").count().collectAsList()) {
            values.put(MetricKey.failedBy(r.getString(0)).name(), r.getLong(1));
            total += r.getLong(1);
        }
        values.put(MetricKey.QUARANTINED.name(), total);
        return Metrics.of(values);
    }

    private static Map<String, Object> observed(Observation observation) {
        try {
            return observation.getAsJava();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for quarantine metrics", e);
        }
    }
}
