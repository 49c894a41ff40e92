package dev.drover.verify;

import dev.drover.measure.MetricPlan;
import dev.drover.model.CheckKind;
import dev.drover.model.CheckResult;
import dev.drover.model.Metrics;
import dev.drover.spec.InvariantSpec;
import java.math.BigDecimal;
import java.util.List;
import java.util.function.Function;

/**
 * The spec's invariants: each target aggregate against its source aggregate (from the run's
 * metrics) or its expected value, within its tolerance. Both null (aggregates over no rows) agree.
 */
final class InvariantChecks {
    private InvariantChecks() {}

    static List<CheckResult> check(List<InvariantSpec> invariants, Function<InvariantSpec, BigDecimal> targetValue, Metrics observed) {
        return invariants.stream().map(inv -> {
            BigDecimal value = targetValue.apply(inv);
            BigDecimal expected = inv.source().isPresent() ? observed.value(MetricPlan.sourceKey(inv)) : inv.expect().orElseThrow();
            boolean ok = value != null && expected != null && value.subtract(expected).abs().compareTo(inv.tolerance()) <= 0;
            return CheckResult.of(CheckKind.INVARIANT, "invariant " + inv.name(), ok || (value == null && expected == null),
                    inv.description() + ": " + plain(expected) + (inv.tolerance().signum() > 0 ? " ± " + inv.tolerance().toPlainString() : ""),
                    plain(value));
        }).toList();
    }

    static String plain(BigDecimal value) {
        return value == null ? "null" : value.stripTrailingZeros().toPlainString();
    }
}
