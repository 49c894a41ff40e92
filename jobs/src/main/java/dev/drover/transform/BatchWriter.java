package dev.drover.transform;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.current_timestamp;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.to_json;
import static org.apache.spark.sql.functions.when;

import dev.drover.delta.CommitTag;
import dev.drover.delta.DeltaTables;
import dev.drover.ledger.BatchRecord;
import dev.drover.measure.Reconciliation;
import dev.drover.model.Metrics;
import dev.drover.plan.MigrationPlan;
import dev.drover.transforms.RowErrors;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.DataFrameWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Observation;
import org.apache.spark.sql.Row;

/**
 * Writes one batch: one Spark job over the batch's slice of the pinned source and one Delta
 * commit, tagged with an idempotent-write app id of its own (run + batch), so a replay is
 * skipped by Delta and batches may commit in any order without tripping the per-app-id
 * high-water mark. Rows that failed a step go to the quarantine table in a second commit,
 * computed only when the observed failure count says there are any.
 */
public final class BatchWriter {
    public static final String QUARANTINE_DDL = "run_id STRING, batch_id INT, step STRING, error STRING, key STRING, "
            + "row STRING, quarantined_at TIMESTAMP";

    private final DeltaTables delta;
    private final MigrationPlan plan;
    private final String runId;
    private final String quarantineLocation;
    private final Reconciliation reconciliation;

    public BatchWriter(DeltaTables delta, MigrationPlan plan, String runId, String quarantineLocation) {
        this.delta = delta;
        this.plan = plan;
        this.runId = runId;
        this.quarantineLocation = quarantineLocation;
        this.reconciliation = new Reconciliation(plan);
    }

    public static String appId(String runId, int batchId) {
        return "drover-" + runId + "-b" + batchId;
    }

    /**
     * Empties the target (creating it if need be) with the target's schema and partitioning, in a
     * commit of its own with its own app id, so batches written at once can all append. Done once
     * per run: a resumed run whose reset committed skips it.
     */
    public void reset(boolean mayBeCommitted) {
        String appId = appId(runId, -1);
        if (mayBeCommitted && delta.committedTxnVersion(plan.targetLocation(), appId).isPresent()) {
            return;
        }
        DataFrameWriter<Row> writer = plan.sourceFrame().sparkSession().createDataFrame(List.of(), plan.targetSchema())
                .write().format("delta").mode("overwrite").option("overwriteSchema", "true")
                .option("txnAppId", appId).option("txnVersion", 0L)
                .option("userMetadata", new CommitTag(runId, plan.spec().id(), "transform", null).json());
        if (!plan.target().partitionedBy().isEmpty()) {
            writer = writer.partitionBy(plan.target().partitionedBy().toArray(String[]::new));
        }
        writer.save(plan.targetLocation());
    }

    /**
     * Writes the batch and returns its ledger record, committed. With {@code mayBeCommitted} (a
     * resumed run) Delta is asked first whether the batch's app id already committed.
     */
    public BatchRecord write(BatchRecord batch, boolean first, boolean mayBeCommitted) {
        String appId = appId(runId, batch.batchId());
        if (mayBeCommitted && delta.committedTxnVersion(plan.targetLocation(), appId).isPresent()) {
            return recover(batch, appId);
        }
        // Source-side metrics ride along with the write: no extra pass over the source.
        Reconciliation.Observed observed = reconciliation.observe(slice(batch), "b" + batch.batchId());
        DataFrameWriter<Row> writer = observed.frame().write().format("delta")
                .option("txnAppId", appId).option("txnVersion", 0L)
                .option("userMetadata", new CommitTag(runId, plan.spec().id(), "transform", batch.batchId()).json());
        if (!plan.target().partitionedBy().isEmpty()) {
            writer = writer.partitionBy(plan.target().partitionedBy().toArray(String[]::new));
        }
        // The first batch replaces whatever the target held (kept in history as the snapshot).
        if (first) {
            writer.mode("overwrite").option("overwriteSchema", "true").save(plan.targetLocation());
        } else {
            writer.mode("append").save(plan.targetLocation());
        }
        Metrics metrics = observed.metrics();
        long failed = metrics.count("failed");
        if (failed > 0) {
            writeQuarantine(plan.pipeline().apply(slice(batch)), batch.batchId(), appId);
        }
        return batch.committed(metrics.count("reached"), failed, delta.latestVersion(plan.targetLocation()), metrics);
    }

