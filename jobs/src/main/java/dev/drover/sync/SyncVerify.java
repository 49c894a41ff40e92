package dev.drover.sync;

import static java.util.Objects.requireNonNull;
import static org.apache.spark.sql.functions.col;

import dev.drover.common.SqlNames;
import dev.drover.measure.DeequSuite;
import dev.drover.measure.KeySums;
import dev.drover.measure.MetricPlan;
import dev.drover.model.CheckKind;
import dev.drover.model.CheckResult;
import dev.drover.model.Metrics;
import dev.drover.plan.MigrationPlan;
import dev.drover.spec.InvariantSpec;
import dev.drover.transforms.RowErrors;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructField;

/**
 * The full check of a transition window: v2 as it is now against the migration's steps over v1 at
 * the last synced version (the plan's source), as {@code drover validate} reads both. v2 must hold
 * exactly the rows that reach the target, each once: the row counts and two order-independent hash
 * sums over every column must agree (on a mismatch, the rows on each side the other lacks are
 * counted exactly); the invariants are computed over both whole tables and the constraints over v2.
 */
public final class SyncVerify {
    private final MetricPlan metrics;
    private final MigrationPlan plan;

    public SyncVerify(MetricPlan metrics) {
        this.metrics = requireNonNull(metrics, "metrics is null");
        this.plan = metrics.plan();
    }

    public List<CheckResult> check(Dataset<Row> target, String metricsRepository, String verifyId) {
        List<Column> columns = new ArrayList<>();
        for (StructField f : plan.targetSchema().fields()) {
            columns.add(col(SqlNames.quote(f.name())));
        }
        Dataset<Row> expected = plan.pipeline().apply(MetricPlan.withHidden(plan.sourceFrame(), plan.source().primaryKey()))
                .where(RowErrors.reached()).select(columns.toArray(Column[]::new));
        Dataset<Row> actual = target.select(columns.toArray(Column[]::new));
        KeySums want = KeySums.of(expected, columns, false);
        KeySums have = KeySums.of(actual, columns, false);
        List<CheckResult> checks = new ArrayList<>();
        boolean same = want.equals(have);
        String observed = have.rows() + " rows (hash sums " + have.xxhash() + ", " + have.murmur() + ")";
        if (!same) {
            observed += "; " + actual.exceptAll(expected).count() + " rows of v2 are not the steps' result, "
                    + expected.exceptAll(actual).count() + " rows of the steps' result are not in v2";
        }
        checks.add(CheckResult.of(CheckKind.RECONCILIATION, "v2 equals the steps over v1", same,
                want.rows() + " rows (hash sums " + want.xxhash() + ", " + want.murmur() + ") from " + plan.source().name()
                        + " at version " + plan.sourceVersion(), observed));
        Metrics source = plan.spec().checks().invariants().stream().anyMatch(i -> i.source().isPresent())
                ? metrics.aggregate(MetricPlan.withHidden(plan.sourceFrame(), plan.source().primaryKey()), verifyId, false)
                : Metrics.EMPTY;
        Metrics whole = metrics.readTarget(target);
        for (InvariantSpec inv : plan.spec().checks().invariants()) {
            BigDecimal value = metrics.targetValue(inv, whole);
            BigDecimal wanted = inv.source().isPresent() ? source.value(MetricPlan.sourceKey(inv)) : inv.expect().orElseThrow();
            boolean ok = (value == null && wanted == null)
                    || (value != null && wanted != null && value.subtract(wanted).abs().compareTo(inv.tolerance()) <= 0);
            checks.add(CheckResult.of(CheckKind.INVARIANT, "invariant " + inv.name(), ok, inv.description() + ": "
                    + (wanted == null ? "null" : wanted.stripTrailingZeros().toPlainString()),
                    value == null ? "null" : value.stripTrailingZeros().toPlainString()));
        }
        DeequSuite deequ = metrics.deequ();
        var measured = deequ.metrics(List.of(whole), metrics.read(whole), () -> target);
        for (DeequSuite.Outcome o : deequ.evaluate(measured, metricsRepository, plan.target().name(), verifyId, -1).outcomes()) {
            checks.add(CheckResult.of(CheckKind.CONSTRAINT, o.name(), o.passed(), o.constraint(),
                    o.observed() + (o.message().isEmpty() ? "" : " (" + o.message() + ")")));
        }
        return checks;
    }
}
