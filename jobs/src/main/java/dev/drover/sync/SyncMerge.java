package dev.drover.sync;

import static java.util.Objects.requireNonNull;
import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;

import dev.drover.common.SqlNames;
import dev.drover.delta.CommitTag;
import dev.drover.delta.DeltaTables;
import dev.drover.exec.KillPoints;
import dev.drover.exec.MigrationScope;
import dev.drover.measure.KeySums;
import dev.drover.measure.MetricPlan;
import dev.drover.model.Metrics;
import dev.drover.model.Stage;
import dev.drover.plan.MigrationPlan;
import dev.drover.transforms.RowErrors;
import io.delta.tables.DeltaTable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StructField;

/**
 * Applies a sync's staged changes to v2 in one Delta MERGE by the primary key (the catalog's key
 * of v2, compared typed as v1's): rows that reached the target are inserted or replace the row
 * with their key; keys that ended the range deleted, and keys whose new row failed or was removed
 * by a step, are deleted when v2 holds them. The MERGE runs in a session of its own whose
 * idempotent-write settings ({@code txnAppId} = the sync, {@code txnVersion} = the last source
 * version of its range) make a replay after a kill a no-op, and whose commit carries the sync's
 * tag with the range. Before it, what the MERGE must do is counted against v2 as it is (which keys
 * it holds); after it, what it did is read from v2's own change data feed of that one commit.
 */
public final class SyncMerge {
    public static final String ACTION = RowErrors.PREFIX + "action";
    static final String UPSERT = "upsert";
    static final String REMOVE = "delete";
    /** Above this many keys the expected matches are counted by a shuffle join instead of a broadcast. */
    private static final long BROADCAST_KEYS = 2_000_000;

    private final MigrationScope scope;
    private final MigrationPlan plan;
    private final MetricPlan metrics;
    private final DeltaTables delta;

    public SyncMerge(MigrationScope scope, MigrationPlan plan, MetricPlan metrics) {
        this.scope = requireNonNull(scope, "scope is null");
        this.plan = requireNonNull(plan, "plan is null");
        this.metrics = requireNonNull(metrics, "metrics is null");
        this.delta = new DeltaTables(scope.spark());
    }

    /** What the MERGE must do, counted against v2 before it: keys it holds among those to replace and to delete. */
    public record Expected(long sourceRows, long upserts, long removals, long matchedUpserts, long matchedRemovals, KeySums staged) {}

    /** What the MERGE did: its commit, Delta's metrics of it, and v2's change feed of it. */
    public record Applied(Optional<Long> version, Map<String, Long> deltaMetrics, long inserted, long updated, long deleted,
                          long preimages, KeySums written, Metrics added, Metrics removed, Dataset<Row> removedKeys) {
        public static Applied nothing() {
            return new Applied(Optional.empty(), Map.of(), 0, 0, 0, 0, KeySums.ZERO, Metrics.EMPTY, Metrics.EMPTY, null);
        }
    }

    /** The app id a sync's MERGE commits under. */
    public static String appId(String syncId) {
        return "drover-" + syncId;
    }

