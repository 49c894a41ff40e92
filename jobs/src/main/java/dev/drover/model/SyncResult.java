package dev.drover.model;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Map;

/**
 * How a sync of a transition window ended: the source versions it applied ({@code fromVersion}
 * to {@code toVersion}), v2's version after it, what it did row by row, and its checks.
 */
public record SyncResult(String syncId, String migration, Outcome outcome, boolean resumed, long fromVersion, long toVersion,
                         long targetVersion, long changeRows, long inserted, long updated, long deleted, long quarantined,
                         long removed, List<CheckResult> checks, String message, Map<String, Double> timings) {
    /** What became of the window: in step (synced, or nothing to do), restored after failed checks, verified. */
    public enum Outcome implements Labelled {
        SYNCED, UP_TO_DATE, FAILED_AND_RESTORED, VERIFIED, VERIFY_FAILED, RESNAPSHOT;

        /** Whether v2 is in step and proven after it (exit 0). */
        public boolean passed() {
            return this != FAILED_AND_RESTORED && this != VERIFY_FAILED;
        }
    }

    public SyncResult {
        requireNonNull(syncId, "syncId is null");
        requireNonNull(migration, "migration is null");
        requireNonNull(outcome, "outcome is null");
        checks = List.copyOf(checks);
        message = message == null ? "" : message;
        timings = Map.copyOf(timings);
    }

    /** This result with the full check that followed it (its checks added; a failed check fails it). */
    public SyncResult withVerification(SyncResult verify) {
        List<CheckResult> all = new java.util.ArrayList<>(checks);
        all.addAll(verify.checks());
        Outcome combined = verify.outcome() == Outcome.VERIFY_FAILED ? Outcome.VERIFY_FAILED : outcome;
        String text = verify.outcome() == Outcome.VERIFY_FAILED ? verify.message() : message;
        return new SyncResult(syncId, migration, combined, resumed, fromVersion, toVersion, targetVersion, changeRows, inserted,
                updated, deleted, quarantined, removed, all, text, timings);
    }
}
