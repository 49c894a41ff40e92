package dev.drover.measure;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import dev.drover.catalog.ColumnSpec;
import dev.drover.model.Metrics;
import dev.drover.plan.MigrationPlan;
import dev.drover.spec.InvariantSpec;
import dev.drover.transforms.Pipeline;
import dev.drover.transforms.RemovesRows;
import dev.drover.transforms.RowErrors;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Observation;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.analysis.UnresolvedFunction;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.types.DataType;
import scala.collection.JavaConverters;

/**
 * The reconciliation metrics of a migration, source side and target side, named alike so they
 * compare by name:
 * <ul>
 * <li>per source row (after the steps when every step keeps one row per source row, else before
 *     them): {@code rows}, {@code key_xxhash}, {@code key_murmur};</li>
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
public final class Reconciliation {
    public static final String SRC_PREFIX = RowErrors.PREFIX + "src_";
    private static final String TGT_PREFIX = RowErrors.PREFIX + "tgt_";
    private static final String TERM_PREFIX = RowErrors.PREFIX + "m_";
    private static final String KEY_XX = TERM_PREFIX + "key_xx";
    private static final String KEY_MM = TERM_PREFIX + "key_mm";

    private final MigrationPlan plan;
    private final boolean keysAsText;

    public Reconciliation(MigrationPlan plan) {
        this.plan = plan;
        this.keysAsText = !plan.keysKeepTypes();
    }

    /** The batch frame to write, with the three observations that fill in its metrics. */
    public record Observed(Dataset<Row> frame, List<Observation> observations) {
        public Metrics metrics() {
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

    /**
     * Source metrics ride along with writing {@code slice} (the source slice with hidden columns).
     * The per-row terms (hashes, flags) are computed as hidden columns, inside Spark's generated
     * code; the observation only adds them up. Each observation point costs a break in Spark's
     * generated code, so there is one, after the steps, when every step keeps one row per source
     * row (all built-in steps): the source count and key sums are taken there, and the invariants'
     * source aggregates see only the rows that reach the target by having each argument nulled
     * elsewhere. A SQL or Java step may add or lose rows: the source is then counted before the
     * steps too, and an invariant whose text cannot be rewritten is observed after the filter.
     */
    public Observed observe(Dataset<Row> slice, String name) {
        List<Observation> observations = new ArrayList<>();
        Column[] keyTerms = KeySums.terms(hiddenKeys(), keysAsText);
        Dataset<Row> source = slice.withColumn(KEY_XX, keyTerms[0]).withColumn(KEY_MM, keyTerms[1]);
        boolean onePoint = plan.pipeline().keepsRows();
        if (!onePoint) {
            Observation pre = new Observation("drover-source-" + name);
            observations.add(pre);
            source = source.observe(pre, count(lit(1)).as("rows"), total(KEY_XX).as("key_xxhash"), total(KEY_MM).as("key_murmur"));
        }
        Dataset<Row> transformed = plan.pipeline().apply(source);

        // Source values back under their source names; the target's columns under hidden names.
        List<String> visible = visible(transformed);
        List<Column> named = new ArrayList<>();
        for (String c : plan.sourceSchema().fieldNames()) {
            named.add(col(quote(SRC_PREFIX + c)).as(c));
        }
        visible.forEach(v -> named.add(col(quote(v)).as(TGT_PREFIX + v)));
        List.of(RowErrors.ERROR, RowErrors.STEP, RowErrors.DROPPED, KEY_XX, KEY_MM).forEach(m -> named.add(col(m)));
        Dataset<Row> renamed = transformed.select(named.toArray(Column[]::new));
        Column reached = RowErrors.reached();
        List<Column> sourceKeys = plan.source().primaryKey().stream().map(k -> col(quote(k))).toList();
        // Each observed aggregate costs time per row: only those the checks need.
        List<Column> aggs = new ArrayList<>(List.of(
                countIf(RowErrors.failed()).as("failed"),
                countIf(reached).as("reached")));
        if (onePoint) {
            aggs.addAll(List.of(count(lit(1)).as("rows"), total(KEY_XX).as("key_xxhash"), total(KEY_MM).as("key_murmur")));
        }
        if (!removingSteps().isEmpty()) {
            aggs.add(countIf(RowErrors.dropped()).as("dropped"));
            aggs.add(coalesce(sum(when(RowErrors.dropped(), col(KEY_XX))), lit(0L)).as("dropped_key_xxhash"));
            aggs.add(coalesce(sum(when(RowErrors.dropped(), col(KEY_MM))), lit(0L)).as("dropped_key_murmur"));
            for (String label : removingSteps().keySet()) {
                aggs.add(countIf(col(RowErrors.DROPPED).equalTo(label)).as("dropped_by:" + label));
            }
        }
        int i = 0;
        for (var carried : checksummed().entrySet()) {
            String hash = TERM_PREFIX + "h" + i;
            String nulls = TERM_PREFIX + "n" + i++;
            Column value = col(quote(carried.getKey()));
            renamed = renamed.withColumn(hash, when(reached, KeySums.valueTerm(sourceKeys, keysAsText, value)).otherwise(lit(0L)))
                    .withColumn(nulls, when(reached.and(value.isNull()), lit(1L)).otherwise(lit(0L)));
            aggs.add(total(hash).as("col_hash:" + carried.getValue()));
            aggs.add(total(nulls).as("col_nulls:" + carried.getValue()));
        }
        List<Column> afterFilter = new ArrayList<>();
        for (InvariantSpec inv : plan.spec().checks().invariants()) {
            inv.source().ifPresent(text -> {
                Column masked = onlyWhere(text, reached);
                if (masked != null) {
                    aggs.add(masked.as(sourceKey(inv)));
                } else {
                    afterFilter.add(expr(text).as(sourceKey(inv)));
                }
            });
        }
        Observation post = new Observation("drover-steps-" + name);
        observations.add(post);
        Dataset<Row> out = renamed.observe(post, aggs.get(0), aggs.subList(1, aggs.size()).toArray(Column[]::new)).where(reached);
        if (!afterFilter.isEmpty()) {
            Observation values = new Observation("drover-reached-" + name);
            observations.add(values);
            out = out.observe(values, afterFilter.get(0), afterFilter.subList(1, afterFilter.size()).toArray(Column[]::new));
        }
        Dataset<Row> frame = out.select(visible.stream().map(v -> col(quote(TGT_PREFIX + v)).as(v)).toArray(Column[]::new));
        return new Observed(frame, List.copyOf(observations));
    }

    private static final Set<String> MASKABLE = Set.of("sum", "count", "count_if", "min", "max");

    /**
     * {@code aggregate} (SQL text) over the rows where {@code condition} holds, for an observation
     * (which takes no FILTER clause): the arguments of its top function are nulled elsewhere, which
     * sum, count, count_if, min and max skip. Null when the text is not such a call.
     */
    public static Column onlyWhere(String aggregate, Column condition) {
        Expression parsed;
        try {
            parsed = SparkSession.active().sessionState().sqlParser().parseExpression(aggregate);
        } catch (org.apache.spark.sql.catalyst.parser.ParseException | RuntimeException e) {
            return null;
        }
        if (!(parsed instanceof UnresolvedFunction f) || f.isDistinct() || f.filter().isDefined() || f.nameParts().size() != 1
                || !MASKABLE.contains(f.nameParts().head().toLowerCase(Locale.ROOT))) {
            return null;
        }
        List<Expression> masked = new ArrayList<>();
        for (Expression argument : JavaConverters.seqAsJavaList(f.arguments())) {
            masked.add(when(condition, new Column(argument)).expr());
        }
        return new Column(f.copy(f.nameParts(), JavaConverters.asScalaBuffer(masked).toSeq(), false, f.filter(), f.ignoreNulls()));
    }

    /** The same metrics without writing: one pass over the slice (for recovery and validate). */
    public Metrics aggregate(Dataset<Row> slice, String name) {
        Observed observed = observe(slice, name);
        observed.frame().write().format("noop").mode("overwrite").save();
        return observed.metrics();
    }

    /** The source frame with its primary key and every column copied into hidden columns. */
    public static Dataset<Row> withHidden(Dataset<Row> source, List<String> primaryKey) {
        Dataset<Row> out = source;
        for (int i = 0; i < primaryKey.size(); i++) {
            out = out.withColumn(RowErrors.KEY_PREFIX + i, col(quote(primaryKey.get(i))));
        }
        for (String c : source.columns()) {
            if (!c.startsWith(RowErrors.PREFIX)) {
                out = out.withColumn(SRC_PREFIX + c, col(quote(c)));
            }
        }
        return out;
    }

    /** The target's metrics, and the values of the extra aggregations that rode along. */
    public record TargetRead(Metrics metrics, Row row, int extraOffset) {}

    /**
     * All target metrics in one aggregation, the only read of the target, with {@code extra}
     * aggregations (Deequ's) computed in the same pass at the end of the row.
     */
    public TargetRead target(Dataset<Row> target, List<Column> extra) {
        List<Column> aggs = new ArrayList<>();
        List<Column> keys = targetKeys();
        Column[] keyAggs = KeySums.aggregates(keys, keysAsText);
        aggs.addAll(List.of(keyAggs));
        checksummed().forEach((from, to) -> {
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
        int ours = aggs.size();
        aggs.addAll(extra);
        Row row = target.agg(aggs.get(0), aggs.subList(1, aggs.size()).toArray(Column[]::new)).first();
        Map<String, Object> values = new HashMap<>();
        for (int i = 0; i < ours; i++) {
            values.put(row.schema().fields()[i].name(), row.get(i));
        }
        return new TargetRead(Metrics.of(values), row, ours);
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

    /**
     * Carried columns whose values are checksummed (old name → new name): all but the primary
     * key's, which the key sums already prove.
     */
    public Map<String, String> checksummed() {
        Map<String, String> out = new java.util.LinkedHashMap<>(plan.carried());
        plan.source().primaryKey().forEach(out::remove);
        return out;
    }

    /** Steps that remove rows on purpose (filter, dedup) by label, with their declared largest removed share (negative = none). */
    public Map<String, Double> removingSteps() {
        Map<String, Double> out = new java.util.LinkedHashMap<>();
        Pipeline pipeline = plan.pipeline();
        for (int i = 0; i < pipeline.steps().size(); i++) {
            if (pipeline.steps().get(i) instanceof RemovesRows f) {
                out.put(Pipeline.label(i, f), f.maxRemovedRatio());
            }
        }
        return out;
    }

    public static String sourceKey(InvariantSpec inv) {
        String combine = inv.combine();
        return (combine.equals("sum") ? "" : combine + ":") + "source:" + inv.name();
    }

    private List<Column> hiddenKeys() {
        return IntStream.range(0, plan.source().primaryKey().size()).mapToObj(i -> col(RowErrors.KEY_PREFIX + i)).toList();
    }

    private static Column total(String column) {
        return coalesce(sum(col(column)), lit(0L));
    }

    private static Column countIf(Column condition) {
        return coalesce(sum(when(condition, 1L).otherwise(0L)), lit(0L));
    }

    private static List<String> visible(Dataset<Row> frame) {
        return java.util.Arrays.stream(frame.columns()).filter(c -> !c.startsWith(RowErrors.PREFIX)).toList();
    }

    public static String quote(String column) {
        return "`" + column.replace("`", "``") + "`";
    }
}
