package dev.drover.run;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import dev.drover.catalog.ColumnSpec;
import dev.drover.spec.InvariantSpec;
import dev.drover.transforms.Filter;
import dev.drover.transforms.Pipeline;
import dev.drover.transforms.RowErrors;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Observation;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataType;

/**
 * The reconciliation metrics of a migration, source side and target side, named alike so they
 * compare by name:
 * <ul>
 * <li>on the source slice, before any step: {@code rows}, {@code key_xxhash}, {@code key_murmur};</li>
 * <li>after the steps, all rows: {@code failed}, {@code dropped} (and {@code dropped_by:<step>}),
 *     {@code dropped_key_xxhash}, {@code dropped_key_murmur};</li>
 * <li>over the source values of the rows that reach the target: {@code reached}, and per carried
 *     column (under its new name) {@code col_hash:<c>} (sum of the hashes of key + value) and
 *     {@code col_nulls:<c>}, and per invariant its source aggregate.</li>
 * </ul>
 * While a batch is written these come from {@code Dataset.observe} on the written plan (no
 * extra pass); the target is then read once with all its metrics in one aggregation.
 * The source values ride through the steps in hidden copies ({@code _drover_src_<column>}).
 */
final class Reconciliation {
    static final String SRC_PREFIX = RowErrors.PREFIX + "src_";
    private static final String TGT_PREFIX = RowErrors.PREFIX + "tgt_";

    private final MigrationPlan plan;
    private final boolean keysAsText;

    Reconciliation(MigrationPlan plan) {
        this.plan = plan;
        this.keysAsText = !plan.keysKeepTypes();
    }

    /** The batch frame to write, with the three observations that fill in its metrics. */
    record Observed(Dataset<Row> frame, List<Observation> observations) {
        Metrics metrics() {
            Metrics out = Metrics.EMPTY;
            for (Observation o : observations) {
                try {
                    out = out.with(Metrics.of(o.getAsJava()));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while waiting for batch metrics", e);
                }
            }
            return out;
        }
    }

    /** Source metrics ride along with writing {@code slice} (the source slice with hidden columns). */
    Observed observe(Dataset<Row> slice, String name) {
        Observation pre = new Observation("drover-source-" + name);
        Observation post = new Observation("drover-steps-" + name);
        Observation reached = new Observation("drover-reached-" + name);
        Column[] preAggs = KeySums.aggregates(hiddenKeys(), keysAsText);
        Dataset<Row> transformed = plan.pipeline().apply(slice.observe(pre, preAggs[0], rest(preAggs)));
        Column[] postAggs = postAggregates(transformed);
        transformed = transformed.observe(post, postAggs[0], rest(postAggs));

        List<String> visible = visible(transformed);
        List<Column> named = new ArrayList<>();
        for (String c : plan.sourceSchema().fieldNames()) {
            named.add(col(quote(SRC_PREFIX + c)).as(c));
        }
        visible.forEach(v -> named.add(col(quote(v)).as(TGT_PREFIX + v)));
        Column[] reachedAggs = reachedAggregates();
        Dataset<Row> sourceNamed = transformed.where(RowErrors.reached()).select(named.toArray(Column[]::new))
                .observe(reached, reachedAggs[0], rest(reachedAggs));
        Dataset<Row> frame = sourceNamed.select(visible.stream().map(v -> col(quote(TGT_PREFIX + v)).as(v)).toArray(Column[]::new));
        return new Observed(frame, List.of(pre, post, reached));
    }

    /** The same metrics without writing: one pass over the slice (for recovery and validate). */
    Metrics aggregate(Dataset<Row> slice, String name) {
        Observed observed = observe(slice, name);
        observed.frame().write().format("noop").mode("overwrite").save();
        return observed.metrics();
    }

    /** The source frame with its primary key and every column copied into hidden columns. */
    static Dataset<Row> withHidden(Dataset<Row> source, List<String> primaryKey) {
        Dataset<Row> out = source;
        for (int i = 0; i < primaryKey.size(); i++) {
            out = out.withColumn(Analyzer.KEY_PREFIX + i, col(quote(primaryKey.get(i))));
        }
        for (String c : source.columns()) {
            if (!c.startsWith(RowErrors.PREFIX)) {
                out = out.withColumn(SRC_PREFIX + c, col(quote(c)));
            }
        }
        return out;
    }

