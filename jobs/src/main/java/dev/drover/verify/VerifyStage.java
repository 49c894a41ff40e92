package dev.drover.verify;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.from_json;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.regexp_replace;

import dev.drover.common.SqlNames;
import dev.drover.delta.DeltaTables;
import dev.drover.exec.Timings;
import dev.drover.ledger.BatchRecord;
import dev.drover.measure.ColumnStatistics;
import dev.drover.measure.DeequSuite;
import dev.drover.measure.KeySums;
import dev.drover.measure.MetricPlan;
import dev.drover.model.CheckKind;
import dev.drover.model.CheckResult;
import dev.drover.model.MetricKey;
import dev.drover.model.Metrics;
import dev.drover.model.Proof;
import dev.drover.model.SchemaDiff;
import dev.drover.model.Stage;
import dev.drover.plan.MigrationPlan;
import dev.drover.transforms.RowErrors;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;

/**
 * The test stage: proves the new data before anyone sees it.
 * <ul>
 * <li>Reconciliation of the pinned source against the target: row counts (source = target +
 *     quarantined + removed by filter and dedup steps) in total and per batch commit, every source
 *     key in the target, the quarantine or a filter's removed rows exactly once, an
 *     order-independent checksum (key + value hash sum and null count) of every carried column,
 *     each removing step's declared share, and (one-pass) the statistics Delta recorded for the
 *     committed files against what was written.</li>
 * <li>The spec's invariants, the quarantine policy, the schema contract (the target's schema
 *     against the catalog, the change from the old version against the declared compatibility),
 *     the declared constraints as Deequ checks, and the row-count anomaly check.</li>
 * </ul>
 * One-pass: the target side comes from what the batch writes observed on the rows they handed to
 * Delta; the target is read only for a grouping constraint or an invariant that does not combine
 * across batches. Read-back: it comes from one aggregation over the whole target.
 */
public final class VerifyStage {
    /**
     * What the test stage found. {@code schema} is the contract as written (old → actual new);
     * {@code keepMetrics} stores this run's Deequ metrics as history for the next run's anomaly
     * check: the caller runs it only for a run that passed.
     */
    public record Outcome(List<CheckResult> checks, SchemaDiff schema, String quarantineSummary, Runnable keepMetrics) {
        public boolean passed() {
            return checks.stream().allMatch(CheckResult::passed);
        }
    }

    /**
     * What the test stage reads: the target's rows, its schema and the run's quarantined rows. A
     * migration audits its staged files before it publishes them; {@code validate} audits the
     * published table as it is now.
     */
    public record Audited(Supplier<Dataset<Row>> target, StructType schema, Dataset<Row> quarantine) {}

    /** The thresholds in force: spec values over the config's defaults. */
    public record Policy(double maxQuarantineRatio, long maxQuarantineRows, double rowCountMaxChange, String metricsRepository) {}

    private final SparkSession spark;
    private final DeltaTables delta;
    private final Timings timings;

    public VerifyStage(SparkSession spark, Timings timings) {
        this.spark = spark;
        this.delta = new DeltaTables(spark);
        this.timings = timings;
    }

    /**
     * Runs every check. {@code observed} holds the run's combined batch metrics (the source side,
     * and with one-pass the target side too; validate computes the source side again);
     * {@code batches} give the per-batch counts; {@code snapshot} is the target's version before the run.
     */
    public Outcome run(MetricPlan measured, String runId, Optional<Long> snapshot, Policy policy, List<BatchRecord> batches,
                       Metrics observed, Proof proof, Audited audited) {
        MigrationPlan plan = measured.plan();
        Supplier<Dataset<Row>> target = memo(audited.target());
        boolean readBack = proof == Proof.READ_BACK;
        Metrics targetSide = readBack ? timings.time("test: read back the target", () -> measured.readTarget(target.get()))
                : observed.with(measured.invariantsReadingTarget().isEmpty() ? Metrics.EMPTY
                        : timings.time("test: invariants reading the target", () -> measured.readInvariants(target.get())));
        long start = System.nanoTime();
        Supplier<KeySums> quarantineKeys = memo(() -> quarantineSums(plan, audited.quarantine()));
        Counts counts = new Counts(observed.count(MetricKey.SOURCE_ROWS),
                readBack ? targetSide.count(MetricKey.TARGET_READ_ROWS) : observed.count(MetricKey.TARGET_ROWS),
                readBack ? quarantineKeys.get().rows() : observed.count(MetricKey.FAILED), observed.count(MetricKey.DROPPED));

        List<CheckResult> checks = new ArrayList<>(reconciliation(measured, runId, snapshot, batches, observed, targetSide, readBack,
                counts, quarantineKeys, () -> keyDifference(measured, target.get(), audited.quarantine())));
        checks.addAll(InvariantChecks.check(plan.spec().checks().invariants(), inv -> measured.targetValue(inv, targetSide), observed));
        checks.addAll(QuarantinePolicy.check(policy, counts, observed));
        SchemaDiff contract = SchemaContract.contract(plan.sourceSchema(), audited.schema(), plan.diff(), plan.source().schema(),
                plan.target().schema());
        checks.addAll(SchemaContract.check(plan.target(), audited.schema(), targetSide, plan.spec().checks(), contract));
        String summary = counts.quarantined() == 0 ? ""
                : quarantineSummary(audited.quarantine(), plan.quarantineLocation(), counts.quarantined());
        timings.add("test: reconciliation", (System.nanoTime() - start) / 1e9);

        DeequSuite.Evaluation evaluation = constraints(measured, runId, policy, batches, observed, targetSide, readBack, target);
        checks.addAll(constraintChecks(evaluation));
        return new Outcome(checks, contract, summary, evaluation.keep());
    }

