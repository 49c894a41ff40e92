package dev.drover.ledger;

import static java.util.Objects.requireNonNull;

import dev.drover.model.SyncKind;
import dev.drover.model.SyncStatus;
import java.time.Instant;
import java.util.Optional;

/**
 * One state of a sync of a transition window, as the ledger's {@code syncs} table holds it
 * (append-only; the latest row per sync is its state). A sync applies v1's changes from
 * {@code fromVersion} to {@code toVersion} (both included) to v2 in one commit; {@code targetBefore}
 * is v2's version before it (what a failed sync restores), {@code targetAfter} the version of its
 * commit. The counts are the sync's proof: {@code changeRows} keys changed in the range (after the
 * last-wins reduction), of which {@code inserted}, {@code updated} and {@code deleted} in v2 by the
 * merge, {@code quarantined} by a step, {@code removed} by a filter, and the rest deletes of keys v2
 * never held. {@code state} is the running invariant state after the sync (JSON), for the next one.
 */
public record SyncRecord(String syncId, SyncKind kind, String migration, String baseRun, String source, String target,
                         long fromVersion, long toVersion, SyncStatus status, Optional<Long> targetBefore,
                         Optional<Long> targetAfter, long cdfRows, long changeRows, long inserted, long updated, long deleted,
                         long quarantined, long removed, String state, String message, Instant startedAt, Instant eventTime,
                         String host, long pid) {
    public SyncRecord {
        requireNonNull(syncId, "syncId is null");
        requireNonNull(kind, "kind is null");
        requireNonNull(migration, "migration is null");
        requireNonNull(baseRun, "baseRun is null");
        requireNonNull(status, "status is null");
        requireNonNull(targetBefore, "targetBefore is null");
        requireNonNull(targetAfter, "targetAfter is null");
        requireNonNull(startedAt, "startedAt is null");
        requireNonNull(eventTime, "eventTime is null");
        state = state == null ? "" : state;
        message = message == null ? "" : message;
    }

    /** The versions this sync covers, as the CLI prints them: {@code 4..9}, or {@code 9} for one. */
    public String range() {
        return fromVersion == toVersion ? String.valueOf(toVersion) : fromVersion + ".." + toVersion;
    }

    public SyncRecord ended(SyncStatus newStatus, Optional<Long> after, Counts counts, String newState, String newMessage) {
        return new SyncRecord(syncId, kind, migration, baseRun, source, target, fromVersion, toVersion, newStatus, targetBefore,
                after, counts.cdfRows(), counts.changeRows(), counts.inserted(), counts.updated(), counts.deleted(),
                counts.quarantined(), counts.removed(), newState, newMessage, startedAt, Instant.now(), host, pid);
    }

    public Counts counts() {
        return new Counts(cdfRows, changeRows, inserted, updated, deleted, quarantined, removed);
    }

    /** What a sync read and did, row by row. */
    public record Counts(long cdfRows, long changeRows, long inserted, long updated, long deleted, long quarantined, long removed) {
        public static final Counts NONE = new Counts(0, 0, 0, 0, 0, 0, 0);
    }
}
