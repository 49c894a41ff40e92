package dev.drover.transform;

import static java.util.Objects.requireNonNull;

import dev.drover.delta.CommitTag;
import dev.drover.delta.DeltaTables;
import dev.drover.exec.MigrationScope;
import dev.drover.ledger.BatchRecord;
import dev.drover.measure.MetricPlan;
import dev.drover.model.Metrics;
import dev.drover.model.Stage;
import dev.drover.plan.MigrationPlan;
import dev.drover.transforms.MapStep;
import java.util.List;
import org.apache.spark.sql.DataFrameWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Writes one batch: one Spark job over the batch's slice of the pinned source and one Delta
 * commit, tagged with an idempotent-write app id of its own (run + batch), so a replay is
 * skipped by Delta and batches may commit in any order without tripping the per-app-id
 * high-water mark. The batch's metrics are observed in that same write. Rows that failed a step
 * go to the quarantine table in a second commit, computed only when the observed failure count
 * says there are any.
 *
 * <p>A batch whose steps include a per-row ({@code map}) step is first written whole, hidden
 * columns and all, to a staging table of the run ({@code <state-dir>/staging/<run>/b<n>}): such
 * a step may give another answer when run again, so the target and the quarantine are both
 * derived from that one result, and a resumed batch reads it instead of running the step again.
 */
final class BatchWriter {
    private final DeltaTables delta;
    private final MigrationPlan plan;
    private final MigrationScope scope;
    private final QuarantineWriter quarantine;
    private final MetricPlan metrics;
    private final boolean targetSide;
    private final String staging;

    /** Partitions of each batch's jobs, 0 for as many as the source has. */
    private final int partitions;

    BatchWriter(MigrationPlan plan, MetricPlan metrics, MigrationScope scope, String stagingDir, int partitions) {
        this.partitions = partitions;
        this.plan = requireNonNull(plan, "plan is null");
        this.scope = requireNonNull(scope, "scope is null");
        this.metrics = requireNonNull(metrics, "metrics is null");
        this.delta = new DeltaTables(scope.spark());
        this.quarantine = new QuarantineWriter(plan, scope.runId(), scope.locks());
        this.targetSide = !plan.readBack();
        this.staging = plan.pipeline().steps().stream().anyMatch(s -> s instanceof MapStep)
                ? stagingDir + "/" + scope.runId() : null;
    }

    /** The idempotent-write app id of a batch of a run (-1: the reset commit of a run whose batches run at once). */
    static String appId(String runId, int batchId) {
        return "drover-" + runId + "-b" + batchId;
    }

    /** Where a run stages the batches of a pipeline with a per-row step; null when it does not. */
    String staging() {
        return staging;
    }

    /**
     * Empties the target (creating it if need be) with the target's schema and partitioning, in a
     * commit of its own with its own app id, so batches written at once can all append. Done once
     * per run: a resumed run whose reset committed skips it.
     */
    void reset(boolean mayBeCommitted) {
        String appId = appId(scope.runId(), -1);
        if (mayBeCommitted && delta.committedTxnVersion(plan.targetLocation(), appId).isPresent()) {
            return;
        }
        DataFrameWriter<Row> writer = scope.spark().createDataFrame(List.of(), plan.targetSchema())
                .write().format("delta").mode("overwrite").option("overwriteSchema", "true")
                .option("txnAppId", appId).option("txnVersion", 0L)
                .option("userMetadata", new CommitTag(scope.runId(), plan.spec().id(), Stage.TRANSFORM, null).json());
        if (!plan.target().partitionedBy().isEmpty()) {
            writer = writer.partitionBy(plan.target().partitionedBy().toArray(String[]::new));
        }
        DataFrameWriter<Row> reset = writer;
        scope.job(Stage.TRANSFORM, null, () -> reset.save(plan.targetLocation()));
    }

    /**
     * Writes the batch and returns its ledger record, committed. With {@code mayBeCommitted} (a
     * resumed run, or a retry) Delta is asked first what of the batch already committed.
     */
    BatchRecord write(BatchRecord batch, boolean first, boolean mayBeCommitted) {
        return scope.job(Stage.TRANSFORM, batch.batchId(), () -> {
            String appId = appId(scope.runId(), batch.batchId());
            String name = scope.runId() + "-b" + batch.batchId();
            boolean committed = mayBeCommitted && delta.committedTxnVersion(plan.targetLocation(), appId).isPresent();
            Metrics observed;
            if (staging != null) {
                observed = writeStaged(batch, appId, name, first, mayBeCommitted, committed);
            } else if (committed) {
                // the observations of the process that wrote it are gone: the same slice measured once more
                observed = metrics.aggregate(slice(batch), name + "-recovered", targetSide);
                if (observed.count(Metrics.FAILED) > 0) {
                    observed = observed.with(quarantine(plan.pipeline().apply(slice(batch)), batch, appId, true));
                }
            } else {
                MetricPlan.Observed written = metrics.observe(slice(batch), name, targetSide);
                save(written.frame(), first, appId, batch.batchId());
                observed = written.metrics();
                if (observed.count(Metrics.FAILED) > 0) {
                    observed = observed.with(quarantine(plan.pipeline().apply(slice(batch)), batch, appId, false));
                }
            }
            return batch.committed(commitVersion(batch.batchId()), observed);
        });
    }