    /** A batch Delta has but the ledger missed (the driver died in between): finish its record. */
    private BatchRecord recover(BatchRecord batch, String appId) {
        long version = -1;
        long written = 0;
        for (var commit : delta.commitsAfter(plan.targetLocation(), -1)) {
            var tag = commit.tag();
            if (tag.isPresent() && tag.get().run().equals(runId) && Integer.valueOf(batch.batchId()).equals(tag.get().batch())) {
                version = commit.version();
            }
        }
        if (version >= 0) {
            written = delta.history(plan.targetLocation()).where("version = " + version)
                    .selectExpr("cast(operationMetrics['numOutputRows'] as bigint)").first().getLong(0);
        }
        long failed = 0;
        String quarantineApp = appId + "-q";
        if (delta.committedTxnVersion(quarantineLocation, quarantineApp).isEmpty()) {
            // Only rows that failed are computed; an empty result writes nothing.
            Dataset<Row> transformed = plan.pipeline().apply(slice(batch));
            if (!transformed.where(RowErrors.failed()).isEmpty()) {
                failed = writeQuarantine(transformed, batch.batchId(), appId);
            }
        } else {
            failed = delta.read(quarantineLocation, delta.latestVersion(quarantineLocation))
                    .where(col("run_id").equalTo(runId).and(col("batch_id").equalTo(batch.batchId()))).count();
        }
        // The observations of the killed process are gone: compute this slice's metrics once more.
        Metrics metrics = reconciliation.aggregate(slice(batch), "recover-b" + batch.batchId());
        return batch.committed(written, failed, version, metrics);
    }

    /** The batch's slice of the pinned source, with its primary key copied into hidden columns. */
    private Dataset<Row> slice(BatchRecord batch) {
        return Reconciliation.withHidden(plan.sourceFrame().where(batch.predicate()), plan.source().primaryKey());
    }

    /**
     * Batches written at once share one quarantine table; two appends racing to create it would
     * conflict in Delta, so this process writes it one batch at a time.
     */
    private static final Object QUARANTINE_WRITES = new Object();

    private long writeQuarantine(Dataset<Row> transformed, int batchId, String appId) {
        synchronized (QUARANTINE_WRITES) {
            return writeQuarantineNow(transformed, batchId, appId);
        }
    }

    private long writeQuarantineNow(Dataset<Row> transformed, int batchId, String appId) {
        List<String> keys = plan.source().primaryKey();
        Column key = to_json(struct(IntStream.range(0, keys.size())
                .mapToObj(i -> col(RowErrors.KEY_PREFIX + i).as(keys.get(i))).toArray(Column[]::new)));
        Dataset<Row> rows = transformed.where(RowErrors.failed()).select(
                lit(runId).as("run_id"), lit(batchId).as("batch_id"), col(RowErrors.STEP).as("step"),
                col(RowErrors.ERROR).as("error"), key.as("key"), to_json(struct(visible(transformed))).as("row"),
                current_timestamp().as("quarantined_at"));
        Observation observation = new Observation("drover-quarantine-" + batchId);
        rows.observe(observation, org.apache.spark.sql.functions.count(lit(1)).as("rows")).write().format("delta").mode("append")
                .option("txnAppId", appId + "-q").option("txnVersion", 0L)
                .option("userMetadata", new CommitTag(runId, plan.spec().id(), "quarantine", batchId).json())
                .save(quarantineLocation);
        return ((Number) metrics(observation).get("rows")).longValue();
    }

    private static Map<String, Object> metrics(Observation observation) {
        try {
            return observation.getAsJava();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for batch metrics", e);
        }
    }

    private static Column[] visible(Dataset<Row> frame) {
        return Arrays.stream(frame.columns()).filter(c -> !c.startsWith(RowErrors.PREFIX)).map(c -> col("`" + c + "`"))
                .toArray(Column[]::new);
    }
}
