package dev.drover.sync;

import static java.util.Objects.requireNonNull;

import dev.drover.measure.DeequSuite;
import dev.drover.measure.KeySums;
import dev.drover.measure.MetricPlan;
import dev.drover.model.CheckKind;
import dev.drover.model.CheckResult;
import dev.drover.model.MetricKey;
import dev.drover.model.Metrics;
import dev.drover.plan.MigrationPlan;
import dev.drover.spec.InvariantSpec;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.apache.spark.sql.types.StructType;

/**
 * The proof of one sync, before it counts. The staged changes are reconciled with the keys the
 * feed changed (every changed key once: upserted, failed, removed by a step, deleted, or inserted
 * and deleted within the range); the MERGE is reconciled with what it had to do (Delta's metrics
 * against the keys v2 held before it) and with what it wrote (v2's own change feed of its commit,
 * hashed row by row, against the staged rows); v2's row count moves by exactly inserted less
 * deleted; every row written keeps its source row's key and carried values (observed as in a
 * one-pass batch write); the invariants hold on v2 after the sync (sums, counts and count_ifs kept
 * up to date from the rows added and taken away, others read whole); the constraints hold on the
 * rows written (a size constraint on v2's row count); the quarantine policy; v2's schema.
 */
public final class SyncProof {
    /** What the sync saw and did, for its checks. */
    public record Evidence(SyncStaging.Staged staged, SyncMerge.Expected expected, SyncMerge.Applied applied,
                           Optional<Long> rowsChanged, java.util.function.Supplier<Long> rowsAfter, Metrics quarantineWrite,
                           java.util.function.LongSupplier sourceRecords,
                           Metrics state, Metrics removedSources, StructType written, List<String> carriedAdditive,
                           List<String> ignoredAdditive) {
        public Evidence {
            requireNonNull(staged, "staged is null");
            requireNonNull(expected, "expected is null");
            requireNonNull(applied, "applied is null");
            carriedAdditive = List.copyOf(carriedAdditive);
            ignoredAdditive = List.copyOf(ignoredAdditive);
        }
    }

    /** The thresholds in force: the spec's, else the config's. */
    public record Policy(double maxQuarantineRatio, long maxQuarantineRows) {}

    /** The checks, the invariant state after the sync, and the rows quarantined. */
    public record Outcome(List<CheckResult> checks, Metrics state, long quarantined) {
        public boolean passed() {
            return checks.stream().allMatch(CheckResult::passed);
        }
    }

    private final MetricPlan metrics;
    private final MigrationPlan plan;
    /** Whole target and source aggregates, read only when an invariant cannot be kept up to date. */
    private final Supplier<Metrics> wholeTarget;
    private final Supplier<Metrics> wholeSource;
    /** Deequ's own pass over v2 after the sync, for a grouping constraint (null when none needs it). */
    private final Supplier<org.apache.spark.sql.Dataset<org.apache.spark.sql.Row>> targetAfter;

    public SyncProof(MetricPlan metrics, Supplier<Metrics> wholeTarget, Supplier<Metrics> wholeSource,
                     Supplier<org.apache.spark.sql.Dataset<org.apache.spark.sql.Row>> targetAfter) {
        this.metrics = requireNonNull(metrics, "metrics is null");
        this.plan = metrics.plan();
        this.wholeTarget = wholeTarget;
        this.wholeSource = wholeSource;
        this.targetAfter = targetAfter;
    }

    public Outcome prove(Evidence e, Policy policy, String metricsRepository, String syncId) {
        List<CheckResult> checks = new ArrayList<>();
        Metrics observed = e.staged().observed();
        checks.add(changeRows(e.staged(), observed));
        checks.add(mergeCounts(e));
        checks.add(mergeRows(e));
        if (e.applied().version().isPresent()) {
            e.rowsChanged().map(changed -> rowCount(e, changed)).ifPresent(checks::add);
        }
        checks.addAll(perRow(observed));
        long quarantined = observed.count(MetricKey.FAILED);
        checks.add(CheckResult.of(CheckKind.QUARANTINE, "quarantine holds the failed rows",
                e.quarantineWrite().count(MetricKey.QUARANTINED) == quarantined,
                "the sync's quarantine commit holds the rows that failed a step", e.quarantineWrite().count(MetricKey.QUARANTINED)
                        + " rows in quarantine, " + quarantined + " failed"));
        // the source's record count (a pass over its log's statistics) only matters when something was quarantined
        long sourceRows = quarantined == 0 ? -1 : e.sourceRecords().getAsLong();
        double ratio = sourceRows <= 0 ? 0 : (double) quarantined / sourceRows;
        checks.add(CheckResult.of(CheckKind.QUARANTINE, "quarantine ratio", ratio <= policy.maxQuarantineRatio(),
                "at most " + policy.maxQuarantineRatio() + " of " + plan.source().name() + "'s rows",
                quarantined == 0 ? "0 rows quarantined" : String.format("%.6f (%d of %d rows)", ratio, quarantined, sourceRows)));
        if (policy.maxQuarantineRows() >= 0) {
            checks.add(CheckResult.of(CheckKind.QUARANTINE, "quarantined rows", quarantined <= policy.maxQuarantineRows(),
                    "at most " + policy.maxQuarantineRows(), String.valueOf(quarantined)));
        }
        Metrics state = e.state().plus(e.applied().added()).minus(e.applied().removed())
                .plus(observed.only(sourceKeys())).minus(e.removedSources());
        checks.addAll(invariants(state));
        checks.addAll(constraints(observed, e.rowsAfter(), metricsRepository, syncId));
        checks.add(schema(e));
        return new Outcome(checks, state.only(stateKeys()), quarantined);
    }

