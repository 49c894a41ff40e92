package dev.drover.transform;

import static java.util.Objects.requireNonNull;

import dev.drover.delta.CommitTag;
import dev.drover.delta.DeltaTables;
import dev.drover.delta.StagedFiles;
import dev.drover.exec.MigrationScope;
import dev.drover.ledger.BatchRecord;
import dev.drover.measure.MetricPlan;
import dev.drover.model.MetricKey;
import dev.drover.model.Metrics;
import dev.drover.model.Stage;
import dev.drover.plan.MigrationPlan;
import dev.drover.transforms.MapStep;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Writes one batch: one Spark job over the batch's slice of the pinned source that writes the
 * target's data files under the target's location and commits nothing ({@link StagedFiles}); the
 * batch's metrics are observed in that same write. Rows that failed a step become staged files of
 * the quarantine table in a second job, run only when the observed failure count says there are
 * any. The run publishes every batch's files in one commit once the test stage has passed, so a
 * reader of the target never sees a batch on its own.
 *
 * <p>A batch whose steps include a per-row ({@code map}) step is first written whole, hidden
 * columns and all, to a staging table of the run ({@code <state-dir>/staging/<run>/b<n>}): such
 * a step may give another answer when run again, so the target and the quarantine files are both
 * derived from that one result, and a retried or resumed batch reads it instead of running the
 * step again.
 */
final class BatchWriter {
    private final DeltaTables delta;
    private final StagedFiles files;
    private final MigrationPlan plan;
    private final MigrationScope scope;
    private final QuarantineWriter quarantine;
    private final MetricPlan metrics;
    private final boolean targetSide;
    private final String staging;
    private final TransformStage.Layouts layouts;

    /** Partitions of each batch's jobs, 0 for as many as the source has. */
    private final int partitions;

    BatchWriter(MigrationPlan plan, MetricPlan metrics, TransformStage.Layouts layouts, MigrationScope scope, String stagingDir,
                int partitions) {
        this.partitions = partitions;
        this.plan = requireNonNull(plan, "plan is null");
        this.scope = requireNonNull(scope, "scope is null");
        this.metrics = requireNonNull(metrics, "metrics is null");
        this.delta = new DeltaTables(scope.spark());
        this.files = new StagedFiles(scope.spark());
        this.quarantine = new QuarantineWriter(plan, scope.runId(), scope.locks());
        this.targetSide = !plan.readBack();
        this.staging = plan.pipeline().steps().stream().anyMatch(s -> s instanceof MapStep)
                ? stagingDir + "/" + scope.runId() : null;
        this.layouts = requireNonNull(layouts, "layouts is null");
    }

    /** Where a run stages the batches of a pipeline with a per-row step; null when it does not. */
    String staging() {
        return staging;
    }

    /**
     * Writes the batch's files and returns its ledger record, staged. {@code retry}: an earlier
     * try of this batch (in this process or a killed one) may have staged its per-row result.
     */
    BatchRecord write(BatchRecord batch, boolean retry) {
        return scope.job(Stage.TRANSFORM, batch.batchId(), () -> {
            String name = scope.runId() + "-b" + batch.batchId();
            if (staging != null) {
                return writeStaged(batch, name, retry);
            }
            MetricPlan.Observed written = metrics.observe(slice(batch), name, targetSide);
            StagedFiles.Written target = files.write(plan.targetLocation(), scope.runId(), layouts.target(), written.frame());
            Metrics observed = written.metrics();
            List<String> quarantined = List.of();
            if (observed.count(MetricKey.FAILED) > 0) {
                QuarantineWriter.Staged q = quarantine.stage(plan.pipeline().apply(slice(batch)), batch.batchId(), layouts.quarantine());
                observed = observed.with(q.metrics());
                quarantined = q.files();
            } else {
                observed = observed.with(Metrics.of(MetricKey.QUARANTINED, 0));
            }
            return batch.staged(target.files(), target.rows(), quarantined, observed);
        });
    }

    /**
     * A batch with a per-row step: the steps' result staged once (idempotently), then the target
     * and the quarantine files written from it, the metrics observed on the target write.
     */
    private BatchRecord writeStaged(BatchRecord batch, String name, boolean retry) {
        String location = staging + "/b" + batch.batchId();
        String stagingApp = "drover-" + scope.runId() + "-b" + batch.batchId() + "-s";
        MetricPlan.Prepared prepared = metrics.prepare(slice(batch), name);
        Metrics before;
        if (!(retry && delta.committedAppIds(location).containsKey(stagingApp))) {
            scope.locks().with(location, () -> {
                plan.pipeline().apply(prepared.frame()).write().format("delta").mode("overwrite")
                        .option("txnAppId", stagingApp).option("txnVersion", 0L)
                        .option("userMetadata", new CommitTag(scope.runId(), plan.spec().id(), Stage.TRANSFORM, batch.batchId()).json())
                        .save(location);
                return null;
            });
            before = new MetricPlan.Observed(prepared.frame(), prepared.observations()).metrics();
        } else {
            before = prepared.observations().isEmpty() ? Metrics.EMPTY
                    : MetricPlan.aggregate(new MetricPlan.Observed(prepared.frame(), prepared.observations()));
        }
        Dataset<Row> result = delta.read(location, delta.latestVersion(location));
        MetricPlan.Observed written = metrics.finish(new MetricPlan.Prepared(result, List.of()), result, name, targetSide);
        StagedFiles.Written target = files.write(plan.targetLocation(), scope.runId(), layouts.target(), written.frame());
        Metrics observed = before.with(written.metrics());
        List<String> quarantined = List.of();
        if (observed.count(MetricKey.FAILED) > 0) {
            QuarantineWriter.Staged q = quarantine.stage(result, batch.batchId(), layouts.quarantine());
            observed = observed.with(q.metrics());
            quarantined = q.files();
        } else {
            observed = observed.with(Metrics.of(MetricKey.QUARANTINED, 0));
        }
        return batch.staged(target.files(), target.rows(), quarantined, observed);
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