    /**
     * The MERGE's source, built once and kept in memory for the counts and the MERGE itself:
     * upserts (target columns and hidden keys) and deletes (hidden keys).
     */
    public Dataset<Row> source(SyncStaging.Staged staged) {
        Dataset<Row> changes = scope.spark().read().format("delta").load(staged.changesLocation());
        Dataset<Row> reduced = staged.reduced();
        List<String> key = plan.source().primaryKey();
        List<Column> upsert = new ArrayList<>();
        for (StructField f : plan.targetSchema().fields()) {
            upsert.add(col(SqlNames.quote(f.name())));
        }
        List<Column> keys = new ArrayList<>();
        for (int i = 0; i < key.size(); i++) {
            keys.add(col(RowErrors.KEY_PREFIX + i));
            upsert.add(col(RowErrors.KEY_PREFIX + i));
        }
        upsert.add(lit(UPSERT).as(ACTION));
        Dataset<Row> reached = changes.where(RowErrors.reached()).select(upsert.toArray(Column[]::new));
        Column[] reducedKeys = IntStream.range(0, key.size())
                .mapToObj(i -> col(SqlNames.quote(key.get(i))).as(RowErrors.KEY_PREFIX + i)).toArray(Column[]::new);
        // a key that existed and whose new row did not reach v2 (failed or removed by a step): v2 must not keep its old row
        Dataset<Row> notReached = plan.pipeline().keepsRows()
                ? changes.where(not(RowErrors.reached()).and(col(ChangeFeed.EXISTED))).select(keys.toArray(Column[]::new))
                // a SQL or Java step may also leave a row out: every key that existed and has no row that reached v2
                : reduced.where(not(ChangeFeed.deleted()).and(col(ChangeFeed.EXISTED))).select(reducedKeys)
                        .join(reached.select(keys.toArray(Column[]::new)), keyNames(), "left_anti");
        Dataset<Row> deleted = reduced.where(ChangeFeed.deleted().and(col(ChangeFeed.EXISTED))).select(reducedKeys);
        Dataset<Row> removals = notReached.unionByName(deleted).withColumn(ACTION, lit(REMOVE));
        return reached.unionByName(removals, true).persist(org.apache.spark.storage.StorageLevel.MEMORY_AND_DISK());
    }

    /** Counts what the MERGE of {@code source} must do against v2 at {@code before}. */
    public Expected expected(Dataset<Row> source, String targetLocation, long before) {
        long t0 = System.nanoTime();
        Column upsert = col(ACTION).equalTo(UPSERT);
        Column[] terms = KeySums.terms(targetColumns(), false);
        Row sizes = source.agg(count(lit(1)), org.apache.spark.sql.functions.sum(org.apache.spark.sql.functions.when(upsert, 1L)),
                org.apache.spark.sql.functions.sum(org.apache.spark.sql.functions.when(upsert, terms[0])),
                org.apache.spark.sql.functions.sum(org.apache.spark.sql.functions.when(upsert, terms[1]))).first();
        long rows = sizes.getLong(0);
        long upserts = sizes.isNullAt(1) ? 0 : sizes.getLong(1);
        KeySums stagedSums = new KeySums(upserts, sizes.isNullAt(2) ? 0 : sizes.getLong(2), sizes.isNullAt(3) ? 0 : sizes.getLong(3));
        scope.timings().add("sync: build the merge source", (System.nanoTime() - t0) / 1e9);
        Dataset<Row> held = targetKeys(delta.read(targetLocation, before));
        Dataset<Row> keys = source.select(concat(keyColumns(), col(ACTION)));
        Dataset<Row> matched = held.join(rows <= BROADCAST_KEYS ? broadcast(keys) : keys, keyNames(), "inner")
                .groupBy(col(ACTION)).count();
        long matchedUpserts = 0;
        long matchedRemovals = 0;
        for (Row r : matched.collectAsList()) {
            if (UPSERT.equals(r.getString(0))) {
                matchedUpserts = r.getLong(1);
            } else {
                matchedRemovals = r.getLong(1);
            }
        }
        return new Expected(rows, upserts, rows - upserts, matchedUpserts, matchedRemovals, stagedSums);
    }

