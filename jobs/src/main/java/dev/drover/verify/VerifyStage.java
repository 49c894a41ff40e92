package dev.drover.verify;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.from_json;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.regexp_replace;

import dev.drover.catalog.ColumnSpec;
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
import dev.drover.spec.ChecksSpec;
import dev.drover.spec.InvariantSpec;
import dev.drover.transforms.RowErrors;
import java.math.BigDecimal;
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
        StructType written = audited.schema();
        boolean readBack = proof == Proof.READ_BACK;
        Metrics targetSide = readBack ? timings.time("test: read back the target", () -> measured.readTarget(target.get()))
                : observed.with(measured.invariantsReadingTarget().isEmpty() ? Metrics.EMPTY
                        : timings.time("test: invariants reading the target", () -> measured.readInvariants(target.get())));
        long start = System.nanoTime();
        Dataset<Row> quarantine = audited.quarantine();
        List<CheckResult> checks = new ArrayList<>();

        long sourceRows = observed.count(MetricKey.SOURCE_ROWS);
        long targetRows = readBack ? targetSide.count(MetricKey.TARGET_READ_ROWS) : observed.count(MetricKey.TARGET_ROWS);
        long quarantined = readBack ? quarantineSums(plan, quarantine).rows() : observed.count(MetricKey.FAILED);
        long dropped = observed.count(MetricKey.DROPPED);
        checks.add(CheckResult.of(CheckKind.RECONCILIATION, "row count", sourceRows == targetRows + quarantined + dropped,
                "source " + sourceRows + " = target + quarantined + removed by filters",
                "target " + targetRows + " + quarantined " + quarantined + " + removed " + dropped + " = "
                        + (targetRows + quarantined + dropped)));
        if (plan.sourceRecords() >= 0) {
            checks.add(CheckResult.of(CheckKind.RECONCILIATION, "every source row read once", sourceRows == plan.sourceRecords(),
                    plan.sourceRecords() + " rows (the record count Delta's log holds for the pinned source)",
                    sourceRows + " rows read by " + batches.size() + " batch(es)"));
        }
        checks.add(perBatchRowCounts(plan, runId, snapshot, batches));
        if (!readBack) {
            checks.add(DeltaStatistics.check(delta, plan, runId, snapshot, batches, observed));
            checks.add(quarantineWrites(batches));
        }

        if (readBack) {
            KeySums quarantineSums = quarantineSums(plan, quarantine);
            KeySums sourceKeys = new KeySums(sourceRows, observed.count(MetricKey.KEY_XXHASH), observed.count(MetricKey.KEY_MURMUR));
            KeySums targetKeys = new KeySums(targetRows, targetSide.count(MetricKey.TARGET_KEY_XXHASH), targetSide.count(MetricKey.TARGET_KEY_MURMUR));
            KeySums droppedKeys = new KeySums(dropped, observed.count(MetricKey.DROPPED_KEY_XXHASH), observed.count(MetricKey.DROPPED_KEY_MURMUR));
            boolean keysMatch = sourceKeys.equals(targetKeys.plus(quarantineSums).plus(droppedKeys));
            checks.add(CheckResult.of(CheckKind.RECONCILIATION, "primary key preserved", keysMatch,
                    "every source key in target, quarantine or a filter's removed rows exactly once",
                    keysMatch ? "0 keys missing, 0 keys more than once" : keyDifference(measured, target.get(), quarantine)));
        } else {
            long differ = observed.count(MetricKey.TARGET_KEY_DIFFERS);
            // a step that may add or lose rows: every source key must still be there once, in some row
            boolean sameKeys = plan.pipeline().keepsRows() || (observed.count(MetricKey.KEY_XXHASH) == observed.count(MetricKey.AFTER_KEY_XXHASH)
                    && observed.count(MetricKey.KEY_MURMUR) == observed.count(MetricKey.AFTER_KEY_MURMUR));
            boolean keysMatch = differ == 0 && sameKeys;
            checks.add(CheckResult.of(CheckKind.RECONCILIATION, "primary key preserved", keysMatch,
                    "every row written keeps its source row's key; every source key in target, quarantine or a filter's removed rows once",
                    keysMatch ? "0 keys missing, 0 keys more than once, 0 rows with another key"
                            : differ + " rows written with another key than their source row's"
                                    + (sameKeys ? "" : "; " + keyDifference(measured, target.get(), quarantine))));
        }

        measured.removingSteps().forEach((label, max) -> {
            long removed = observed.count(MetricKey.droppedBy(label));
            double share = sourceRows == 0 ? 0 : (double) removed / sourceRows;
            checks.add(CheckResult.of(CheckKind.RECONCILIATION, "removed by " + label, max < 0 || share <= max,
                    max < 0 ? "any share (none declared)" : "at most " + max + " of source rows",
                    String.format("%.6f (%d of %d rows)", share, removed, sourceRows)));
        });

        measured.checksummed().forEach((from, to) -> {
            String name = "column " + to + (from.equals(to) ? "" : " (was " + from + ")") + " carried unchanged";
            String hint = "; if a SQL or Java step changes it on purpose, list it in checks.changed";
            if (readBack) {
                BigDecimal sh = observed.value(MetricKey.columnHash(to));
                BigDecimal th = targetSide.value(MetricKey.targetColumnHash(to));
                long sn = observed.count(MetricKey.columnNulls(to));
                long tn = targetSide.count(MetricKey.targetNulls(to));
                boolean same = java.util.Objects.equals(sh, th) && sn == tn;
                checks.add(CheckResult.of(CheckKind.RECONCILIATION, name, same, "checksum " + sh + ", " + sn + " nulls (source)",
                        "checksum " + th + ", " + tn + " nulls" + (same ? "" : hint)));
            } else {
                long differ = observed.count(MetricKey.targetDiffers(to));
                checks.add(CheckResult.of(CheckKind.RECONCILIATION, name, differ == 0,
                        "every row written holds its source row's value", differ + " of " + targetRows + " rows differ" + (differ == 0 ? "" : hint)));
            }
        });

        for (InvariantSpec inv : plan.spec().checks().invariants()) {
            BigDecimal value = measured.targetValue(inv, targetSide);
            BigDecimal expected = inv.source().isPresent() ? observed.value(MetricPlan.sourceKey(inv)) : inv.expect().orElseThrow();
            boolean ok = value != null && expected != null && value.subtract(expected).abs().compareTo(inv.tolerance()) <= 0;
            checks.add(CheckResult.of(CheckKind.INVARIANT, "invariant " + inv.name(), ok || (value == null && expected == null),
                    inv.description() + ": " + plain(expected) + (inv.tolerance().signum() > 0 ? " ± " + inv.tolerance().toPlainString() : ""),
                    plain(value)));
        }

        double ratio = sourceRows == 0 ? 0 : (double) quarantined / sourceRows;
        checks.add(CheckResult.of(CheckKind.QUARANTINE, "quarantine ratio", ratio <= policy.maxQuarantineRatio(),
                "at most " + policy.maxQuarantineRatio(), String.format("%.6f (%d of %d rows)", ratio, quarantined, sourceRows)));
        if (policy.maxQuarantineRows() >= 0) {
            checks.add(CheckResult.of(CheckKind.QUARANTINE, "quarantined rows", quarantined <= policy.maxQuarantineRows(),
                    "at most " + policy.maxQuarantineRows(), String.valueOf(quarantined)));
        }
        long retried = observed.count(MetricKey.RETRIED);
        if (retried > 0) {
            long recovered = observed.count(MetricKey.RECOVERED);
            checks.add(CheckResult.warning(CheckKind.RETRY, "rows recovered by retrying",
                    "rows a per-row step tried more than once", recovered + " of " + retried + " rows retried succeeded; "
                            + (retried - recovered) + " failed every try (quarantined)"));
        }

        SchemaDiff contract = SchemaDiff.between(plan.sourceSchema(), written, renames(plan),
                declared(plan.source().schema()), declared(plan.target().schema()));
        checks.add(declaredSchema(plan, written, targetSide));
        checks.add(compatibility(plan.spec().checks(), contract));

        String summary = quarantined == 0 ? "" : quarantineSummary(quarantine, plan.quarantineLocation(), quarantined);
        timings.add("test: reconciliation", (System.nanoTime() - start) / 1e9);
        DeequSuite deequ = measured.deequ();
        List<Metrics> deequInputs = readBack ? List.of(targetSide) : batches.stream().map(BatchRecord::metricsValues).toList();
        ColumnStatistics statistics = readBack ? measured.read(targetSide) : measured.written(observed);
        var metrics = timings.time("test: constraints", () -> deequ.metrics(deequInputs, statistics, target));
        DeequSuite.Evaluation evaluation = deequ.evaluate(metrics, policy.metricsRepository(), plan.target().name(), runId,
                policy.rowCountMaxChange());
        for (DeequSuite.Outcome o : evaluation.outcomes()) {
            checks.add(CheckResult.of(o.name().startsWith("anomaly") ? CheckKind.ANOMALY : CheckKind.CONSTRAINT, o.name(), o.passed(),
                    o.constraint(), o.observed() + (o.message().isEmpty() ? "" : " (" + o.message() + ")")));
        }
        return new Outcome(checks, contract, summary, evaluation.keep());
    }

    /** Per batch, one-pass: the rows its quarantine commit wrote equal those its write observed failing. */
    private static CheckResult quarantineWrites(List<BatchRecord> batches) {
        List<String> wrong = new ArrayList<>();
        for (BatchRecord b : batches) {
            Metrics m = b.metricsValues();
            if (m.count(MetricKey.FAILED) != m.count(MetricKey.QUARANTINED)) {
                wrong.add("batch " + b.batchId() + ": " + m.count(MetricKey.QUARANTINED) + " rows in quarantine, "
                        + m.count(MetricKey.FAILED) + " failed");
            }
        }
        return CheckResult.of(CheckKind.QUARANTINE, "quarantine holds the failed rows", wrong.isEmpty(),
                "each batch's quarantine files hold the rows that failed a step while it was written",
                wrong.isEmpty() ? batches.size() + " of " + batches.size() + " batches" : String.join("; ", wrong));
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

    /** The target as written against the catalog's declaration: columns, types, declared non-null. */
    private static CheckResult declaredSchema(MigrationPlan plan, StructType actual, Metrics targetMetrics) {
        List<String> problems = plan.target().schemaProblems(actual, c -> targetMetrics.count(MetricKey.targetNulls(c)), java.util.Set.of());
        return CheckResult.of(CheckKind.SCHEMA, "schema matches catalog " + plan.target().name(), problems.isEmpty(),
                "the declared columns, types and non-null columns", problems.isEmpty() ? "as declared" : String.join(", ", problems));
    }

    private static CheckResult compatibility(ChecksSpec checks, SchemaDiff contract) {
        List<String> breaking = contract.breakingChanges().stream()
                .map(c -> (c.from() != null ? c.from() : c.to()) + " " + c.kind()).toList();
        String observed = breaking.isEmpty() ? "non-breaking" : "breaking: " + String.join(", ", breaking);
        boolean declaredNonBreaking = checks.compatibility().filter(c -> c == ChecksSpec.Compatibility.NON_BREAKING).isPresent();
        return CheckResult.of(CheckKind.SCHEMA, "schema change", !declaredNonBreaking || breaking.isEmpty(),
                checks.compatibility().map(c -> c.label() + " (declared)").orElse("any (checks.compatibility not declared)"), observed);
    }

    /** The warning for a run with quarantined rows: where they are and the most common error kinds. */
    private static String quarantineSummary(Dataset<Row> quarantine, String location, long rows) {
        List<Row> top = quarantine.groupBy(col("step"), regexp_replace(col("error"), "'[^']*'", "'…'").as("kind"))
                .agg(count(lit(1)).as("rows")).orderBy(col("rows").desc()).limit(3).collectAsList();
        List<String> kinds = top.stream().map(r -> r.getLong(2) + " × " + r.getString(0) + ": " + r.getString(1)).toList();
        return String.format("%,d %s quarantined in ", rows, rows == 1 ? "row" : "rows") + location + "; top errors: " + String.join("; ", kinds);
    }

    private static Map<String, String> renames(MigrationPlan plan) {
        Map<String, String> out = new HashMap<>();
        plan.diff().changes().stream().filter(c -> c.from() != null && c.to() != null && !c.from().equals(c.to()))
                .forEach(c -> out.put(c.from(), c.to()));
        return out;
    }

    private static Map<String, Boolean> declared(List<ColumnSpec> schema) {
        Map<String, Boolean> out = new HashMap<>();
        schema.forEach(c -> out.put(c.name(), c.nullable()));
        return out;
    }

    private static String plain(BigDecimal value) {
        return value == null ? "null" : value.stripTrailingZeros().toPlainString();
    }
}
