package dev.drover.measure;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import dev.drover.common.SqlNames;
import dev.drover.model.ConstraintSpec;
import dev.drover.model.MetricKey;
import dev.drover.model.Metrics;
import dev.drover.plan.MigrationPlan;
import dev.drover.spec.InvariantSpec;
import dev.drover.transforms.Pipeline;
import dev.drover.transforms.RemovesRows;
import dev.drover.transforms.RowErrors;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.IntStream;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Observation;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.analysis.UnresolvedFunction;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.plans.logical.Aggregate;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * What a run measures, built once from its plan. The source values ride through the steps in
 * hidden copies, so each row handed to the Delta writer still carries its source row's key and
 * values. Both proofs observe, per batch, with {@code Dataset.observe} in the batch's own write
 * (per-row terms are hidden columns computed in Spark's generated code; the observation only adds
 * them up): {@code rows} (after the steps when every step keeps one row per source row, else
 * before them), {@code reached} (written), {@code failed} (quarantined), {@code dropped} (and
 * {@code dropped_by:<step>}), rows a per-row step retried and recovered, each invariant's source
 * aggregate over the rows that reach the target.
 * <ul>
 * <li>One-pass (the default) compares the target side in the row: {@code target:key_differs} and
 *     {@code target:differs:<c>} count written rows whose key or carried column is not their
 *     source row's; {@code target:nulls:<c>} counts nulls of declared non-null columns;
 *     {@code min:target:<c>} and {@code max:target:<c>} the range of integral, decimal and date
 *     columns (against Delta's file statistics); each
 *     invariant's target aggregates ({@code target:inv:<name>:<i>}) and Deequ's shared
 *     aggregations ({@code target:deequ:…}) are observed on the rows written. When a step may add
 *     or lose rows, the key hash sums of the source ({@code key_*}, before the steps) and of every
 *     row after them ({@code after:key_*}) must agree.</li>
 * <li>Read-back observes the source side as order-independent hash sums ({@code key_*},
 *     {@code col_hash:<c>}, {@code col_nulls:<c>}, {@code dropped_key_*}) and takes the target side
 *     from one aggregation over the table as written ({@link #readTarget}): the same sums over what
 *     the files hold, in any order and layout.</li>
 * </ul>
 */
public final class MetricPlan {
    public static final String SRC_PREFIX = RowErrors.PREFIX + "src_";
    private static final String TGT_PREFIX = RowErrors.PREFIX + "tgt_";
    private static final String TERM_PREFIX = RowErrors.PREFIX + "m_";
    private static final String KEY_XX = TERM_PREFIX + "key_xx";
    private static final String KEY_MM = TERM_PREFIX + "key_mm";

    private final MigrationPlan plan;
    private final boolean keysAsText;
    private final Map<String, String> checksummed;
    private final Map<String, Double> removing;
    private final List<TargetInvariant> invariants;
    private final DeequSuite deequ;
    private final List<String> nullsCounted;

    public MetricPlan(MigrationPlan plan) {
        this.plan = plan;
        this.keysAsText = !plan.keysKeepTypes();
        Map<String, String> carried = new LinkedHashMap<>(plan.carried());
        plan.source().primaryKey().forEach(carried::remove);   // the key sums prove the key's columns
        this.checksummed = java.util.Collections.unmodifiableMap(carried);
        Map<String, Double> removes = new LinkedHashMap<>();
        Pipeline pipeline = plan.pipeline();
        for (int i = 0; i < pipeline.steps().size(); i++) {
            if (pipeline.steps().get(i) instanceof RemovesRows r) {
                removes.put(Pipeline.label(i, r), r.maxRemovedRatio());
            }
        }
        this.removing = java.util.Collections.unmodifiableMap(removes);
        this.invariants = plan.spec().checks().invariants().stream().map(inv -> TargetInvariant.of(inv, plan.targetSchema())).toList();
        List<ConstraintSpec> constraints = new ArrayList<>(plan.target().constraints());
        constraints.addAll(plan.spec().checks().constraints());
        this.nullsCounted = nullsCounted(plan, constraints);
        List<String> numbers = statsRanged(plan).stream()
                .filter(c -> !(plan.targetSchema().apply(c).dataType() instanceof org.apache.spark.sql.types.DateType)).toList();
        this.deequ = new DeequSuite(constraints, plan.targetSchema(), java.util.Set.copyOf(nullsCounted), java.util.Set.copyOf(numbers));
    }

    /**
     * The target's columns whose nulls the writes count: those declared non-null (for the proof) and
     * those a completeness constraint is about (so the constraint needs no term of its own).
     */
    private static List<String> nullsCounted(MigrationPlan plan, List<ConstraintSpec> constraints) {
        java.util.Set<String> out = new java.util.LinkedHashSet<>();
        plan.target().schema().stream().filter(c -> !c.nullable()).forEach(c -> out.add(c.name()));
        List<String> columns = List.of(plan.targetSchema().fieldNames());
        constraints.stream().filter(c -> c.kind() == ConstraintSpec.Kind.COMPLETE || c.kind() == ConstraintSpec.Kind.COMPLETENESS)
                .map(ConstraintSpec::column).filter(columns::contains).forEach(out::add);
        return List.copyOf(out);
    }

    /** What the rows written hold, from the writes' observed metrics (one-pass, a sync's rows). */
    public ColumnStatistics written(Metrics observed) {
        return statistics(observed, observed.count(MetricKey.TARGET_ROWS));
    }

    /** What the target holds, from its read-back aggregation ({@link #readTarget}). */
    public ColumnStatistics read(Metrics target) {
        return statistics(target, target.count(MetricKey.TARGET_READ_ROWS));
    }

    private ColumnStatistics statistics(Metrics m, long rows) {
        Map<String, Long> nulls = new HashMap<>();
        for (String c : nullsCounted) {
            if (m.has(MetricKey.targetNulls(c))) {
                nulls.put(c, m.count(MetricKey.targetNulls(c)));
            }
        }
        Map<String, BigDecimal> least = new HashMap<>();
        Map<String, BigDecimal> greatest = new HashMap<>();
        for (String c : statsRanged(plan)) {
            java.util.Optional.ofNullable(m.value(MetricKey.rangeMin(c))).ifPresent(v -> least.put(c, v));
            java.util.Optional.ofNullable(m.value(MetricKey.rangeMax(c))).ifPresent(v -> greatest.put(c, v));
        }
        return new ColumnStatistics(rows, nulls, least, greatest);
    }

    public MigrationPlan plan() {
        return plan;
    }

    /** Carried columns whose values are checksummed (old name → new name): all but the primary key's. */
    public Map<String, String> checksummed() {
        return checksummed;
    }

    /** Steps that remove rows on purpose (filter, dedup) by label, with their declared largest removed share (negative = none). */
    public Map<String, Double> removingSteps() {
        return removing;
    }

    public DeequSuite deequ() {
        return deequ;
    }

    /** The invariants whose target aggregate cannot be combined from batches: they read the target. */
    public List<InvariantSpec> invariantsReadingTarget() {
        return invariants.stream().filter(t -> !t.combinable()).map(TargetInvariant::spec).toList();
    }

    /**
     * Why this run's proof needs to read the target, if anything does: a grouping constraint, an
     * invariant whose aggregate does not combine across batches. Empty: nothing beyond the batch writes.
     */
    public List<String> targetReads() {
        List<String> out = new ArrayList<>();
        deequ.ownPassAnalyzers().forEach(a -> out.add("constraint " + a + " groups rows"));
        invariantsReadingTarget().forEach(i -> out.add("invariant " + i.name() + " (" + i.target() + ") does not combine across batches"));
        return out;
    }

    /** The batch frame to write, with the observations that fill in its metrics. */
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
     * The frame to write for {@code slice} (the source slice with hidden columns), observing the
     * source side and, with {@code targetSide}, the target side of its metrics as it is written.
     * Each observation point costs a break in Spark's generated code, so there is one, after the
     * steps, when every step keeps one row per source row (all built-in steps): counts and key
     * sums are taken there, and aggregates over the rows that reach the target have their
     * arguments nulled elsewhere. A SQL or Java step may add or lose rows: the source is then
     * counted before the steps too.
     */
    public Observed observe(Dataset<Row> slice, String name, boolean onePass) {
        Prepared prepared = prepare(slice, name);
        return finish(prepared, plan.pipeline().apply(prepared.frame()), name, onePass);
    }

    /**
     * The slice before the steps: its key hash terms as hidden columns and, when a step may add or
     * lose rows, the observation that counts the source there.
     */
    public record Prepared(Dataset<Row> frame, List<Observation> observations) {}

    public Prepared prepare(Dataset<Row> slice, String name) {
        Column[] keyTerms = KeySums.terms(hiddenKeys(), keysAsText);
        Dataset<Row> source = slice.withColumn(KEY_XX, keyTerms[0]).withColumn(KEY_MM, keyTerms[1]);
        if (plan.pipeline().keepsRows()) {
            return new Prepared(source, List.of());
        }
        Observation pre = new Observation("drover-source-" + name);
        return new Prepared(source.observe(pre, count(lit(1)).as(MetricKey.SOURCE_ROWS.name()), total(KEY_XX).as(MetricKey.KEY_XXHASH.name()),
                total(KEY_MM).as(MetricKey.KEY_MURMUR.name())), List.of(pre));
    }

    /**
     * The frame to write from {@code transformed} (a prepared slice after the steps, as computed
     * now or as staged), observing everything after the steps; its observations include those of
     * {@code prepared}.
     */
    public Observed finish(Prepared prepared, Dataset<Row> transformed, String name, boolean onePass) {
        Observed all = observeTerms(prepared, transformed, name, onePass);
        Dataset<Row> frame = all.frame().where(RowErrors.reached())
                .select(visible(transformed).stream().map(v -> col(SqlNames.quote(TGT_PREFIX + v)).as(v)).toArray(Column[]::new));
        return new Observed(frame, all.observations());
    }

    /**
     * As {@link #finish}, but every row and every column of {@code transformed} is kept as it was
     * (rows that failed or were removed too, the hidden columns too): what a sync stages, measured in
     * the same write.
     */
    public Observed observeAll(Prepared prepared, Dataset<Row> transformed, String name) {
        Observed all = observeTerms(prepared, transformed, name, true);
        List<String> visible = visible(transformed);
        List<String> key = plan.source().primaryKey();
        List<Column> back = new ArrayList<>();
        for (String c : transformed.columns()) {
            if (visible.contains(c)) {
                back.add(col(SqlNames.quote(TGT_PREFIX + c)).as(c));
            } else if (c.startsWith(RowErrors.KEY_PREFIX)) {
                back.add(col(SqlNames.quote(key.get(Integer.parseInt(c.substring(RowErrors.KEY_PREFIX.length()))))).as(c));
            } else if (c.startsWith(SRC_PREFIX)) {
                back.add(col(SqlNames.quote(c.substring(SRC_PREFIX.length()))).as(c));
            } else {
                back.add(col(SqlNames.quote(c)));
            }
        }
        return new Observed(all.frame().select(back.toArray(Column[]::new)), all.observations());
    }

    /** Every row after the steps with its per-row terms, observed as the batch writes observe them (not filtered). */
    private Observed observeTerms(Prepared prepared, Dataset<Row> transformed, String name, boolean onePass) {
        List<Observation> observations = new ArrayList<>(prepared.observations());
        boolean onePoint = plan.pipeline().keepsRows();

        // Source values back under their source names; the target's columns under hidden names.
        List<String> visible = visible(transformed);
        Map<String, String> hiddenTarget = new HashMap<>();
        List<Column> named = new ArrayList<>();
        for (String c : plan.sourceSchema().fieldNames()) {
            named.add(col(SqlNames.quote(SRC_PREFIX + c)).as(c));
        }
        for (String v : visible) {
            named.add(col(SqlNames.quote(v)).as(TGT_PREFIX + v));
            hiddenTarget.put(v, TGT_PREFIX + v);
        }
        java.util.Arrays.stream(transformed.columns()).filter(c -> c.startsWith(RowErrors.PREFIX) && !c.startsWith(SRC_PREFIX)
                && !c.startsWith(RowErrors.KEY_PREFIX)).forEach(c -> named.add(col(c)));
        Dataset<Row> renamed = transformed.select(named.toArray(Column[]::new));
        Column reached = RowErrors.reached();
        Terms terms = new Terms(renamed);
        List<Column> aggs = new ArrayList<>();
        aggs.add(terms.count(RowErrors.failed(), MetricKey.FAILED));
        aggs.add(terms.count(reached, MetricKey.TARGET_ROWS));
        if (onePoint) {
            aggs.add(count(lit(1)).as(MetricKey.SOURCE_ROWS.name()));
        }
        if (!onePoint || !onePass) {
            // the key hash sums: of the source (before the steps, or here), of every row after the steps
            aggs.add(total(KEY_XX).as((onePoint ? MetricKey.KEY_XXHASH : MetricKey.AFTER_KEY_XXHASH).name()));
            aggs.add(total(KEY_MM).as((onePoint ? MetricKey.KEY_MURMUR : MetricKey.AFTER_KEY_MURMUR).name()));
        }
        // counts every reader reads are always written: zero where no step can make them
        if (java.util.Arrays.asList(renamed.columns()).contains(RowErrors.ATTEMPTS)) {
            aggs.add(terms.count(col(RowErrors.ATTEMPTS).gt(1), MetricKey.RETRIED));
            aggs.add(terms.count(col(RowErrors.ATTEMPTS).gt(1).and(reached), MetricKey.RECOVERED));
        } else {
            aggs.add(zero(MetricKey.RETRIED));
            aggs.add(zero(MetricKey.RECOVERED));
        }
        if (!removing.isEmpty()) {
            aggs.add(terms.count(RowErrors.dropped(), MetricKey.DROPPED));
            if (!onePass) {
                aggs.add(terms.sum(when(RowErrors.dropped(), col(KEY_XX)), MetricKey.DROPPED_KEY_XXHASH));
                aggs.add(terms.sum(when(RowErrors.dropped(), col(KEY_MM)), MetricKey.DROPPED_KEY_MURMUR));
            }
            for (String label : removing.keySet()) {
                aggs.add(terms.count(col(RowErrors.DROPPED).equalTo(label), MetricKey.droppedBy(label)));
            }
        } else {
            aggs.add(zero(MetricKey.DROPPED));
            if (!onePass) {
                aggs.add(zero(MetricKey.DROPPED_KEY_XXHASH));
                aggs.add(zero(MetricKey.DROPPED_KEY_MURMUR));
            }
        }
        for (InvariantSpec inv : plan.spec().checks().invariants()) {
            inv.source().ifPresent(text -> aggs.add(onlyWhere(text, reached).as(sourceKey(inv).name())));
        }
        if (onePass) {
            aggs.addAll(targetSide(terms, hiddenTarget, reached));
        } else {
            List<Column> sourceKeys = plan.source().primaryKey().stream().map(k -> col(SqlNames.quote(k))).toList();
            for (var carried : checksummed.entrySet()) {
                Column value = col(SqlNames.quote(carried.getKey()));
                aggs.add(terms.sum(when(reached, KeySums.valueTerm(sourceKeys, keysAsText, value)), MetricKey.columnHash(carried.getValue())));
                aggs.add(terms.count(reached.and(value.isNull()), MetricKey.columnNulls(carried.getValue())));
            }
        }
        Observation post = new Observation("drover-steps-" + name);
        observations.add(post);
        return new Observed(terms.frame().observe(post, aggs.get(0), aggs.subList(1, aggs.size()).toArray(Column[]::new)),
                List.copyOf(observations));
    }

    /**
     * A column as something {@code <=>} can compare: maps (anywhere in the type) have no ordering
     * in Spark, so a value holding one is compared as its JSON text, which is the same for the
     * same carried value.
     */
    static Column comparable(Column column, org.apache.spark.sql.types.DataType type) {
        return type.existsRecursively(new scala.runtime.AbstractFunction1<org.apache.spark.sql.types.DataType, Object>() {
            @Override
            public Object apply(org.apache.spark.sql.types.DataType t) {
                return t instanceof org.apache.spark.sql.types.MapType;
            }
        }) ? org.apache.spark.sql.functions.to_json(column) : column;
    }

    /**
     * The target side, one-pass: on each row that reaches the target, its key and every carried
     * column as written, compared with the source row's own values riding in the same row (a
     * count of rows that differ: no hashing, no collision); the null count of each column declared
     * non-null; each invariant's target aggregates; Deequ's shared aggregations.
     */
    private List<Column> targetSide(Terms terms, Map<String, String> hidden, Column reached) {
        List<Column> aggs = new ArrayList<>();
        List<Column> written = targetKeys(name -> col(SqlNames.quote(hidden.get(name))));
        Column keyDiffers = lit(false);
        for (int i = 0; i < written.size(); i++) {
            keyDiffers = keyDiffers.or(not(written.get(i).eqNullSafe(col(SqlNames.quote(plan.source().primaryKey().get(i))))));
        }
        aggs.add(terms.count(reached.and(keyDiffers), MetricKey.TARGET_KEY_DIFFERS));
        for (var carried : checksummed.entrySet()) {
            org.apache.spark.sql.types.DataType type = plan.targetSchema().apply(carried.getValue()).dataType();
            Column differs = not(comparable(col(SqlNames.quote(hidden.get(carried.getValue()))), type)
                    .eqNullSafe(comparable(col(SqlNames.quote(carried.getKey())), type)));
            aggs.add(terms.count(reached.and(differs), MetricKey.targetDiffers(carried.getValue())));
        }
        for (String c : nullsCounted) {
            aggs.add(terms.count(reached.and(col(SqlNames.quote(hidden.get(c))).isNull()), MetricKey.targetNulls(c)));
        }
        for (String c : statsRanged(plan)) {
            Column value = rangeValue(c, col(SqlNames.quote(hidden.get(c))));
            aggs.add(min(when(reached, value)).as(MetricKey.rangeMin(c).name()));
            aggs.add(max(when(reached, value)).as(MetricKey.rangeMax(c).name()));
        }
        for (TargetInvariant inv : invariants) {
            for (int i = 0; i < inv.parts().size(); i++) {
                Column part = Expressions.onlyWhere(Expressions.rename(new Column(inv.parts().get(i)), hidden), reached);
                aggs.add(part.as(inv.partName(i).name()));
            }
        }
        for (Column aggregation : deequ.aggregations()) {
            aggs.add(Expressions.onlyWhere(Expressions.rename(aggregation, hidden), reached));
        }
        return aggs;
    }

    /** Columns Delta collects statistics for by default: the first 32 of the data columns. */
    public static final int DELTA_STATS_COLUMNS = 32;

    /**
     * The target's columns whose least and greatest values written are observed (one-pass) to set
     * against the {@code minValues}/{@code maxValues} Delta records per file: integral, decimal and
     * date columns among those Delta collects statistics for (strings are truncated there, and
     * floating point and timestamps rounded, so they could not be compared exactly).
     */
    public static List<String> statsRanged(MigrationPlan plan) {
        List<String> out = new ArrayList<>();
        int position = 0;
        for (StructField field : plan.targetSchema().fields()) {
            if (plan.target().partitionedBy().contains(field.name())) {
                continue;
            }
            if (position++ >= DELTA_STATS_COLUMNS) {
                break;
            }
            DataType type = field.dataType();
            if (type instanceof org.apache.spark.sql.types.IntegralType || type instanceof org.apache.spark.sql.types.DecimalType
                    || type instanceof org.apache.spark.sql.types.DateType) {
                out.add(field.name());
            }
        }
        return out;
    }

    /** A ranged column's value as its range is kept: dates as days since 1970-01-01. */
    private Column rangeValue(String column, Column value) {
        return plan.targetSchema().apply(column).dataType() instanceof org.apache.spark.sql.types.DateType
                ? org.apache.spark.sql.functions.unix_date(value) : value;
    }

    /**
     * The target side of the metrics from the table as it is written (read-back): one aggregation,
     * the same names as the batch writes observe, plus {@code target:inv:<name>} for every
     * invariant's whole target aggregate.
     */
    public Metrics readTarget(Dataset<Row> target) {
        List<Column> aggs = new ArrayList<>();
        List<Column> keys = targetKeys(name -> col(SqlNames.quote(name)));
        Column[] keyTerms = KeySums.terms(keys, keysAsText);
        aggs.add(coalesce(sum(keyTerms[0]), lit(0L)).as(MetricKey.TARGET_KEY_XXHASH.name()));
        aggs.add(coalesce(sum(keyTerms[1]), lit(0L)).as(MetricKey.TARGET_KEY_MURMUR.name()));
        aggs.add(count(lit(1)).as(MetricKey.TARGET_READ_ROWS.name()));
        for (String to : checksummed.values()) {
            aggs.add(coalesce(sum(KeySums.valueTerm(keys, keysAsText, col(SqlNames.quote(to)))), lit(0L)).as(MetricKey.targetColumnHash(to).name()));
        }
        for (StructField f : plan.targetSchema().fields()) {
            Column value = col(SqlNames.quote(f.name()));
            aggs.add(coalesce(sum(when(value.isNull(), 1L).otherwise(0L)), lit(0L)).as(MetricKey.targetNulls(f.name()).name()));
        }
        for (String c : statsRanged(plan)) {
            Column value = rangeValue(c, col(SqlNames.quote(c)));
            aggs.add(min(value).as(MetricKey.rangeMin(c).name()));
            aggs.add(max(value).as(MetricKey.rangeMax(c).name()));
        }
        for (InvariantSpec inv : plan.spec().checks().invariants()) {
            aggs.add(expr(inv.target()).as(MetricKey.invariantTarget(inv.name()).name()));
        }
        aggs.addAll(deequ.aggregations());
        Row row = target.agg(aggs.get(0), aggs.subList(1, aggs.size()).toArray(Column[]::new)).first();
        Map<String, Object> values = new HashMap<>();
        for (int i = 0; i < row.size(); i++) {
            values.put(row.schema().fields()[i].name(), row.get(i));
        }
        return Metrics.of(values);
    }

    /** The whole target aggregate of the invariants that read the target, in one aggregation. */
    public Metrics readInvariants(Dataset<Row> target) {
        return wholeInvariants(target, invariantsReadingTarget());
    }

    /**
     * An invariant's target value from the run's combined metrics: its whole aggregate when the
     * target was read, else its parts (combined across batches) put into its expression.
     */
    public BigDecimal targetValue(InvariantSpec inv, Metrics target) {
        BigDecimal whole = target.value(MetricKey.invariantTarget(inv.name()));
        if (whole != null) {
            return whole;
        }
        TargetInvariant t = invariants.stream().filter(i -> i.spec().equals(inv)).findFirst().orElseThrow();
        return t.combinable() ? t.evaluate(target) : null;
    }

    /**
     * Whether an invariant's two sides can be kept up to date through inserts and deletes: its
     * source aggregate and every part of its target aggregate add up (sum, count, count_if), so a
     * transition window's sync adds the rows it wrote and takes away those it replaced. A min or a
     * max cannot be taken back, and an aggregate that does not combine at all reads the tables.
     */
    public boolean decremental(InvariantSpec inv) {
        TargetInvariant t = invariants.stream().filter(i -> i.spec().equals(inv)).findFirst().orElseThrow();
        return t.combinable() && inv.combine().equals("sum")
                && java.util.stream.IntStream.range(0, t.parts().size()).noneMatch(i -> t.partName(i).extreme());
    }

    /**
     * The target aggregates the decremental invariants combine from, over the rows of a frame with
     * the target's columns where {@code where} holds, each named {@code prefix} + its name in the
     * batch metrics ({@code target:inv:<name>:<i>}).
     */
    public List<Column> invariantParts(Column where, String prefix) {
        List<Column> out = new ArrayList<>();
        for (TargetInvariant t : invariants) {
            if (decremental(t.spec())) {
                for (int i = 0; i < t.parts().size(); i++) {
                    out.add(Expressions.onlyWhere(new Column(t.parts().get(i)), where).as(prefix + t.partName(i).name()));
                }
            }
        }
        return out;
    }

    /** The names {@link #invariantParts} gives, without a prefix. */
    public List<String> invariantPartNames() {
        List<String> out = new ArrayList<>();
        for (TargetInvariant t : invariants) {
            if (decremental(t.spec())) {
                for (int i = 0; i < t.parts().size(); i++) {
                    out.add(t.partName(i).name());
                }
            }
        }
        return out;
    }

    /**
     * The source aggregates of the decremental invariants over a frame with the source's columns,
     * where {@code where} holds, each named {@code prefix} + {@link #sourceKey}.
     */
    public List<Column> invariantSources(Column where, String prefix) {
        List<Column> out = new ArrayList<>();
        for (InvariantSpec inv : plan.spec().checks().invariants()) {
            if (inv.source().isPresent() && decremental(inv)) {
                out.add(onlyWhere(inv.source().get(), where).as(prefix + sourceKey(inv).name()));
            }
        }
        return out;
    }

    /** The whole target aggregate of every invariant, named as {@link #targetValue} reads it, in one aggregation. */
    public Metrics readInvariantsWhole(Dataset<Row> target) {
        return wholeInvariants(target, plan.spec().checks().invariants());
    }

    /** Each invariant's whole target aggregate over {@code target}, in one aggregation. */
    private static Metrics wholeInvariants(Dataset<Row> target, List<InvariantSpec> invariants) {
        List<Column> aggs = invariants.stream().map(inv -> expr(inv.target()).as(MetricKey.invariantTarget(inv.name()).name())).toList();
        if (aggs.isEmpty()) {
            return Metrics.EMPTY;
        }
        Row row = target.agg(aggs.get(0), aggs.subList(1, aggs.size()).toArray(Column[]::new)).first();
        Map<String, Object> values = new HashMap<>();
        for (int i = 0; i < row.size(); i++) {
            values.put(row.schema().fields()[i].name(), row.get(i));
        }
        return Metrics.of(values);
    }

    /** The same metrics without writing: one pass over the slice (for recovery and validate). */
    public Metrics aggregate(Dataset<Row> slice, String name, boolean onePass) {
        return aggregate(observe(slice, name, onePass));
    }

    /** The metrics of an observed frame, computed by running it without writing anything. */
    public static Metrics aggregate(Observed observed) {
        observed.frame().write().format("noop").mode("overwrite").save();
        return observed.metrics();
    }

    /** The source frame with its primary key and every column copied into hidden columns. */
    public static Dataset<Row> withHidden(Dataset<Row> source, List<String> primaryKey) {
        Dataset<Row> out = source;
        for (int i = 0; i < primaryKey.size(); i++) {
            out = out.withColumn(RowErrors.KEY_PREFIX + i, col(SqlNames.quote(primaryKey.get(i))));
        }
        for (String c : source.columns()) {
            if (!c.startsWith(RowErrors.PREFIX)) {
                out = out.withColumn(SRC_PREFIX + c, col(SqlNames.quote(c)));
            }
        }
        return out;
    }

    /**
     * {@code aggregate} (SQL text, one sum, count, count_if, min or max at its top) over the rows
     * where {@code condition} holds, for an observation (which takes no FILTER clause): its
     * arguments are nulled elsewhere. Null when the text is not one such call.
     */
    public static Column onlyWhere(String aggregate, Column condition) {
        Expression parsed;
        try {
            parsed = Expressions.parse(aggregate);
        } catch (IllegalArgumentException e) {
            return null;
        }
        if (!(parsed instanceof UnresolvedFunction f) || f.nameParts().size() != 1
                || !Expressions.COMBINABLE.contains(f.nameParts().head().toLowerCase(Locale.ROOT))) {
            return null;
        }
        return Expressions.onlyWhere(new Column(parsed), condition);
    }

    public static MetricKey sourceKey(InvariantSpec inv) {
        return MetricKey.invariantSource(inv.name(), inv.combine());
    }

    /** The target's key columns, typed like the source's (a key may be renamed or retyped). */
    private List<Column> targetKeys(java.util.function.Function<String, Column> column) {
        List<String> sourceKey = plan.source().primaryKey();
        List<String> targetKey = plan.target().primaryKey();
        return IntStream.range(0, sourceKey.size()).mapToObj(i -> {
            DataType type = plan.sourceSchema().apply(sourceKey.get(i)).dataType();
            return column.apply(targetKey.get(i)).cast(type);
        }).toList();
    }

    private List<Column> hiddenKeys() {
        return IntStream.range(0, plan.source().primaryKey().size()).mapToObj(i -> col(RowErrors.KEY_PREFIX + i)).toList();
    }

    /** A count no step of this plan can make: written as zero, so every reader finds it. */
    private static Column zero(MetricKey key) {
        return lit(0L).as(key.name());
    }

    private static Column total(String column) {
        return coalesce(sum(col(column)), lit(0L));
    }

    private static List<String> visible(Dataset<Row> frame) {
        return java.util.Arrays.stream(frame.columns()).filter(c -> !c.startsWith(RowErrors.PREFIX)).toList();
    }

    /**
     * Per-row terms as hidden columns of the frame (computed in Spark's generated code), whose
     * sums and extremes the observation takes: each observed aggregate then only adds up a column.
     */
    private static final class Terms {
        private Dataset<Row> frame;
        private int n;

        Terms(Dataset<Row> frame) {
            this.frame = frame;
        }

        Column term(Column value) {
            String name = TERM_PREFIX + "t" + n++;
            frame = frame.withColumn(name, value);
            return col(name);
        }

        /** The sum of a long term (0 where it is null), named. */
        Column sum(Column value, MetricKey name) {
            return coalesce(org.apache.spark.sql.functions.sum(term(coalesce(value, lit(0L)))), lit(0L)).as(name.name());
        }

        /** The rows where {@code condition} holds, named. */
        Column count(Column condition, MetricKey name) {
            return coalesce(org.apache.spark.sql.functions.sum(term(when(condition, lit(1L)).otherwise(lit(0L)))), lit(0L)).as(name.name());
        }

        Dataset<Row> frame() {
            return frame;
        }
    }

    /**
     * An invariant's target aggregate, cut into the plain aggregates it combines
     * ({@code sum(amount_cents) / 100} → {@code sum(amount_cents)}): each is observed per batch and
     * combined across batches, and the expression is evaluated over the combined values. An
     * aggregate that does not combine (avg, a DISTINCT count, a percentile) or a part that is not a
     * number makes the invariant read the target instead.
     */
    record TargetInvariant(InvariantSpec spec, Expression template, List<Expression> parts, StructType partTypes, boolean combinable) {
        static TargetInvariant of(InvariantSpec inv, StructType targetSchema) {
            Expressions.Parts cut = Expressions.parts(Expressions.parse(inv.target()));
            SparkSession spark = SparkSession.active();
            if (cut.parts().isEmpty()) {
                return new TargetInvariant(inv, cut.template(), List.of(), new StructType(), false);
            }
            Dataset<Row> empty = spark.createDataFrame(List.of(), targetSchema);
            List<Column> parts = new ArrayList<>();
            for (int i = 0; i < cut.parts().size(); i++) {
                parts.add(new Column(cut.parts().get(i)).as(Expressions.part(i)));
            }
            StructType types = empty.agg(parts.get(0), parts.subList(1, parts.size()).toArray(Column[]::new)).schema();
            boolean numbers = java.util.Arrays.stream(types.fields()).allMatch(f -> f.dataType() instanceof NumericType);
            boolean plain = numbers && !(spark.createDataFrame(List.of(), types).select(new Column(cut.template()))
                    .queryExecution().analyzed() instanceof Aggregate);
            return new TargetInvariant(inv, cut.template(), cut.parts(), types, plain);
        }

        MetricKey partName(int i) {
            return MetricKey.invariantPart(spec.name(), i, ((UnresolvedFunction) parts.get(i)).nameParts().last().toLowerCase(Locale.ROOT));
        }

        /** The expression over the parts' combined values; null when a part saw no row (an aggregate of nothing). */
        BigDecimal evaluate(Metrics combined) {
            Object[] values = new Object[parts.size()];
            for (int i = 0; i < parts.size(); i++) {
                BigDecimal v = combined.value(partName(i));
                values[i] = Values.typed(v, partTypes.fields()[i].dataType());
            }
            SparkSession spark = SparkSession.active();
            Object result = spark.createDataFrame(List.of(RowFactory.create(values)), partTypes)
                    .select(new Column(template)).first().get(0);
            return result == null ? null : new BigDecimal(result.toString());
        }

    }
}