    /**
     * Runs the MERGE (skipped by Delta when this sync's commit already landed) and reads what it
     * did. {@code before} is v2's version before the sync.
     */
    public Applied apply(Dataset<Row> source, String targetLocation, long before, long to, CommitTag tag, long sourceRows) {
        if (sourceRows == 0) {
            return Applied.nothing();
        }
        SparkSession session = scope.spark().newSession();
        session.conf().set("spark.databricks.delta.write.txnAppId", appId(scope.runId()));
        session.conf().set("spark.databricks.delta.write.txnVersion", String.valueOf(to));
        session.conf().set("spark.databricks.delta.commitInfo.userMetadata", tag.json());
        // the source is staged and held in memory: Delta need not materialize it once more to keep it stable
        session.conf().set("spark.databricks.delta.merge.materializeSource", "none");
        Map<String, String> set = new LinkedHashMap<>();
        for (StructField f : plan.targetSchema().fields()) {
            set.put(SqlNames.quote(f.name()), "s." + SqlNames.quote(f.name()));
        }
        KillPoints.reached("sync-merging");
        scope.job(Stage.SYNC, null, () -> DeltaTable.forPath(session, targetLocation).as("t").merge(source.as("s"), condition())
                .whenMatched("s." + ACTION + " = '" + REMOVE + "'").delete()
                .whenMatched().updateExpr(set)
                .whenNotMatched("s." + ACTION + " = '" + UPSERT + "'").insertExpr(set)
                .execute());
        KillPoints.reached("sync-merged");
        return read(targetLocation, before);
    }

    /** What this sync's commit did to v2, from Delta's metrics and v2's change feed of it (empty when it did not commit). */
    public Applied read(String targetLocation, long before) {
        Optional<DeltaTables.Change> commit = delta.changes(targetLocation, before).stream()
                .filter(c -> c.tag().filter(t -> t.run().equals(scope.runId()) && t.stage() == Stage.SYNC).isPresent())
                .reduce((a, b) -> b);
        if (commit.isEmpty()) {
            return Applied.nothing();
        }
        long version = commit.get().version();
        Map<String, Long> deltaMetrics = new HashMap<>();
        commit.get().operationMetrics().forEach((k, v) -> deltaMetrics.put(k, Long.parseLong(v)));
        Dataset<Row> feed = scope.spark().read().format("delta").option("readChangeFeed", "true")
                .option("startingVersion", version).option("endingVersion", version).load(targetLocation);
        Column type = col(ChangeFeed.CHANGE_TYPE);
        Column after = type.isin(ChangeFeed.INSERT, ChangeFeed.POSTIMAGE);
        Column gone = type.isin(ChangeFeed.PREIMAGE, ChangeFeed.DELETE);
        List<Column> aggs = new ArrayList<>(List.of(count(org.apache.spark.sql.functions.when(type.equalTo(ChangeFeed.INSERT), 1)).as("inserted"),
                count(org.apache.spark.sql.functions.when(type.equalTo(ChangeFeed.POSTIMAGE), 1)).as("updated"),
                count(org.apache.spark.sql.functions.when(type.equalTo(ChangeFeed.DELETE), 1)).as("deleted"),
                count(org.apache.spark.sql.functions.when(type.equalTo(ChangeFeed.PREIMAGE), 1)).as("preimages")));
        Column[] terms = KeySums.terms(targetColumns(), false);
        aggs.add(org.apache.spark.sql.functions.coalesce(org.apache.spark.sql.functions.sum(
                org.apache.spark.sql.functions.when(after, terms[0])), lit(0L)).as("xx"));
        aggs.add(org.apache.spark.sql.functions.coalesce(org.apache.spark.sql.functions.sum(
                org.apache.spark.sql.functions.when(after, terms[1])), lit(0L)).as("mm"));
        aggs.addAll(metrics.invariantParts(after, "added:"));
        aggs.addAll(metrics.invariantParts(gone, "removed:"));
        Row r = scope.job(Stage.SYNC, null, () -> feed.agg(aggs.get(0), aggs.subList(1, aggs.size()).toArray(Column[]::new)).first());
        Map<String, Object> added = new HashMap<>();
        Map<String, Object> removed = new HashMap<>();
        for (int i = 6; i < r.size(); i++) {
            String name = r.schema().fields()[i].name();
            if (name.startsWith("added:")) {
                added.put(name.substring("added:".length()), r.get(i));
            } else {
                removed.put(name.substring("removed:".length()), r.get(i));
            }
        }
        long inserted = r.getLong(0);
        long updated = r.getLong(1);
        return new Applied(Optional.of(version), deltaMetrics, inserted, updated, r.getLong(2), r.getLong(3),
                new KeySums(inserted + updated, r.getLong(4), r.getLong(5)), Metrics.of(added), Metrics.of(removed),
                targetKeys(feed.where(gone)));
    }

