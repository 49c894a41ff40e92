package dev.drover.measure;

import com.amazon.deequ.analyzers.Analyzer;
import com.amazon.deequ.analyzers.ScanShareableAnalyzer;
import com.amazon.deequ.analyzers.Size;
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
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import scala.Function1;
import scala.Option;
import scala.collection.JavaConverters;
import scala.util.matching.Regex;

/**
 * Runs declared constraints as one Deequ {@code VerificationSuite}, and keeps each run's
 * metrics in Deequ's file-system metrics repository so the next run of the same dataset can
 * flag an anomaly (row count moving by more than a configured share). All of Deequ's Scala
 * surface (Options, Seqs, Function1s) stays in this class.
 */
public final class DeequSuite {
    /** One constraint's outcome: status, the observed value, and the constraint as text. */
    public record Outcome(String name, boolean passed, String constraint, String observed, String message) {}

    private final SparkSession spark;

    public DeequSuite(SparkSession spark) {
        this.spark = spark;
    }

    /**
     * Prepares the checks of {@code constraints}. With a {@code repositoryPath}, the row count is
     * kept under {@code dataset} and run ({@link Verification#keep}), and when earlier results of the dataset exist and
     * {@code maxRowCountChange} is at least 0, a row count that moved by more than that share
     * fails an anomaly check.
     */
    public Verification prepare(List<ConstraintSpec> constraints, String repositoryPath, String dataset, String runId,
                                double maxRowCountChange) {
        Map<Check, ConstraintSpec> declared = new LinkedHashMap<>();
        for (ConstraintSpec c : constraints) {
            declared.put(check(c), c);
        }
        FileSystemMetricsRepository repository = null;
        ResultKey key = null;
        if (repositoryPath != null) {
            repository = new FileSystemMetricsRepository(spark, repositoryPath);
            boolean hasHistory = !repository.load().withTagValues(scalaMap(Map.of("dataset", dataset))).get().isEmpty();
            key = new ResultKey(System.currentTimeMillis(), scalaMap(Map.of("dataset", dataset, "run", runId)));
            if (hasHistory && maxRowCountChange >= 0) {
                RelativeRateOfChangeStrategy strategy = new RelativeRateOfChangeStrategy(
                        Option.apply(1 - maxRowCountChange), Option.apply(1 + maxRowCountChange), 1);
                Check anomaly = new Check(CheckLevel.Warning(), "Anomaly check for " + ROW_COUNT, emptySeq())
                        .isNewestPointNonAnomalous(repository, strategy, (Analyzer) ROW_COUNT, scalaMap(Map.of()),
                                Option.empty(), Option.empty(), Option.empty());
                declared.put(anomaly, null);
            }
        }
        return new Verification(declared, repository, key);
    }

    @SuppressWarnings("rawtypes")
    private static final Analyzer ROW_COUNT = new Size(Option.empty());

    /**
     * Checks ready to run. Deequ computes every metric it can from one aggregation per analyzer
     * kind that shares a scan; {@link #aggregations()} hands those aggregations out so a caller
     * that reads the data anyway (the test stage's one read of the target) computes them in the
     * same pass, and {@link #fromAggregation} evaluates the checks from that row.
     */
    @SuppressWarnings({"rawtypes", "unchecked"})
    public final class Verification {
        private final Map<Check, ConstraintSpec> declared;
        private final FileSystemMetricsRepository repository;
        private final ResultKey key;
        private final List<Analyzer> analyzers = new ArrayList<>();
        private AnalyzerContext computed;

        private Verification(Map<Check, ConstraintSpec> declared, FileSystemMetricsRepository repository, ResultKey key) {
            this.declared = declared;
            this.repository = repository;
            this.key = key;
            java.util.Set<Analyzer> needed = new java.util.LinkedHashSet<>();
            declared.keySet().forEach(c -> needed.addAll(JavaConverters.setAsJavaSet(c.requiredAnalyzers())));
            if (repository != null) {
                needed.add(ROW_COUNT);   // every run's row count is kept, for the next run's anomaly check
            }
            analyzers.addAll(needed);
        }

        /** Nothing to check and nothing to keep. */
        public boolean isEmpty() {
            return analyzers.isEmpty();
        }

        /**
         * The aggregations that compute every needed metric over {@code schema}, or an empty list
         * when one cannot (an analyzer that groups, such as uniqueness, or a column Deequ's own
         * preconditions refuse): then {@link #run} makes a pass of its own.
         */
        public List<Column> aggregations(StructType schema) {
            List<Column> out = new ArrayList<>();
            for (Analyzer a : analyzers) {
                if (!(a instanceof ScanShareableAnalyzer shared)) {
                    return List.of();
                }
                try {
                    JavaConverters.seqAsJavaList(a.preconditions()).forEach(p -> ((Function1) p).apply(schema));
                } catch (RuntimeException e) {
                    return List.of();
                }
                out.addAll(JavaConverters.seqAsJavaList(shared.aggregationFunctions()));
            }
            return out;
        }

        /** Evaluates the checks from {@code row}, whose columns from {@code offset} on are {@link #aggregations}. */
        public List<Outcome> fromAggregation(Row row, int offset) {
            Map<Analyzer, Metric> metrics = new LinkedHashMap<>();
            int at = offset;
            for (Analyzer a : analyzers) {
                ScanShareableAnalyzer shared = (ScanShareableAnalyzer) a;
                metrics.put(a, (Metric) shared.metricFromAggregationResult(row, at, Option.empty(), Option.empty()));
                at += shared.aggregationFunctions().size();
            }
            return evaluate(new AnalyzerContext((scala.collection.immutable.Map) scalaMap(metrics)));
        }

        /** Computes the metrics in a pass of Deequ's own over {@code data}, then evaluates the checks. */
        public List<Outcome> run(Dataset<Row> data) {
            if (analyzers.isEmpty()) {
                return List.of();
            }
            AnalyzerContext context = AnalysisRunner.onData(data)
                    .addAnalyzers((scala.collection.Seq) JavaConverters.asScalaBuffer(analyzers).toSeq()).run();
            return evaluate(context);
        }

        private List<Outcome> evaluate(AnalyzerContext context) {
            List<Outcome> out = new ArrayList<>();
            for (var entry : declared.entrySet()) {
                CheckResult checkResult = entry.getKey().evaluate(context);
                ConstraintSpec spec = entry.getValue();
                for (ConstraintResult r : JavaConverters.seqAsJavaList(checkResult.constraintResults())) {
                    boolean passed = r.status() == ConstraintStatus.Success();
                    String observed = r.metric().isDefined() && r.metric().get().value().isSuccess()
                            ? String.valueOf(r.metric().get().value().get()) : "n/a";
                    String message = r.message().isDefined() ? r.message().get() : "";
                    if (spec != null) {
                        out.add(new Outcome("constraint: " + spec.description(), passed, r.constraint().toString(), observed, message));
                    } else {
                        out.add(new Outcome("anomaly: row count change", passed, r.constraint().toString(), observed, message));
                    }
                }
                if (checkResult.status() == CheckStatus.Error() && checkResult.constraintResults().isEmpty()) {
                    out.add(new Outcome("constraint: " + entry.getKey().description(), false, entry.getKey().description(), "n/a", ""));
                }
            }
            computed = context;
            return out;
        }

        /**
         * Keeps the metrics of the checks just evaluated in the metrics repository, as the point
         * the next run's anomaly check compares with. Called only for a run that passed: a
         * failed or re-validated run's metrics would skew that history.
         */
        public void keep() {
            if (repository != null && computed != null) {
                repository.save(key, computed);
            }
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