    /**
     * Reconciliation, in order: rows in total, every source row read once, rows per batch, (one-pass)
     * Delta's file statistics and the quarantine's writes, keys, removing steps, carried columns.
     */
    private List<CheckResult> reconciliation(MetricPlan measured, String runId, Optional<Long> snapshot, List<BatchRecord> batches,
                                             Metrics observed, Metrics targetSide, boolean readBack, Counts counts,
                                             Supplier<KeySums> quarantineKeys, Supplier<String> keyDifference) {
        MigrationPlan plan = measured.plan();
        List<CheckResult> checks = new ArrayList<>();
        checks.add(ReconciliationChecks.rowCount(counts));
        if (plan.sourceRecords() >= 0) {
            checks.add(ReconciliationChecks.sourceReadOnce(plan.sourceRecords(), counts.source(), batches.size()));
        }
        checks.add(perBatchRowCounts(plan, runId, snapshot, batches));
        if (!readBack) {
            checks.add(DeltaStatistics.check(delta, plan, runId, snapshot, batches, observed));
            checks.add(ReconciliationChecks.quarantineWrites(batches));
        }
        checks.add(readBack ? ReconciliationChecks.keysReadBack(counts, observed, targetSide, quarantineKeys.get(), keyDifference)
                : ReconciliationChecks.keysOnePass(observed, plan.pipeline().keepsRows(), keyDifference));
        checks.addAll(ReconciliationChecks.removedBySteps(measured.removingSteps(), observed, counts.source()));
        checks.addAll(ReconciliationChecks.carriedColumns(measured.checksummed(), observed, targetSide, readBack, counts.target()));
        return checks;
    }

    /** Deequ's constraints and the row-count anomaly check, from the metrics the run observed or read. */
    private DeequSuite.Evaluation constraints(MetricPlan measured, String runId, Policy policy, List<BatchRecord> batches,
                                              Metrics observed, Metrics targetSide, boolean readBack, Supplier<Dataset<Row>> target) {
        DeequSuite deequ = measured.deequ();
        List<Metrics> inputs = readBack ? List.of(targetSide) : batches.stream().map(BatchRecord::metricsValues).toList();
        ColumnStatistics statistics = readBack ? measured.read(targetSide) : measured.written(observed);
        var metrics = timings.time("test: constraints", () -> deequ.metrics(inputs, statistics, target));
        return deequ.evaluate(metrics, policy.metricsRepository(), measured.plan().target().name(), runId, policy.rowCountMaxChange());
    }

    /** Each Deequ outcome as a check: the row-count anomaly check as an anomaly, the rest as constraints. */
    static List<CheckResult> constraintChecks(DeequSuite.Evaluation evaluation) {
        return evaluation.outcomes().stream().map(o -> CheckResult.of(o.name().startsWith("anomaly") ? CheckKind.ANOMALY : CheckKind.CONSTRAINT,
                o.name(), o.passed(), o.constraint(), o.observed() + (o.message().isEmpty() ? "" : " (" + o.message() + ")"))).toList();
    }

    private static <T> Supplier<T> memo(Supplier<T> make) {
        Object[] made = new Object[1];
        return () -> {
            if (made[0] == null) {
                made[0] = make.get();
            }
            @SuppressWarnings("unchecked")
            T value = (T) made[0];
            return value;
        };
    }