    /**
     * The decremental invariants' source aggregates over the rows v1 held before the range for the
     * keys whose v2 row the sync replaced or deleted: what those rows had added to the source side.
     */
    public Metrics removedSources(SyncStaging.Staged staged, Applied applied) {
        List<Column> aggs = metrics.invariantSources(lit(true), "");
        if (aggs.isEmpty() || applied.removedKeys() == null) {
            return Metrics.EMPTY;
        }
        Dataset<Row> reduced = staged.reduced();
        List<String> key = plan.source().primaryKey();
        List<Column> before = new ArrayList<>();
        for (String c : plan.sourceSchema().fieldNames()) {
            before.add(col(SqlNames.quote(ChangeFeed.BEFORE_PREFIX + c)).as(c));
        }
        for (int i = 0; i < key.size(); i++) {
            before.add(col(SqlNames.quote(key.get(i))).as(RowErrors.KEY_PREFIX + i));
        }
        Dataset<Row> rows = reduced.where(col(ChangeFeed.EXISTED)).select(before.toArray(Column[]::new))
                .join(applied.removedKeys(), keyNames(), "left_semi");
        Row r = rows.agg(aggs.get(0), aggs.subList(1, aggs.size()).toArray(Column[]::new)).first();
        Map<String, Object> values = new HashMap<>();
        for (int i = 0; i < r.size(); i++) {
            values.put(r.schema().fields()[i].name(), r.get(i));
        }
        return Metrics.of(values);
    }

    /** A frame's target key columns, typed and named as the hidden source keys (a key may be renamed or retyped). */
    Dataset<Row> targetKeys(Dataset<Row> frame) {
        return frame.select(keyColumns(i -> col(SqlNames.quote(plan.target().primaryKey().get(i))).cast(sourceKeyType(i))));
    }

    private Column condition() {
        List<String> terms = new ArrayList<>();
        for (int i = 0; i < plan.source().primaryKey().size(); i++) {
            String target = "t." + SqlNames.quote(plan.target().primaryKey().get(i));
            DataType type = sourceKeyType(i);
            boolean same = plan.targetSchema().apply(plan.target().primaryKey().get(i)).dataType().equals(type);
            terms.add((same ? target : "CAST(" + target + " AS " + type.sql() + ")") + " = s." + RowErrors.KEY_PREFIX + i);
        }
        return org.apache.spark.sql.functions.expr(String.join(" AND ", terms));
    }

    private DataType sourceKeyType(int i) {
        return plan.sourceSchema().apply(plan.source().primaryKey().get(i)).dataType();
    }

    private Column[] keyColumns(java.util.function.IntFunction<Column> column) {
        return IntStream.range(0, plan.source().primaryKey().size()).mapToObj(i -> column.apply(i).as(RowErrors.KEY_PREFIX + i))
                .toArray(Column[]::new);
    }

    private Column[] keyColumns() {
        return keyColumns(i -> col(RowErrors.KEY_PREFIX + i));
    }

    private scala.collection.immutable.Seq<String> keyNames() {
        List<String> names = IntStream.range(0, plan.source().primaryKey().size()).mapToObj(i -> RowErrors.KEY_PREFIX + i).toList();
        return scala.collection.JavaConverters.asScalaBuffer(names).toList();
    }

    private List<Column> targetColumns() {
        List<Column> out = new ArrayList<>();
        for (StructField f : plan.targetSchema().fields()) {
            out.add(col(SqlNames.quote(f.name())));
        }
        return out;
    }

    private static Column[] concat(Column[] first, Column last) {
        Column[] all = java.util.Arrays.copyOf(first, first.length + 1);
        all[first.length] = last;
        return all;
    }
}
