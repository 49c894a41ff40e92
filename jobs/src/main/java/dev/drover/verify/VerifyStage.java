package dev.drover.verify;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.from_json;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.regexp_replace;

import dev.drover.catalog.ColumnSpec;
import dev.drover.delta.CommitTag;
import dev.drover.delta.DeltaTables;
import dev.drover.exec.Timings;
import dev.drover.ledger.BatchRecord;
import dev.drover.measure.DeequSuite;
import dev.drover.measure.KeySums;
import dev.drover.measure.Reconciliation;
import dev.drover.model.CheckResult;
import dev.drover.model.ConstraintSpec;
import dev.drover.model.Metrics;
import dev.drover.model.SchemaDiff;
import dev.drover.plan.MigrationPlan;
import dev.drover.spec.ChecksSpec;
import dev.drover.spec.InvariantSpec;
import dev.drover.transform.BatchWriter;
import dev.drover.transforms.RowErrors;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The test stage: proves the new data before anyone sees it.
 * <ul>
 * <li>Reconciliation of the pinned source against the target: row counts (source = target +
 *     quarantined + removed by filter steps) in total and per batch, every source key in the
 *     target, the quarantine or a filter's removed rows exactly once, an order-independent
 *     checksum (key + value hash sum and null count) of every carried column, the spec's
 *     invariants, and each filter step's declared removed share.</li>
 * <li>The quarantine policy (share and count).</li>
 * <li>The schema contract: the target's schema against the catalog's declaration, and the
 *     column-by-column change from the old version against the spec's declared compatibility.</li>
 * <li>The declared constraints of the catalog and the spec, as one Deequ suite, and the
 *     row-count anomaly check against the dataset's previous run.</li>
 * </ul>
 * Source metrics were observed while the batches were written; the target is read once for all
 * reconciliation metrics, then by Deequ for the constraints.
 */
public final class VerifyStage {
    /**
     * What the test stage found. {@code schema} is the contract as written (old → actual new).
     * {@code keepMetrics} stores this run's Deequ metrics as
     * history for the next run's anomaly check: the caller runs it only for a run that passed.
     */
    public record Outcome(List<CheckResult> checks, SchemaDiff schema, String quarantineSummary, Runnable keepMetrics) {
        public boolean passed() {
            return checks.stream().allMatch(CheckResult::passed);
        }
    }

    /** The thresholds in force: spec values over the config's defaults. */
    public record Policy(double maxQuarantineRatio, long maxQuarantineRows, double rowCountMaxChange, String metricsRepository) {}

    private final SparkSession spark;
    private final DeltaTables delta;
    private final Timings timings;

    public VerifyStage(SparkSession spark) {
        this(spark, new Timings());
    }

    /** A test stage that adds its reconciliation and Deequ times to {@code timings}. */
    public VerifyStage(SparkSession spark, Timings timings) {
        this.spark = spark;
        this.delta = new DeltaTables(spark);
        this.timings = timings;
    }

    /** The source metrics of a run: its batches' observed metrics combined. */
    public static Metrics total(List<BatchRecord> batches) {
        Metrics combined = Metrics.EMPTY;
        for (BatchRecord b : batches) {
            combined = combined.plus(b.metricsValues());
        }
        return combined;
    }

