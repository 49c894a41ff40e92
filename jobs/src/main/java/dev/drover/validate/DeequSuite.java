package dev.drover.validate;

import com.amazon.deequ.VerificationResult;
import com.amazon.deequ.VerificationRunBuilder;
import com.amazon.deequ.VerificationRunBuilderWithRepository;
import com.amazon.deequ.analyzers.Analyzer;
import com.amazon.deequ.analyzers.Size;
import com.amazon.deequ.anomalydetection.RelativeRateOfChangeStrategy;
import com.amazon.deequ.checks.Check;
import com.amazon.deequ.checks.CheckLevel;
import com.amazon.deequ.checks.CheckResult;
import com.amazon.deequ.checks.CheckStatus;
import com.amazon.deequ.constraints.Constraint;
import com.amazon.deequ.constraints.ConstraintResult;
import com.amazon.deequ.constraints.ConstraintStatus;
import com.amazon.deequ.repository.ResultKey;
import com.amazon.deequ.repository.fs.FileSystemMetricsRepository;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
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
     * Verifies {@code constraints} on {@code data}. With a {@code repositoryPath}, the row count
     * is stored under {@code dataset} and run, and when earlier results of the dataset exist and
     * {@code maxRowCountChange} is at least 0, a row count that moved by more than that share
     * fails an anomaly check.
     */
    public List<Outcome> verify(Dataset<Row> data, List<ConstraintSpec> constraints, String repositoryPath,
                                String dataset, String runId, double maxRowCountChange) {
        Map<Check, ConstraintSpec> declared = new LinkedHashMap<>();
        for (ConstraintSpec c : constraints) {
            declared.put(check(c), c);
        }
        VerificationRunBuilder builder = new VerificationRunBuilder(data);
        declared.keySet().forEach(builder::addCheck);
        if (repositoryPath != null) {
            FileSystemMetricsRepository repository = new FileSystemMetricsRepository(spark, repositoryPath);
            Map<String, String> tags = Map.of("dataset", dataset);
            boolean hasHistory = !repository.load().withTagValues(scalaMap(tags)).get().isEmpty();
            VerificationRunBuilderWithRepository withRepository = builder.useRepository(repository)
                    .saveOrAppendResult(new ResultKey(System.currentTimeMillis(), scalaMap(Map.of("dataset", dataset, "run", runId))));
            builder = withRepository;
            if (hasHistory && maxRowCountChange >= 0) {
                RelativeRateOfChangeStrategy strategy = new RelativeRateOfChangeStrategy(
                        Option.apply(1 - maxRowCountChange), Option.apply(1 + maxRowCountChange), 1);
                @SuppressWarnings({"unchecked", "rawtypes"})
                Analyzer<?, com.amazon.deequ.metrics.Metric<Object>> size = (Analyzer) new Size(Option.empty());
                withRepository.addAnomalyCheck(strategy, (Analyzer) size, Option.empty());
            }
        } else if (declared.isEmpty()) {
            return List.of();
        }
        VerificationResult result = builder.run();
        List<Outcome> out = new ArrayList<>();
        for (var entry : JavaConverters.mapAsJavaMap(result.checkResults()).entrySet()) {
            CheckResult checkResult = entry.getValue();
            ConstraintSpec spec = declared.get(entry.getKey());
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
        return out;
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

    private static scala.collection.immutable.Map<String, String> scalaMap(Map<String, String> map) {
        return JavaConverters.mapAsScalaMap(map).toMap(scala.Predef.$conforms());
    }
}