    private CheckResult changeRows(SyncStaging.Staged s, Metrics observed) {
        long reached = observed.count(MetricKey.TARGET_ROWS);
        long failed = observed.count(MetricKey.FAILED);
        long removed = observed.count(MetricKey.DROPPED);
        long steps = observed.count(MetricKey.SOURCE_ROWS);
        long vanished = plan.pipeline().keepsRows() ? 0 : Math.max(0, s.upserts() - reached - failed - removed);
        boolean ok = steps == s.upserts() && s.upserts() == reached + failed + removed + vanished;
        return CheckResult.of(CheckKind.RECONCILIATION, "change rows", ok,
                s.changeRows() + " keys changed (" + s.cdfRows() + " feed rows) = upserted + failed + removed by steps"
                        + (vanished > 0 ? " + left out by a SQL or Java step" : "") + " + deleted + inserted and deleted in the range",
                reached + " reached + " + failed + " quarantined + " + removed + " removed" + (vanished > 0 ? " + " + vanished + " left out" : "")
                        + " + " + s.deletes() + " deleted + " + s.transients() + " transient = "
                        + (reached + failed + removed + vanished + s.deletes() + s.transients())
                        + (steps == s.upserts() ? "" : "; the steps saw " + steps + " rows of " + s.upserts()));
    }

    /** Delta's own metrics of the MERGE against what it had to do. */
    private static CheckResult mergeCounts(Evidence e) {
        SyncMerge.Expected x = e.expected();
        SyncMerge.Applied a = e.applied();
        long inserted = a.deltaMetrics().getOrDefault("numTargetRowsInserted", 0L);
        long updated = a.deltaMetrics().getOrDefault("numTargetRowsUpdated", 0L);
        long deleted = a.deltaMetrics().getOrDefault("numTargetRowsDeleted", 0L);
        long source = a.deltaMetrics().getOrDefault("numSourceRows", 0L);
        boolean committed = a.version().isPresent() || x.sourceRows() == 0;
        boolean ok = committed && (x.sourceRows() == 0 || (source == x.sourceRows() && updated == x.matchedUpserts()
                && inserted == x.upserts() - x.matchedUpserts() && deleted == x.matchedRemovals()));
        return CheckResult.of(CheckKind.RECONCILIATION, "merge applied the changes", ok,
                x.sourceRows() + " source rows: " + (x.upserts() - x.matchedUpserts()) + " inserted, " + x.matchedUpserts()
                        + " updated, " + x.matchedRemovals() + " deleted (of " + x.removals() + " keys to delete, the others not in v2)",
                !committed ? "no commit of the sync in v2"
                        : source + " source rows: " + inserted + " inserted, " + updated + " updated, " + deleted + " deleted");
    }

    /** v2's change feed of the sync's commit against the staged rows: the same rows, each once. */
    private static CheckResult mergeRows(Evidence e) {
        KeySums staged = e.expected().staged();
        KeySums written = e.applied().written();
        boolean ok = staged.equals(written) && e.applied().deleted() == e.expected().matchedRemovals()
                && e.applied().preimages() == e.applied().updated();
        return CheckResult.of(CheckKind.RECONCILIATION, "rows merged are the rows staged", ok,
                staged.rows() + " rows (hash sums " + staged.xxhash() + ", " + staged.murmur() + ") and "
                        + e.expected().matchedRemovals() + " deletes",
                written.rows() + " rows (hash sums " + written.xxhash() + ", " + written.murmur() + ") and "
                        + e.applied().deleted() + " deletes in " + e.applied().version().map(v -> "v2's change feed of version " + v)
                        .orElse("no commit"));
    }

    /** The rows the sync's commit added less those it took away, from its file actions, against its change feed's counts. */
    private static CheckResult rowCount(Evidence e, long changed) {
        long expected = e.applied().inserted() - e.applied().deleted();
        return CheckResult.of(CheckKind.RECONCILIATION, "row count", changed == expected,
                "v2's rows move by " + e.applied().inserted() + " inserted - " + e.applied().deleted() + " deleted = " + expected,
                "the commit's files: " + (changed >= 0 ? "+" : "") + changed + " rows (record counts less deletion-vector marks, from Delta's log)");
    }