    /**
     * Runs every check. {@code source} holds the source-side metrics (observed during the batch
     * writes, or computed again by validate); {@code batches} give the per-batch counts.
     */
    public Outcome run(MigrationPlan plan, String runId, String quarantineLocation, Policy policy, List<BatchRecord> batches,
                       Metrics source) {
        long start = System.nanoTime();
        Reconciliation reconciliation = new Reconciliation(plan);
        Dataset<Row> target = delta.read(plan.targetLocation(), delta.latestVersion(plan.targetLocation()));
        Dataset<Row> quarantine = delta.exists(quarantineLocation)
                ? delta.read(quarantineLocation, delta.latestVersion(quarantineLocation)).where(col("run_id").equalTo(runId))
                : spark.createDataFrame(List.of(), StructType.fromDDL(BatchWriter.QUARANTINE_DDL));

        // Deequ's metrics ride along with the reconciliation's: one read of the target for both.
        List<ConstraintSpec> constraints = new ArrayList<>(plan.target().constraints());
        constraints.addAll(plan.spec().checks().constraints());
        DeequSuite.Verification deequ = new DeequSuite(spark).prepare(constraints, policy.metricsRepository(),
                plan.target().name(), runId, policy.rowCountMaxChange());
        List<Column> deequAggregations = deequ.aggregations(target.schema());
        Reconciliation.TargetRead read = reconciliation.target(target, deequAggregations);
        Metrics targetMetrics = read.metrics();
        KeySums quarantineSums = quarantineSums(plan, quarantine);
        List<CheckResult> checks = new ArrayList<>();

        long sourceRows = source.count("rows");
        long targetRows = targetMetrics.count("rows");
        long quarantined = quarantineSums.rows();
        long dropped = source.count("dropped");
        checks.add(CheckResult.of("reconciliation", "row count", sourceRows == targetRows + quarantined + dropped,
                "source " + sourceRows + " = target + quarantined + removed by filters",
                "target " + targetRows + " + quarantined " + quarantined + " + removed " + dropped + " = "
                        + (targetRows + quarantined + dropped)));
        checks.add(perBatchRowCounts(plan, runId, batches));

        KeySums sourceKeys = new KeySums(sourceRows, source.count("key_xxhash"), source.count("key_murmur"));
        KeySums targetKeys = new KeySums(targetRows, targetMetrics.count("key_xxhash"), targetMetrics.count("key_murmur"));
        KeySums droppedKeys = new KeySums(dropped, source.count("dropped_key_xxhash"), source.count("dropped_key_murmur"));
        boolean keysMatch = sourceKeys.equals(targetKeys.plus(quarantineSums).plus(droppedKeys));
        checks.add(CheckResult.of("reconciliation", "primary key preserved", keysMatch,
                "every source key in target, quarantine or a filter's removed rows exactly once",
                keysMatch ? "0 keys missing, 0 keys more than once" : keyDifference(plan, target, quarantine)));

        reconciliation.removingSteps().forEach((label, max) -> {
            long removed = source.count("dropped_by:" + label);
            double share = sourceRows == 0 ? 0 : (double) removed / sourceRows;
            checks.add(CheckResult.of("reconciliation", "removed by " + label, max < 0 || share <= max,
                    max < 0 ? "any share (none declared)" : "at most " + max + " of source rows",
                    String.format("%.6f (%d of %d rows)", share, removed, sourceRows)));
        });

        reconciliation.checksummed().forEach((from, to) -> {
            BigDecimal sh = source.get("col_hash:" + to);
            BigDecimal th = targetMetrics.get("col_hash:" + to);
            long sn = source.count("col_nulls:" + to);
            long tn = targetMetrics.count("col_nulls:" + to);
            boolean same = java.util.Objects.equals(sh, th) && sn == tn;
            checks.add(CheckResult.of("reconciliation", "column " + to + (from.equals(to) ? "" : " (was " + from + ")") + " carried unchanged",
                    same, "checksum " + sh + ", " + sn + " nulls (source)",
                    "checksum " + th + ", " + tn + " nulls" + (same ? "" : "; if a SQL or Java step changes it on purpose, list it in checks.changed")));
        });

        for (InvariantSpec inv : plan.spec().checks().invariants()) {
            BigDecimal observed = targetMetrics.get("target:" + inv.name());
            BigDecimal expected = inv.source().isPresent() ? source.get(Reconciliation.sourceKey(inv)) : inv.expect().orElseThrow();
            boolean ok = observed != null && expected != null && observed.subtract(expected).abs().compareTo(inv.tolerance()) <= 0;
            checks.add(CheckResult.of("invariant", "invariant " + inv.name(), ok || (observed == null && expected == null),
                    inv.description() + ": " + plain(expected) + (inv.tolerance().signum() > 0 ? " ± " + inv.tolerance().toPlainString() : ""),
                    plain(observed)));
        }

        double ratio = sourceRows == 0 ? 0 : (double) quarantined / sourceRows;
        checks.add(CheckResult.of("quarantine", "quarantine ratio", ratio <= policy.maxQuarantineRatio(),
                "at most " + policy.maxQuarantineRatio(), String.format("%.6f (%d of %d rows)", ratio, quarantined, sourceRows)));
        if (policy.maxQuarantineRows() >= 0) {
            checks.add(CheckResult.of("quarantine", "quarantined rows", quarantined <= policy.maxQuarantineRows(),
                    "at most " + policy.maxQuarantineRows(), String.valueOf(quarantined)));
        }

        SchemaDiff contract = SchemaDiff.between(plan.sourceSchema(), target.schema(), renames(plan),
                declared(plan.source().schema()), declared(plan.target().schema()));
        checks.add(declaredSchema(plan, target.schema(), targetMetrics));
        checks.add(compatibility(plan.spec().checks(), contract));

        String summary = quarantined == 0 ? "" : quarantineSummary(quarantine, quarantineLocation, quarantined);
        timings.add("test: reconciliation and constraints", (System.nanoTime() - start) / 1e9);
        List<DeequSuite.Outcome> outcomes = deequ.isEmpty() ? List.of() : !deequAggregations.isEmpty()
                ? deequ.fromAggregation(read.row(), read.extraOffset())
                : timings.time("test: constraints (Deequ's own pass)", () -> deequ.run(target));
        for (DeequSuite.Outcome o : outcomes) {
            checks.add(CheckResult.of(o.name().startsWith("anomaly") ? "anomaly" : "constraint", o.name(), o.passed(),
                    o.constraint(), o.observed() + (o.message().isEmpty() ? "" : " (" + o.message() + ")")));
        }
        return new Outcome(checks, contract, summary, deequ::keep);
    }

