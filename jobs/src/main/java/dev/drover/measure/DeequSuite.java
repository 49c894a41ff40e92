package dev.drover.measure;

import com.amazon.deequ.analyzers.Analyzer;
import com.amazon.deequ.analyzers.Completeness;
import com.amazon.deequ.analyzers.Compliance;
import com.amazon.deequ.analyzers.MaxState;
import com.amazon.deequ.analyzers.Maximum;
import com.amazon.deequ.analyzers.MinState;
import com.amazon.deequ.analyzers.Minimum;
import com.amazon.deequ.analyzers.NumMatches;
import com.amazon.deequ.analyzers.NumMatchesAndCount;
import com.amazon.deequ.analyzers.ScanShareableAnalyzer;
import com.amazon.deequ.analyzers.Size;
import com.amazon.deequ.analyzers.State;
import com.amazon.deequ.analyzers.runners.AnalysisRunner;
import com.amazon.deequ.analyzers.runners.AnalyzerContext;
import com.amazon.deequ.anomalydetection.RelativeRateOfChangeStrategy;
import com.amazon.deequ.checks.Check;
import com.amazon.deequ.checks.CheckLevel;
import com.amazon.deequ.checks.CheckResult;
import com.amazon.deequ.checks.CheckStatus;
import com.amazon.deequ.constraints.Constraint;
import com.amazon.deequ.constraints.ConstraintResult;
import com.amazon.deequ.constraints.ConstraintStatus;
import com.amazon.deequ.metrics.Metric;
import com.amazon.deequ.repository.ResultKey;
import com.amazon.deequ.repository.fs.FileSystemMetricsRepository;
import dev.drover.model.ConstraintSpec;
import dev.drover.model.MetricKey;
import dev.drover.model.Metrics;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import scala.Function1;
import scala.Option;
import scala.collection.JavaConverters;
import scala.util.matching.Regex;

/**
 * Declared constraints as Deequ checks. The metrics the checks need are computed where the data
 * passes anyway, cheapest first:
 * <ul>
 * <li>Answered by statistics: the row count, a column's completeness, its least and greatest
 *     value, and a range that contains them all are Deequ states built from the counts and ranges
 *     the writes observe for their own proof ({@link ColumnStatistics}); no term of their own. A
 *     range the statistics do not prove (a value outside it) takes a pass of Deequ's own over the
 *     target, so the share reported is exact.</li>
 * <li>Shared: every other scan-shareable analyzer's aggregations ride in the batch writes
 *     (observed per batch, kept in the batch's metrics as {@code target:deequ:<analyzer>:<value>})
 *     and the batches' Deequ states are merged as Deequ merges partial states.</li>
 * <li>Own pass: an analyzer that groups rows (uniqueness) reads the target.</li>
 * </ul>
 * Each run's row count is kept in Deequ's file-system metrics repository so the next run of the
 * dataset can flag an anomaly. All of Deequ's Scala surface (Options, Seqs, Function1s) stays in
 * this class.
 */
@SuppressWarnings({"rawtypes", "unchecked"})
public final class DeequSuite {
    /** One constraint's outcome: status, the observed value, and the constraint as text. */
    public record Outcome(String name, boolean passed, String constraint, String observed, String message) {}

    private static final Analyzer ROW_COUNT = new Size(Option.empty());

    private final Map<Check, ConstraintSpec> declared = new LinkedHashMap<>();
    /** Every analyzer the checks need and the row count, in a fixed order: batch values are keyed by position. */
    private final List<Analyzer> analyzers;
    /** Those whose aggregations can ride in another pass over the target's columns. */
    private final Set<Analyzer> shared = new LinkedHashSet<>();
    /** Those the statistics answer, each with how (the shared ones exclude them). */
    private final Map<Analyzer, Answer> answered = new LinkedHashMap<>();
    private final List<Column> aggregations = new ArrayList<>();
    private final StructType aggregationTypes;

    /** Constraints with no statistics to answer them: every analyzer shared or read (syncs, tests). */
    public DeequSuite(List<ConstraintSpec> constraints, StructType targetSchema) {
        this(constraints, targetSchema, Set.of(), Set.of());
    }

