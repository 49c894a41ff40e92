package dev.drover.sync;

import static java.util.Objects.requireNonNull;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import dev.drover.common.SqlNames;
import dev.drover.delta.CommitTag;
import dev.drover.delta.DeltaTables;
import dev.drover.exec.KillPoints;
import dev.drover.exec.MigrationScope;
import dev.drover.measure.MetricPlan;
import dev.drover.model.Metrics;
import dev.drover.model.Stage;
import dev.drover.plan.MigrationPlan;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;

/**
 * A sync's changes: v1's change data feed over the sync's range reduced to one row per key
 * ({@code reduced}: a function of the pinned range alone, so it is kept in memory and a resumed sync
 * computes it again), then the rows that end the range present put through the migration's own
 * steps ({@code changes}: every row, whether it reached the target, failed a step or was removed by
 * one, with its hidden columns), staged as a Delta table under the sync's staging folder, written
 * once under an idempotent-write app id and measured in that same write, as a batch write is: a
 * resumed sync reads it instead of calling a per-row step again, so what it merges and what it
 * proves are the same rows.
 */
public final class SyncStaging {
    /** What was staged, and what its rows say; {@link #release()} lets the reduced feed go. */
    public record Staged(Dataset<Row> reduced, String changesLocation, Metrics observed, long cdfRows, long upserts,
                         long deletes, long transients, long existedUpserts) {
        /** Keys changed in the range: those that end it present (through the steps), deleted, or inserted and deleted. */
        public long changeRows() {
            return upserts + deletes + transients;
        }

        public void release() {
            reduced.unpersist();
        }
    }

    private final MigrationScope scope;
    private final MigrationPlan plan;
    private final MetricPlan metrics;
    private final DeltaTables delta;
    private final String folder;
    private final CommitTag tag;

    /** {@code folder}: the sync's own staging folder ({@code <state-dir>/staging/<sync>}). */
    public SyncStaging(MigrationScope scope, MigrationPlan plan, MetricPlan metrics, String folder, CommitTag tag) {
        this.scope = requireNonNull(scope, "scope is null");
        this.plan = requireNonNull(plan, "plan is null");
        this.metrics = requireNonNull(metrics, "metrics is null");
        this.delta = new DeltaTables(scope.spark());
        this.folder = requireNonNull(folder, "folder is null");
        this.tag = requireNonNull(tag, "tag is null");
    }

    public String folder() {
        return folder;
    }

    /** Stages the feed of {@code [from, to]} (changes staged already, a resumed sync keeps) and measures it. */
    public Staged stage(String sourceLocation, long from, long to, boolean mayBeStaged) {
        String changesLocation = folder + "/changes";
        List<String> key = plan.source().primaryKey();
        List<String> columns = List.of(plan.sourceSchema().fieldNames());
        Dataset<Row> reduced = ChangeFeed.reduce(new ChangeFeed(scope.spark()).read(sourceLocation, from, to), key, columns)
                .persist(StorageLevel.MEMORY_AND_DISK());
        long t0 = System.nanoTime();
        Row counts = scope.job(Stage.SYNC, null, () -> reduced.agg(sum(when(not(ChangeFeed.deleted()), 1L).otherwise(0L)),
                sum(when(ChangeFeed.deleted().and(col(ChangeFeed.EXISTED)), 1L).otherwise(0L)),
                sum(when(ChangeFeed.deleted().and(not(col(ChangeFeed.EXISTED))), 1L).otherwise(0L)),
                sum(when(not(ChangeFeed.deleted()).and(col(ChangeFeed.EXISTED)), 1L).otherwise(0L)),
                sum(col(ChangeFeed.CHANGES)), count(lit(1))).first());
        KillPoints.reached("sync-reduced");
        scope.timings().add("sync: read and reduce the feed", (System.nanoTime() - t0) / 1e9);
        t0 = System.nanoTime();
        Metrics observed;
        if (mayBeStaged && delta.committedAppIds(changesLocation).containsKey(appId("c"))) {
            Dataset<Row> changes = delta.read(changesLocation, delta.latestVersion(changesLocation));
            observed = MetricPlan.aggregate(metrics.finish(new MetricPlan.Prepared(changes, List.of()), changes, scope.runId(), true));
        } else {
            List<Column> row = new ArrayList<>();
            for (String c : columns) {
                row.add(col(SqlNames.quote(c)));
            }
            row.add(col(ChangeFeed.EXISTED));
            Dataset<Row> upserts = reduced.where(not(ChangeFeed.deleted())).select(row.toArray(Column[]::new));
            MetricPlan.Prepared prepared = metrics.prepare(MetricPlan.withHidden(upserts, key), scope.runId());
            MetricPlan.Observed written = metrics.observeAll(prepared, plan.pipeline().apply(prepared.frame()), scope.runId());
            write(written.frame(), changesLocation, "c");
            observed = written.metrics();
        }
        KillPoints.reached("sync-staged");
        scope.timings().add("sync: steps and staging write", (System.nanoTime() - t0) / 1e9);
        long upserts = counts.isNullAt(0) ? 0 : counts.getLong(0);
        if (!plan.pipeline().keepsRows()) {
            // a SQL or Java step may add or lose rows: the source side is counted where the feed left it
            observed = observed.with(Metrics.of(dev.drover.model.MetricKey.SOURCE_ROWS, upserts));
        }
        return new Staged(reduced, changesLocation, observed, counts.isNullAt(4) ? 0 : counts.getLong(4), upserts,
                counts.isNullAt(1) ? 0 : counts.getLong(1), counts.isNullAt(2) ? 0 : counts.getLong(2),
                counts.isNullAt(3) ? 0 : counts.getLong(3));
    }

    private void write(Dataset<Row> frame, String location, String part) {
        scope.job(Stage.SYNC, null, () -> frame.write().format("delta").mode("overwrite").option("overwriteSchema", "true")
                .option("txnAppId", appId(part)).option("txnVersion", 0L).option("userMetadata", tag.json()).save(location));
    }

    private String appId(String part) {
        return "drover-" + scope.runId() + "-" + part;
    }
}