    /**
     * A batch with a per-row step: the steps' result staged once, then the target and the
     * quarantine written from it (each idempotent), the metrics observed on the target write.
     */
    private Metrics writeStaged(BatchRecord batch, String appId, String name, boolean first, boolean mayBeCommitted,
                                boolean committed) {
        String location = staging + "/b" + batch.batchId();
        String stagingApp = appId + "-s";
        MetricPlan.Prepared prepared = metrics.prepare(slice(batch), name);
        Metrics before = Metrics.EMPTY;
        if (!(mayBeCommitted && delta.committedAppIds(location).containsKey(stagingApp))) {
            scope.locks().with(location, () -> {
                plan.pipeline().apply(prepared.frame()).write().format("delta").mode("overwrite")
                        .option("txnAppId", stagingApp).option("txnVersion", 0L)
                        .option("userMetadata", new CommitTag(scope.runId(), plan.spec().id(), Stage.TRANSFORM, batch.batchId()).json())
                        .save(location);
                return null;
            });
            before = new MetricPlan.Observed(prepared.frame(), prepared.observations()).metrics();
        } else if (!prepared.observations().isEmpty()) {
            before = MetricPlan.aggregate(new MetricPlan.Observed(prepared.frame(), prepared.observations()));
        }
        Dataset<Row> staged = delta.read(location, delta.latestVersion(location));
        MetricPlan.Observed written = metrics.finish(new MetricPlan.Prepared(staged, List.of()), staged, name, targetSide);
        Metrics after;
        if (committed) {
            after = MetricPlan.aggregate(written);
        } else {
            save(written.frame(), first, appId, batch.batchId());
            after = written.metrics();
        }
        Metrics observed = before.with(after);
        if (observed.count(Metrics.FAILED) > 0) {
            observed = observed.with(quarantine(staged, batch, appId, mayBeCommitted));
        }
        return observed;
    }

    private void save(Dataset<Row> frame, boolean first, String appId, int batchId) {
        DataFrameWriter<Row> writer = frame.write().format("delta")
                .option("txnAppId", appId).option("txnVersion", 0L)
                .option("userMetadata", new CommitTag(scope.runId(), plan.spec().id(), Stage.TRANSFORM, batchId).json());
        if (!plan.target().partitionedBy().isEmpty()) {
            writer = writer.partitionBy(plan.target().partitionedBy().toArray(String[]::new));
        }
        // The first batch replaces whatever the target held (kept in history as the snapshot).
        if (first) {
            writer.mode("overwrite").option("overwriteSchema", "true").save(plan.targetLocation());
        } else {
            writer.mode("append").save(plan.targetLocation());
        }
    }

    /**
     * Writes the failed rows of {@code transformed}; a quarantine commit that already landed (a
     * resumed batch) is counted instead of written again.
     */
    private Metrics quarantine(Dataset<Row> transformed, BatchRecord batch, String appId, boolean mayBeCommitted) {
        if (mayBeCommitted && delta.committedAppIds(plan.quarantineLocation()).containsKey(QuarantineWriter.appId(appId))) {
            return quarantine.committed(batch.batchId());
        }
        return quarantine.write(transformed, batch.batchId(), appId);
    }

    /** The version of the commit that holds the batch, by its tag in the target's log. */
    private long commitVersion(int batchId) {
        long version = -1;
        for (DeltaTables.Change commit : delta.changes(plan.targetLocation(), plan.targetVersion())) {
            var tag = commit.tag();
            if (tag.isPresent() && tag.get().run().equals(scope.runId()) && Integer.valueOf(batchId).equals(tag.get().batch())) {
                version = commit.version();
            }
        }
        return version;
    }

    /**
     * The batch's slice of the pinned source, with its primary key copied into hidden columns; in
     * at most {@code partitions} partitions when the migration's quota limits its tasks (every job
     * of the batch then runs that many tasks at most).
     */
    private Dataset<Row> slice(BatchRecord batch) {
        Dataset<Row> rows = plan.sourceFrame().where(batch.predicate());
        return MetricPlan.withHidden(partitions > 0 ? rows.coalesce(partitions) : rows, plan.source().primaryKey());
    }
}