    /**
     * Per batch: its source rows = the rows Delta's writer wrote to its files + its quarantined +
     * its removed rows (a batch of a ledger from before staging: the rows of its own commit).
     */
    private CheckResult perBatchRowCounts(MigrationPlan plan, String runId, Optional<Long> snapshot, List<BatchRecord> batches) {
        Map<Integer, Long> committed = new HashMap<>();
        if (batches.stream().anyMatch(b -> b.status() == dev.drover.model.BatchStatus.COMMITTED)) {
            for (DeltaTables.Change change : delta.changes(plan.targetLocation(), snapshot.orElse(-1L))) {
                change.tag().ifPresent(tag -> {
                    if (tag.run().equals(runId) && tag.stage() == Stage.TRANSFORM && tag.batch() != null) {
                        committed.merge(tag.batch(), Long.parseLong(change.operationMetrics().getOrDefault("numOutputRows", "0")), Long::sum);
                    }
                });
            }
        }
        batches.stream().filter(b -> b.status() == dev.drover.model.BatchStatus.STAGED)
                .forEach(b -> committed.put(b.batchId(), b.filesRows()));
        List<String> wrong = new ArrayList<>();
        for (BatchRecord b : batches) {
            Metrics m = b.metricsValues();
            long expected = m.count(MetricKey.SOURCE_ROWS) - b.rowsQuarantined() - m.count(MetricKey.DROPPED);
            Long written = committed.get(b.batchId());
            if (written == null || written != expected) {
                wrong.add("batch " + b.batchId() + ": wrote " + (written == null ? "nothing" : written + " rows")
                        + ", expected " + expected);
            }
        }
        return CheckResult.of(CheckKind.RECONCILIATION, "row count per batch", wrong.isEmpty(),
                "each batch's files hold its source rows less quarantined and removed ones",
                wrong.isEmpty() ? batches.size() + " of " + batches.size() + " batches reconcile" : String.join("; ", wrong));
    }

    /** Only on a mismatch: the exact (shuffling) comparison of keys, to say what is wrong. */
    private static String keyDifference(MetricPlan measured, Dataset<Row> target, Dataset<Row> quarantine) {
        MigrationPlan plan = measured.plan();
        List<String> sourceKey = plan.source().primaryKey();
        StructType keySchema = keySchema(plan);
        Dataset<Row> sourceKeys = keys(plan.sourceFrame(), sourceKey, keySchema);
        Dataset<Row> arrived = keys(target, plan.target().primaryKey(), keySchema)
                .unionAll(keys(quarantine.select(from_json(col("key"), keySchema).as("k")).select("k.*"), sourceKey, keySchema));
        if (!measured.removingSteps().isEmpty()) {
            Dataset<Row> removed = plan.pipeline().apply(MetricPlan.withHidden(plan.sourceFrame(), sourceKey))
                    .where(RowErrors.dropped()).select(IntStream.range(0, sourceKey.size())
                            .mapToObj(i -> col(RowErrors.KEY_PREFIX + i).as("k" + i)).toArray(Column[]::new));
            arrived = arrived.unionAll(removed);
        }
        long missing = sourceKeys.exceptAll(arrived).count();
        long duplicated = arrived.groupBy(IntStream.range(0, sourceKey.size()).mapToObj(i -> col("k" + i)).toArray(Column[]::new))
                .count().where(col("count").gt(1)).count();
        return missing + " keys missing, " + duplicated + " keys more than once";
    }

    private static KeySums quarantineSums(MigrationPlan plan, Dataset<Row> quarantine) {
        StructType keySchema = keySchema(plan);
        Dataset<Row> keys = keys(quarantine.select(from_json(col("key"), keySchema).as("k")).select("k.*"),
                plan.source().primaryKey(), keySchema);
        return KeySums.of(keys, IntStream.range(0, keySchema.size()).mapToObj(i -> col("k" + i)).toList(), !plan.keysKeepTypes());
    }

    private static StructType keySchema(MigrationPlan plan) {
        StructType keySchema = new StructType();
        for (String k : plan.source().primaryKey()) {
            keySchema = keySchema.add(k, plan.sourceSchema().apply(k).dataType());
        }
        return keySchema;
    }

    /** Key columns by position as k0, k1, …; typed like the source's, so renamed keys compare. */
    private static Dataset<Row> keys(Dataset<Row> frame, List<String> columns, StructType sourceKeyTypes) {
        return frame.select(IntStream.range(0, columns.size())
                .mapToObj(i -> col(SqlNames.quote(columns.get(i))).cast(sourceKeyTypes.fields()[i].dataType()).as("k" + i))
                .toArray(Column[]::new));
    }

    /** The warning for a run with quarantined rows: where they are and the most common error kinds. */
    private static String quarantineSummary(Dataset<Row> quarantine, String location, long rows) {
        List<Row> top = quarantine.groupBy(col("step"), regexp_replace(col("error"), "'[^']*'", "'…'").as("kind"))
                .agg(count(lit(1)).as("rows")).orderBy(col("rows").desc()).limit(3).collectAsList();
        List<String> kinds = top.stream().map(r -> r.getLong(2) + " × " + r.getString(0) + ": " + r.getString(1)).toList();
        return String.format("%,d %s quarantined in ", rows, rows == 1 ? "row" : "rows") + location + "; top errors: " + String.join("; ", kinds);
    }
}