    /**
     * Constraints over a target whose writes observe the nulls of {@code nullsCounted} and the
     * least and greatest value of {@code ranged} (numbers only): analyzers over those are answered.
     */
    public DeequSuite(List<ConstraintSpec> constraints, StructType targetSchema, Set<String> nullsCounted, Set<String> ranged) {
        for (ConstraintSpec c : constraints) {
            declared.put(check(c), c);
        }
        Set<Analyzer> needed = new LinkedHashSet<>();
        declared.forEach((check, spec) -> {
            List<Analyzer> required = List.copyOf(JavaConverters.setAsJavaSet(check.requiredAnalyzers()));
            needed.addAll(required);
            if (spec.kind() == ConstraintSpec.Kind.RANGE && spec.min() != null && spec.max() != null && ranged.contains(spec.column())
                    && required.size() == 1 && required.get(0) instanceof Compliance) {
                answered.put(required.get(0), Answer.within(spec.column(), spec.min(), spec.max()));
            }
        });
        needed.add(ROW_COUNT);   // every run's row count is kept, for the next run's anomaly check
        this.analyzers = List.copyOf(needed);
        for (Analyzer analyzer : analyzers) {
            answerable(analyzer, nullsCounted, ranged).ifPresent(a -> answered.putIfAbsent(analyzer, a));
        }
        for (int a = 0; a < analyzers.size(); a++) {
            Analyzer analyzer = analyzers.get(a);
            if (answered.containsKey(analyzer)) {
                continue;
            }
            if (analyzer instanceof ScanShareableAnalyzer scan && acceptedBy(analyzer, targetSchema)) {
                shared.add(analyzer);
                List<Column> functions = JavaConverters.seqAsJavaList(scan.aggregationFunctions());
                for (int j = 0; j < functions.size(); j++) {
                    aggregations.add(functions.get(j).as(MetricKey.deequ(a, j).name()));
                }
            }
        }
        this.aggregationTypes = aggregations.isEmpty() ? new StructType()
                : SparkSession.active().createDataFrame(List.of(), targetSchema)
                        .agg(aggregations.get(0), aggregations.subList(1, aggregations.size()).toArray(Column[]::new)).schema();
    }

    /**
     * The aggregations, over the target's columns, that compute the shared analyzers' states:
     * each named {@code target:deequ:<analyzer>:<value>}.
     */
    public List<Column> aggregations() {
        return List.copyOf(aggregations);
    }

    /** Whether some analyzer needs a pass of its own over the target (it groups rows, or its column is one Deequ refuses to share). */
    public boolean needsOwnPass() {
        return shared.size() + answered.size() < analyzers.size();
    }

    /** What each grouping analyzer needs, for the README and the plan: "uniqueness of user_id". */
    public List<String> ownPassAnalyzers() {
        return analyzers.stream().filter(a -> !shared.contains(a) && !answered.containsKey(a)).map(Object::toString).toList();
    }

    /** The analyzers the statistics answer (no term in the writes), as Deequ names them. */
    public List<String> answeredAnalyzers() {
        return answered.keySet().stream().map(Object::toString).toList();
    }

    /**
     * The metrics of the shared analyzers from the batches' observed values: each batch's
     * aggregation row gives Deequ a partial state, states merge as Deequ merges them, and the
     * merged state gives the metric. The answered analyzers' states come from {@code statistics}.
     * The metrics of analyzers needing a pass of their own (and of a range the statistics do not
     * prove) come from {@code target}, read only then.
     */
    public Map<Analyzer, Metric> metrics(List<Metrics> batches, ColumnStatistics statistics,
                                         java.util.function.Supplier<Dataset<Row>> target) {
        Map<Analyzer, Metric> out = new LinkedHashMap<>();
        List<Analyzer> own = new ArrayList<>();
        for (Analyzer analyzer : analyzers) {
            Answer answer = answered.get(analyzer);
            if (answer == null) {
                if (!shared.contains(analyzer)) {
                    own.add(analyzer);
                }
                continue;
            }
            java.util.Optional<Option<State>> state = answer.state(statistics);
            if (state.isPresent()) {
                out.put(analyzer, (Metric) analyzer.computeMetricFrom(state.get()));
            } else {
                own.add(analyzer);
            }
        }
        for (int a = 0; a < analyzers.size(); a++) {
            Analyzer analyzer = analyzers.get(a);
            if (!shared.contains(analyzer)) {
                continue;
            }
            ScanShareableAnalyzer scan = (ScanShareableAnalyzer) analyzer;
            int n = scan.aggregationFunctions().size();
            State merged = null;
            for (Metrics batch : batches) {
                Object[] values = new Object[n];
                for (int j = 0; j < n; j++) {
                    MetricKey key = MetricKey.deequ(a, j);
                    values[j] = Values.typed(batch.value(key), aggregationTypes.apply(key.name()).dataType());
                }
                Option<State> state = scan.fromAggregationResult(RowFactory.create(values), 0);
                if (state.isDefined()) {
                    merged = merged == null ? state.get() : (State) merged.sumUntyped(state.get());
                }
            }
            out.put(analyzer, (Metric) analyzer.computeMetricFrom(Option.apply(merged)));
        }
        if (!own.isEmpty()) {
            AnalyzerContext context = AnalysisRunner.onData(target.get())
                    .addAnalyzers((scala.collection.Seq) JavaConverters.asScalaBuffer(own).toSeq()).run();
            out.putAll(JavaConverters.mapAsJavaMap(context.metricMap()));
        }
        return out;
    }

