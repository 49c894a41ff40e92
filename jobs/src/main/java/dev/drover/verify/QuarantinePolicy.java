package dev.drover.verify;

import dev.drover.model.CheckKind;
import dev.drover.model.CheckResult;
import dev.drover.model.MetricKey;
import dev.drover.model.Metrics;
import java.util.ArrayList;
import java.util.List;

/**
 * The quarantine policy: the share (and, when set, the number) of source rows quarantined within
 * the policy's limits; a warning, never a failure, for rows a per-row step had to retry.
 */
final class QuarantinePolicy {
    private QuarantinePolicy() {}

    static List<CheckResult> check(VerifyStage.Policy policy, Counts n, Metrics observed) {
        List<CheckResult> out = new ArrayList<>();
        double ratio = n.source() == 0 ? 0 : (double) n.quarantined() / n.source();
        out.add(CheckResult.of(CheckKind.QUARANTINE, "quarantine ratio", ratio <= policy.maxQuarantineRatio(),
                "at most " + policy.maxQuarantineRatio(), String.format("%.6f (%d of %d rows)", ratio, n.quarantined(), n.source())));
        if (policy.maxQuarantineRows() >= 0) {
            out.add(CheckResult.of(CheckKind.QUARANTINE, "quarantined rows", n.quarantined() <= policy.maxQuarantineRows(),
                    "at most " + policy.maxQuarantineRows(), String.valueOf(n.quarantined())));
        }
        long retried = observed.count(MetricKey.RETRIED);
        if (retried > 0) {
            long recovered = observed.count(MetricKey.RECOVERED);
            out.add(CheckResult.warning(CheckKind.RETRY, "rows recovered by retrying",
                    "rows a per-row step tried more than once", recovered + " of " + retried + " rows retried succeeded; "
                            + (retried - recovered) + " failed every try (quarantined)"));
        }
        return out;
    }
}
