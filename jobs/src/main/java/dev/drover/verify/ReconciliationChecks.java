package dev.drover.verify;

import dev.drover.ledger.BatchRecord;
import dev.drover.measure.KeySums;
import dev.drover.model.CheckKind;
import dev.drover.model.CheckResult;
import dev.drover.model.MetricKey;
import dev.drover.model.Metrics;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Reconciliation of the pinned source against the target, from the run's metrics: rows in total,
 * keys, each removing step's share, carried columns, and (one-pass) the quarantine's writes.
 * {@code difference} explains a key mismatch with an exact comparison; it runs only on a mismatch.
 */
final class ReconciliationChecks {
    private ReconciliationChecks() {}

    /** Source = target + quarantined + removed by filter and dedup steps. */
    static CheckResult rowCount(Counts n) {
        return CheckResult.of(CheckKind.RECONCILIATION, "row count", n.source() == n.target() + n.quarantined() + n.dropped(),
                "source " + n.source() + " = target + quarantined + removed by filters",
                "target " + n.target() + " + quarantined " + n.quarantined() + " + removed " + n.dropped() + " = "
                        + (n.target() + n.quarantined() + n.dropped()));
    }

    /** Every row of the pinned source read once: the rows the batches read against the count Delta's log holds. */
    static CheckResult sourceReadOnce(long recorded, long read, int batches) {
        return CheckResult.of(CheckKind.RECONCILIATION, "every source row read once", read == recorded,
                recorded + " rows (the record count Delta's log holds for the pinned source)",
                read + " rows read by " + batches + " batch(es)");
    }

    /** Read-back: the source's key sums = the target's + the quarantine's + the removed rows'. */
    static CheckResult keysReadBack(Counts n, Metrics source, Metrics target, KeySums quarantine, Supplier<String> difference) {
        KeySums sourceKeys = new KeySums(n.source(), source.count(MetricKey.KEY_XXHASH), source.count(MetricKey.KEY_MURMUR));
        KeySums targetKeys = new KeySums(n.target(), target.count(MetricKey.TARGET_KEY_XXHASH), target.count(MetricKey.TARGET_KEY_MURMUR));
        KeySums droppedKeys = new KeySums(n.dropped(), source.count(MetricKey.DROPPED_KEY_XXHASH), source.count(MetricKey.DROPPED_KEY_MURMUR));
        boolean keysMatch = sourceKeys.equals(targetKeys.plus(quarantine).plus(droppedKeys));
        return CheckResult.of(CheckKind.RECONCILIATION, "primary key preserved", keysMatch,
                "every source key in target, quarantine or a filter's removed rows exactly once",
                keysMatch ? "0 keys missing, 0 keys more than once" : difference.get());
    }

    /**
     * One-pass: no row written with another key than its source row's; when a step may add or lose
     * rows ({@code keepsRows} false), the key sums before and after the steps agree.
     */
    static CheckResult keysOnePass(Metrics observed, boolean keepsRows, Supplier<String> difference) {
        long differ = observed.count(MetricKey.TARGET_KEY_DIFFERS);
        boolean sameKeys = keepsRows || (observed.count(MetricKey.KEY_XXHASH) == observed.count(MetricKey.AFTER_KEY_XXHASH)
                && observed.count(MetricKey.KEY_MURMUR) == observed.count(MetricKey.AFTER_KEY_MURMUR));
        boolean keysMatch = differ == 0 && sameKeys;
        return CheckResult.of(CheckKind.RECONCILIATION, "primary key preserved", keysMatch,
                "every row written keeps its source row's key; every source key in target, quarantine or a filter's removed rows once",
                keysMatch ? "0 keys missing, 0 keys more than once, 0 rows with another key"
                        : differ + " rows written with another key than their source row's" + (sameKeys ? "" : "; " + difference.get()));
    }

    /** Each removing step's share of the source rows against the share it declares ({@code < 0}: any). */
    static List<CheckResult> removedBySteps(Map<String, Double> removing, Metrics observed, long sourceRows) {
        List<CheckResult> out = new ArrayList<>();
        removing.forEach((label, max) -> {
            long removed = observed.count(MetricKey.droppedBy(label));
            double share = sourceRows == 0 ? 0 : (double) removed / sourceRows;
            out.add(CheckResult.of(CheckKind.RECONCILIATION, "removed by " + label, max < 0 || share <= max,
                    max < 0 ? "any share (none declared)" : "at most " + max + " of source rows",
                    String.format("%.6f (%d of %d rows)", share, removed, sourceRows)));
        });
        return out;
    }

    /**
     * Every carried column (source name → target name) unchanged: read-back, its checksum and
     * null count on both sides; one-pass, no row written whose value is not its source row's.
     */
    static List<CheckResult> carriedColumns(Map<String, String> carried, Metrics observed, Metrics target, boolean readBack,
                                            long targetRows) {
        List<CheckResult> out = new ArrayList<>();
        carried.forEach((from, to) -> {
            String name = "column " + to + (from.equals(to) ? "" : " (was " + from + ")") + " carried unchanged";
            String hint = "; if a SQL or Java step changes it on purpose, list it in checks.changed";
            if (readBack) {
                BigDecimal sh = observed.value(MetricKey.columnHash(to));
                BigDecimal th = target.value(MetricKey.targetColumnHash(to));
                long sn = observed.count(MetricKey.columnNulls(to));
                long tn = target.count(MetricKey.targetNulls(to));
                boolean same = Objects.equals(sh, th) && sn == tn;
                out.add(CheckResult.of(CheckKind.RECONCILIATION, name, same, "checksum " + sh + ", " + sn + " nulls (source)",
                        "checksum " + th + ", " + tn + " nulls" + (same ? "" : hint)));
            } else {
                long differ = observed.count(MetricKey.targetDiffers(to));
                out.add(CheckResult.of(CheckKind.RECONCILIATION, name, differ == 0,
                        "every row written holds its source row's value", differ + " of " + targetRows + " rows differ" + (differ == 0 ? "" : hint)));
            }
        });
        return out;
    }

    /** Per batch, one-pass: the rows its quarantine commit wrote equal those its write observed failing. */
    static CheckResult quarantineWrites(List<BatchRecord> batches) {
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
}