    /**
     * The same metrics with the row count (Deequ's {@code Size}) replaced by {@code rows}: a
     * transition window's sync measures its constraints on the rows it wrote, but a size
     * constraint is about the whole table after the sync.
     */
    public Map<Analyzer, Metric> withRowCount(Map<Analyzer, Metric> metrics, long rows) {
        Map<Analyzer, Metric> out = new LinkedHashMap<>(metrics);
        out.put(ROW_COUNT, new com.amazon.deequ.metrics.DoubleMetric(com.amazon.deequ.metrics.Entity.Dataset(), "Size", "*",
                new scala.util.Success<>((double) rows), Option.empty()));
        return out;
    }

    /**
     * The checks evaluated against {@code metrics}. With a {@code repositoryPath}, the row count
     * is compared with the dataset's previous passing run's (when there is one and
     * {@code maxRowCountChange} is at least 0): moving by more than that share fails an anomaly
     * check. {@link Evaluation#keep()} stores this run's metrics as the next run's baseline.
     */
    public Evaluation evaluate(Map<Analyzer, Metric> metrics, String repositoryPath, String dataset, String runId,
                               double maxRowCountChange) {
        Map<Check, ConstraintSpec> checks = new LinkedHashMap<>(declared);
        FileSystemMetricsRepository repository = new FileSystemMetricsRepository(SparkSession.active(), repositoryPath);
        boolean hasHistory = !repository.load().withTagValues(scalaMap(Map.of("dataset", dataset))).get().isEmpty();
        ResultKey key = new ResultKey(System.currentTimeMillis(), scalaMap(Map.of("dataset", dataset, "run", runId)));
        if (hasHistory && maxRowCountChange >= 0) {
            RelativeRateOfChangeStrategy strategy = new RelativeRateOfChangeStrategy(
                    Option.apply(1 - maxRowCountChange), Option.apply(1 + maxRowCountChange), 1);
            Check anomaly = new Check(CheckLevel.Warning(), "Anomaly check for " + ROW_COUNT, emptySeq())
                    .isNewestPointNonAnomalous(repository, strategy, ROW_COUNT, scalaMap(Map.of()),
                            Option.empty(), Option.empty(), Option.empty());
            checks.put(anomaly, null);
        }
        AnalyzerContext context = new AnalyzerContext((scala.collection.immutable.Map) scalaMap(metrics));
        List<Outcome> out = new ArrayList<>();
        for (var entry : checks.entrySet()) {
            CheckResult checkResult = entry.getKey().evaluate(context);
            ConstraintSpec spec = entry.getValue();
            for (ConstraintResult r : JavaConverters.seqAsJavaList(checkResult.constraintResults())) {
                boolean passed = r.status() == ConstraintStatus.Success();
                String observed = r.metric().isDefined() && r.metric().get().value().isSuccess()
                        ? String.valueOf(r.metric().get().value().get()) : "n/a";
                String message = r.message().isDefined() ? r.message().get() : "";
                String name = spec != null ? "constraint: " + spec.description() : "anomaly: row count change";
                out.add(new Outcome(name, passed, r.constraint().toString(), observed, message));
            }
            if (checkResult.status() == CheckStatus.Error() && checkResult.constraintResults().isEmpty()) {
                out.add(new Outcome("constraint: " + entry.getKey().description(), false, entry.getKey().description(), "n/a", ""));
            }
        }
        return new Evaluation(out, () -> repository.save(key, context));
    }

    /**
     * The checks' outcomes, and how to keep this run's metrics as the next run's anomaly baseline:
     * called only for a run that passed (a failed or re-validated run would skew that history).
     */
    public record Evaluation(List<Outcome> outcomes, Runnable keep) {
        public Evaluation {
            outcomes = List.copyOf(outcomes);
        }
    }

    /**
     * How an analyzer is answered from the statistics: its Deequ state, an empty option where
     * Deequ's own aggregation would give none (no rows, or only nulls, for a minimum), or nothing
     * when the statistics cannot say (the analyzer then takes Deequ's own pass).
     */
    @FunctionalInterface
    private interface Answer {
        java.util.Optional<Option<State>> state(ColumnStatistics s);

