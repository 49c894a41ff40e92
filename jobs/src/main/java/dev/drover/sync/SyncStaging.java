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

/**
 * A sync's changes, staged: v1's change data feed over the sync's range reduced to one row per
 * key ({@code reduced}), then the rows that end the range present put through the migration's own
 * steps ({@code changes}: every row, whether it reached the target, failed a step or was removed by
 * one, with its hidden columns). Both are Delta tables under the sync's staging folder, each
 * written once under an idempotent-write app id: a resumed sync reads them instead of reading the
 * feed or calling a per-row step again, so what it merges and what it proves are the same rows.
 * The sync's metrics are observed over the staged changes, as a batch write observes them.
 */
public final class SyncStaging {
    /** What was staged, and what its rows say. */
    public record Staged(String reducedLocation, String changesLocation, Metrics observed, long cdfRows, long upserts,
                         long deletes, long transients, long existedUpserts) {
        /** Keys whose last change leaves a row: through the steps. */
        public long changeRows() {
            return upserts + deletes + transients;
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

    /** Stages the feed of {@code [from, to]} (what is staged already, a resumed sync keeps) and measures it. */
    public Staged stage(String sourceLocation, long from, long to, boolean mayBeStaged) {
        String reducedLocation = folder + "/reduced";
        String changesLocation = folder + "/changes";
        List<String> key = plan.source().primaryKey();
        List<String> columns = List.of(plan.sourceSchema().fieldNames());
        if (!(mayBeStaged && delta.committedAppIds(reducedLocation).containsKey(appId("r")))) {
            Dataset<Row> feed = new ChangeFeed(scope.spark()).read(sourceLocation, from, to);
            write(ChangeFeed.reduce(feed, key, columns), reducedLocation, "r");
        }
        KillPoints.reached("sync-reduced");
        Dataset<Row> reduced = delta.read(reducedLocation, delta.latestVersion(reducedLocation));
        if (!(mayBeStaged && delta.committedAppIds(changesLocation).containsKey(appId("c")))) {
            List<Column> row = new ArrayList<>();
            for (String c : columns) {
                row.add(col(SqlNames.quote(c)));
            }
            row.add(col(ChangeFeed.EXISTED));
            Dataset<Row> upserts = reduced.where(not(ChangeFeed.deleted())).select(row.toArray(Column[]::new));
            MetricPlan.Prepared prepared = metrics.prepare(MetricPlan.withHidden(upserts, key), scope.runId());
            write(plan.pipeline().apply(prepared.frame()), changesLocation, "c");
        }
        KillPoints.reached("sync-staged");
        Dataset<Row> changes = delta.read(changesLocation, delta.latestVersion(changesLocation));
        Metrics observed = MetricPlan.aggregate(metrics.finish(new MetricPlan.Prepared(changes, List.of()), changes, scope.runId(), true));
        Row counts = reduced.agg(sum(when(not(ChangeFeed.deleted()), 1L).otherwise(0L)),
                sum(when(ChangeFeed.deleted().and(col(ChangeFeed.EXISTED)), 1L).otherwise(0L)),
                sum(when(ChangeFeed.deleted().and(not(col(ChangeFeed.EXISTED))), 1L).otherwise(0L)),
                sum(when(not(ChangeFeed.deleted()).and(col(ChangeFeed.EXISTED)), 1L).otherwise(0L)),
                sum(col(ChangeFeed.CHANGES)), count(lit(1))).first();
        long upserts = counts.isNullAt(0) ? 0 : counts.getLong(0);
        if (!plan.pipeline().keepsRows()) {
            // a SQL or Java step may add or lose rows: the source side is counted where the feed left it
            observed = observed.with(Metrics.of(java.util.Map.of(Metrics.SOURCE_ROWS, upserts)));
        }
        return new Staged(reducedLocation, changesLocation, observed, counts.isNullAt(4) ? 0 : counts.getLong(4), upserts,
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