    /** Per batch: its source rows = rows of its Delta commit + its quarantined + its removed rows. */
    private CheckResult perBatchRowCounts(MigrationPlan plan, String runId, List<BatchRecord> batches) {
        Map<Integer, Long> committed = new HashMap<>();
        for (Row r : delta.history(plan.targetLocation()).where(col("userMetadata").isNotNull())
                .select("userMetadata", "operationMetrics").collectAsList()) {
            CommitTag.parse(r.getString(0)).ifPresent(tag -> {
                if (tag.run().equals(runId) && "transform".equals(tag.stage()) && tag.batch() != null) {
                    Map<String, String> metrics = r.getJavaMap(1);
                    committed.merge(tag.batch(), Long.parseLong(metrics.getOrDefault("numOutputRows", "0")), Long::sum);
                }
            });
        }
        List<String> wrong = new ArrayList<>();
        for (BatchRecord b : batches) {
            Metrics m = b.metricsValues();
            long expected = m.count("rows") - b.rowsQuarantined() - m.count("dropped");
            Long written = committed.get(b.batchId());
            if (written == null || written != expected) {
                wrong.add("batch " + b.batchId() + ": committed " + (written == null ? "nothing" : written + " rows")
                        + ", expected " + expected);
            }
        }
        return CheckResult.of("reconciliation", "row count per batch", wrong.isEmpty(),
                "each batch's commit holds its source rows less quarantined and removed ones",
                wrong.isEmpty() ? batches.size() + " of " + batches.size() + " batches reconcile" : String.join("; ", wrong));
    }

    /** Only on a mismatch: the exact (shuffling) comparison of keys, to say what is wrong. */
    private static String keyDifference(MigrationPlan plan, Dataset<Row> target, Dataset<Row> quarantine) {
        List<String> sourceKey = plan.source().primaryKey();
        StructType keySchema = keySchema(plan);
        Dataset<Row> sourceKeys = keys(plan.sourceFrame(), sourceKey, keySchema);
        Dataset<Row> arrived = keys(target, plan.target().primaryKey(), keySchema)
                .unionAll(keys(quarantine.select(from_json(col("key"), keySchema).as("k")).select("k.*"), sourceKey, keySchema));
        if (!new Reconciliation(plan).removingSteps().isEmpty()) {
            Dataset<Row> removed = plan.pipeline().apply(Reconciliation.withHidden(plan.sourceFrame(), sourceKey))
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
                .mapToObj(i -> col(Reconciliation.quote(columns.get(i))).cast(sourceKeyTypes.fields()[i].dataType()).as("k" + i))
                .toArray(Column[]::new));
    }

    /** The target as written against the catalog's declaration: columns, types, declared non-null. */
    private static CheckResult declaredSchema(MigrationPlan plan, StructType actual, Metrics targetMetrics) {
        Map<String, StructField> have = new HashMap<>();
        for (StructField f : actual.fields()) {
            have.put(f.name(), f);
        }
        List<String> problems = new ArrayList<>();
        for (ColumnSpec c : plan.target().schema()) {
            StructField f = have.remove(c.name());
            if (f == null) {
                problems.add("missing " + c.name());
            } else if (!f.dataType().equals(c.type())) {
                problems.add(c.name() + " is " + f.dataType().simpleString() + ", declared " + c.type().simpleString());
            } else if (!c.nullable() && targetMetrics.count("nulls:" + c.name()) > 0) {
                problems.add(c.name() + " has " + targetMetrics.count("nulls:" + c.name()) + " nulls, declared non-null");
            }
        }
        have.keySet().stream().sorted().forEach(c -> problems.add("undeclared " + c));
        return CheckResult.of("schema", "schema matches catalog " + plan.target().name(), problems.isEmpty(),
                "the declared columns, types and non-null columns", problems.isEmpty() ? "as declared" : String.join(", ", problems));
    }

    private static CheckResult compatibility(ChecksSpec checks, SchemaDiff contract) {
        List<String> breaking = contract.breakingChanges().stream()
                .map(c -> (c.from() != null ? c.from() : c.to()) + " " + c.kind()).toList();
        String observed = breaking.isEmpty() ? "non-breaking" : "breaking: " + String.join(", ", breaking);
        boolean declaredNonBreaking = checks.compatibility().filter(c -> c == ChecksSpec.Compatibility.NON_BREAKING).isPresent();
        return CheckResult.of("schema", "schema change", !declaredNonBreaking || breaking.isEmpty(),
                checks.compatibility().map(c -> c.label() + " (declared)").orElse("any (checks.compatibility not declared)"), observed);
    }

    /** The warning for a run with quarantined rows: where they are and the most common error kinds. */
    private static String quarantineSummary(Dataset<Row> quarantine, String location, long rows) {
        List<Row> top = quarantine.groupBy(col("step"), regexp_replace(col("error"), "'[^']*'", "'…'").as("kind"))
                .agg(count(lit(1)).as("rows")).orderBy(col("rows").desc()).limit(3).collectAsList();
        List<String> kinds = top.stream().map(r -> r.getLong(2) + " × " + r.getString(0) + ": " + r.getString(1)).toList();
        return rows + " rows quarantined in " + location + "; top errors: " + String.join("; ", kinds);
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