        /** Rows whose value is null or within [min, max], as Deequ's range compliance counts them. */
        static Answer within(String column, double min, double max) {
            return s -> {
                if (s.rows() == 0) {
                    return java.util.Optional.of(Option.empty());
                }
                java.math.BigDecimal least = s.least().get(column);
                java.math.BigDecimal greatest = s.greatest().get(column);
                boolean allIn = least == null ? s.allNull(column)
                        : least.doubleValue() >= min && greatest != null && greatest.doubleValue() <= max;
                // a value outside: how many, the statistics do not say; Deequ counts them
                return allIn ? java.util.Optional.of(Option.apply(NumMatchesAndCount.apply(s.rows(), s.rows(), Option.empty())))
                        : java.util.Optional.empty();
            };
        }
    }

    /** The answer for an analyzer over the whole target (no filter) whose column the statistics cover. */
    private static java.util.Optional<Answer> answerable(Analyzer analyzer, Set<String> nullsCounted, Set<String> ranged) {
        if (analyzer instanceof Size size && size.where().isEmpty()) {
            return java.util.Optional.of(s -> java.util.Optional.of(Option.apply((State) NumMatches.apply(s.rows()))));
        }
        if (analyzer instanceof Completeness c && c.where().isEmpty() && nullsCounted.contains(c.column())) {
            return java.util.Optional.of(s -> s.rows() == 0 ? java.util.Optional.of(Option.empty())
                    : s.nullsOf(c.column()).map(n -> Option.apply((State) NumMatchesAndCount.apply(s.rows() - n, s.rows(), Option.empty()))));
        }
        // a minimum over no value is Deequ's own error: its pass says it
        if (analyzer instanceof Minimum m && m.where().isEmpty() && ranged.contains(m.column())) {
            return java.util.Optional.of(s -> java.util.Optional.ofNullable(s.least().get(m.column()))
                    .map(v -> Option.apply((State) MinState.apply(v.doubleValue(), Option.empty()))));
        }
        if (analyzer instanceof Maximum m && m.where().isEmpty() && ranged.contains(m.column())) {
            return java.util.Optional.of(s -> java.util.Optional.ofNullable(s.greatest().get(m.column()))
                    .map(v -> Option.apply((State) MaxState.apply(v.doubleValue(), Option.empty()))));
        }
        return java.util.Optional.empty();
    }

    /** Deequ's own preconditions for an analyzer over the schema (a pattern on a number column, say). */
    private static boolean acceptedBy(Analyzer analyzer, StructType schema) {
        try {
            JavaConverters.seqAsJavaList(analyzer.preconditions()).forEach(p -> ((Function1) p).apply(schema));
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }
    private static Check check(ConstraintSpec c) {
        Check check = new Check(CheckLevel.Error(), c.description(), JavaConverters.asScalaBuffer(new ArrayList<Constraint>()).toSeq());
        Option<String> none = Option.empty();
        return switch (c.kind()) {
            case COMPLETE -> check.isComplete(c.column(), none, Option.empty());
            case COMPLETENESS -> check.hasCompleteness(c.column(), atLeast(c.min()), none, Option.empty());
            case UNIQUE -> check.isUnique(c.column(), none, Option.empty());
            case ALLOWED -> check.isContainedIn(c.column(), c.allowed().toArray(String[]::new));
            case RANGE -> c.min() != null && c.max() != null
                    ? check.isContainedIn(c.column(), c.min(), c.max(), true, true, none, Option.empty())
                    : c.min() != null ? check.hasMin(c.column(), atLeast(c.min()), none, Option.empty())
                    : check.hasMax(c.column(), atMost(c.max()), none, Option.empty());
            case PATTERN -> check.hasPattern(c.column(), new Regex(c.pattern(), JavaConverters.asScalaBuffer(new ArrayList<String>()).toSeq()),
                    atLeast(1.0), Option.apply(c.description()), none, Option.empty());
            case SIZE -> check.hasSize(sizeWithin(c.min(), c.max()), none);
            case SQL -> check.satisfies(c.sql(), c.name() != null ? c.name() : c.sql(), atLeast(1.0), none,
                    JavaConverters.asScalaBuffer(new ArrayList<String>()).toList(), Option.empty());
        };
    }

    private static Function1<Object, Object> atLeast(double bound) {
        return v -> ((Number) v).doubleValue() >= bound;
    }

    private static Function1<Object, Object> atMost(double bound) {
        return v -> ((Number) v).doubleValue() <= bound;
    }

    private static Function1<Object, Object> sizeWithin(Double min, Double max) {
        return v -> {
            long n = ((Number) v).longValue();
            return (min == null || n >= min) && (max == null || n <= max);
        };
    }

    private static <T> scala.collection.immutable.Seq<T> emptySeq() {
        return JavaConverters.asScalaBuffer(new ArrayList<T>()).toList();
    }

    private static <K, V> scala.collection.immutable.Map<K, V> scalaMap(Map<K, V> map) {
        return JavaConverters.mapAsScalaMap(map).toMap(scala.Predef.$conforms());
    }
}