    private Column[] postAggregates(Dataset<Row> transformed) {
        Column[] dropped = KeySums.terms(hiddenKeys(), keysAsText);
        List<Column> aggs = new ArrayList<>(List.of(
                countIf(RowErrors.failed()).as("failed"),
                countIf(RowErrors.dropped()).as("dropped"),
                coalesce(sum(when(RowErrors.dropped(), dropped[0])), lit(0L)).as("dropped_key_xxhash"),
                coalesce(sum(when(RowErrors.dropped(), dropped[1])), lit(0L)).as("dropped_key_murmur")));
        for (String label : filterSteps().keySet()) {
            aggs.add(countIf(col(RowErrors.DROPPED).equalTo(label)).as("dropped_by:" + label));
        }
        return aggs.toArray(Column[]::new);
    }

    private Column[] reachedAggregates() {
        List<Column> keys = plan.source().primaryKey().stream().map(k -> col(quote(k))).toList();
        List<Column> aggs = new ArrayList<>();
        aggs.add(count(lit(1)).as("reached"));
        plan.carried().forEach((from, to) -> {
            aggs.add(coalesce(sum(KeySums.valueTerm(keys, keysAsText, col(quote(from)))), lit(0L)).as("col_hash:" + to));
            aggs.add(countIf(col(quote(from)).isNull()).as("col_nulls:" + to));
        });
        for (InvariantSpec inv : plan.spec().checks().invariants()) {
            inv.source().ifPresent(s -> aggs.add(expr(s).as(sourceKey(inv))));
        }
        return aggs.toArray(Column[]::new);
    }

    /** All target metrics in one aggregation: the only read of the target. */
    Metrics target(Dataset<Row> target) {
        List<Column> aggs = new ArrayList<>();
        List<Column> keys = targetKeys();
        Column[] keyAggs = KeySums.aggregates(keys, keysAsText);
        aggs.addAll(List.of(keyAggs));
        plan.carried().forEach((from, to) -> {
            aggs.add(coalesce(sum(KeySums.valueTerm(keys, keysAsText, col(quote(to)))), lit(0L)).as("col_hash:" + to));
            aggs.add(countIf(col(quote(to)).isNull()).as("col_nulls:" + to));
        });
        for (InvariantSpec inv : plan.spec().checks().invariants()) {
            aggs.add(expr(inv.target()).as("target:" + inv.name()));
        }
        for (ColumnSpec c : plan.target().schema()) {
            if (!c.nullable()) {
                aggs.add(countIf(col(quote(c.name())).isNull()).as("nulls:" + c.name()));
            }
        }
        Row row = target.agg(aggs.get(0), aggs.subList(1, aggs.size()).toArray(Column[]::new)).first();
        Map<String, Object> values = new HashMap<>();
        for (int i = 0; i < row.size(); i++) {
            values.put(row.schema().fields()[i].name(), row.get(i));
        }
        return Metrics.of(values);
    }

    /** The target's key columns, typed like the source's (a key may be renamed or retyped). */
    private List<Column> targetKeys() {
        List<String> sourceKey = plan.source().primaryKey();
        List<String> targetKey = plan.target().primaryKey();
        return IntStream.range(0, sourceKey.size()).mapToObj(i -> {
            DataType type = plan.sourceSchema().apply(sourceKey.get(i)).dataType();
            return col(quote(targetKey.get(i))).cast(type);
        }).toList();
    }

    /** Filter steps by label, with their declared largest removed share (negative = none). */
    Map<String, Double> filterSteps() {
        Map<String, Double> out = new java.util.LinkedHashMap<>();
        Pipeline pipeline = plan.pipeline();
        for (int i = 0; i < pipeline.steps().size(); i++) {
            if (pipeline.steps().get(i) instanceof Filter f) {
                out.put(Pipeline.label(i, f), f.maxRemovedRatio());
            }
        }
        return out;
    }

    static String sourceKey(InvariantSpec inv) {
        String combine = inv.combine();
        return (combine.equals("sum") ? "" : combine + ":") + "source:" + inv.name();
    }

    private List<Column> hiddenKeys() {
        return IntStream.range(0, plan.source().primaryKey().size()).mapToObj(i -> col(Analyzer.KEY_PREFIX + i)).toList();
    }

    private static Column countIf(Column condition) {
        return coalesce(sum(when(condition, 1L).otherwise(0L)), lit(0L));
    }

    private static List<String> visible(Dataset<Row> frame) {
        return java.util.Arrays.stream(frame.columns()).filter(c -> !c.startsWith(RowErrors.PREFIX)).toList();
    }

    private static Column[] rest(Column[] all) {
        return java.util.Arrays.copyOfRange(all, 1, all.length);
    }

    static String quote(String column) {
        return "`" + column.replace("`", "``") + "`";
    }
}