    /** Each row written kept its source row's key, carried values and declared non-nulls (one pass, as a batch write). */
    private List<CheckResult> perRow(Metrics observed) {
        List<CheckResult> out = new ArrayList<>();
        long reached = observed.count(MetricKey.TARGET_ROWS);
        long differ = observed.count(MetricKey.TARGET_KEY_DIFFERS);
        out.add(CheckResult.of(CheckKind.RECONCILIATION, "primary key preserved", differ == 0,
                "every row written keeps its source row's key", differ + " of " + reached + " rows with another key"));
        metrics.checksummed().forEach((from, to) -> {
            long n = observed.count(MetricKey.targetDiffers(to));
            out.add(CheckResult.of(CheckKind.RECONCILIATION, "column " + to + (from.equals(to) ? "" : " (was " + from + ")")
                    + " carried unchanged", n == 0, "every row written holds its source row's value", n + " of " + reached + " rows differ"));
        });
        return out;
    }

    private List<CheckResult> invariants(Metrics state) {
        List<CheckResult> out = new ArrayList<>();
        for (InvariantSpec inv : plan.spec().checks().invariants()) {
            BigDecimal value;
            BigDecimal expected;
            String how;
            if (metrics.decremental(inv)) {
                value = metrics.targetValue(inv, state);
                expected = inv.source().isPresent() ? state.value(MetricPlan.sourceKey(inv)) : inv.expect().orElseThrow();
                how = "kept up to date";
            } else {
                value = metrics.targetValue(inv, wholeTarget.get());
                expected = inv.source().isPresent() ? wholeSource.get().value(MetricPlan.sourceKey(inv)) : inv.expect().orElseThrow();
                how = "both tables read";
            }
            boolean ok = (value == null && expected == null)
                    || (value != null && expected != null && value.subtract(expected).abs().compareTo(inv.tolerance()) <= 0);
            out.add(CheckResult.of(CheckKind.INVARIANT, "invariant " + inv.name(), ok, inv.description() + ": " + plain(expected)
                    + " on v2 after the sync (" + how + ")", plain(value)));
        }
        return out;
    }

    private List<CheckResult> constraints(Metrics observed, java.util.function.Supplier<Long> rowsAfter, String repository, String syncId) {
        DeequSuite deequ = metrics.deequ();
        var measured = deequ.metrics(List.of(observed), metrics.written(observed), targetAfter);
        if (plan.target().constraints().stream().anyMatch(c -> c.kind() == dev.drover.model.ConstraintSpec.Kind.SIZE)
                || plan.spec().checks().constraints().stream().anyMatch(c -> c.kind() == dev.drover.model.ConstraintSpec.Kind.SIZE)) {
            measured = deequ.withRowCount(measured, rowsAfter.get());   // a size constraint is about all of v2
        }
        List<CheckResult> out = new ArrayList<>();
        boolean none = observed.count(MetricKey.TARGET_ROWS) == 0;
        for (DeequSuite.Outcome o : deequ.evaluate(measured, repository, plan.target().name(), syncId, -1).outcomes()) {
            // a constraint on the rows written holds when none were (Deequ calls that an empty state)
            boolean vacuous = none && !o.passed() && o.observed().equals("n/a");
            out.add(CheckResult.of(CheckKind.CONSTRAINT, o.name(), o.passed() || vacuous, o.constraint() + " (on the rows the sync wrote)",
                    vacuous ? "no rows written" : o.observed() + (o.message().isEmpty() ? "" : " (" + o.message() + ")")));
        }
        return out;
    }

    private CheckResult schema(Evidence e) {
        List<String> problems = plan.target().schemaProblems(e.written(), c -> 0, java.util.Set.copyOf(e.carriedAdditive()));
        List<String> notes = new ArrayList<>();
        if (!e.carriedAdditive().isEmpty()) {
            notes.add("carried from " + plan.source().name() + ": " + String.join(", ", e.carriedAdditive())
                    + " (declare in " + plan.target().name() + ")");
        }
        if (!e.ignoredAdditive().isEmpty()) {
            notes.add("new in " + plan.source().name() + " and left out by the steps: " + String.join(", ", e.ignoredAdditive()));
        }
        String observed = problems.isEmpty() ? "as declared" : String.join(", ", problems);
        if (!notes.isEmpty()) {
            observed += "; " + String.join("; ", notes);
        }
        return problems.isEmpty() && !notes.isEmpty()
                ? CheckResult.warning(CheckKind.SCHEMA, "schema matches catalog " + plan.target().name(),
                        "the declared columns and types", observed)
                : CheckResult.of(CheckKind.SCHEMA, "schema matches catalog " + plan.target().name(), problems.isEmpty(),
                        "the declared columns and types", observed);
    }

    /** The invariant state's names: each decremental invariant's source aggregate and target parts. */
    public List<String> stateKeys() {
        List<String> keys = new ArrayList<>(sourceKeys());
        keys.addAll(metrics.invariantPartNames());
        return keys;
    }

    private List<String> sourceKeys() {
        return plan.spec().checks().invariants().stream().filter(i -> i.source().isPresent() && metrics.decremental(i))
                .map(i -> MetricPlan.sourceKey(i).name()).toList();
    }

    private static String plain(BigDecimal value) {
        return value == null ? "null" : value.stripTrailingZeros().toPlainString();
    }
}
