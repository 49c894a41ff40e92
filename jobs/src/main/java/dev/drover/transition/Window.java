package dev.drover.transition;

import static java.util.Objects.requireNonNull;

import dev.drover.catalog.ConsumerEntity;
import dev.drover.ledger.RunRecord;
import dev.drover.ledger.SyncRecord;
import dev.drover.ledger.TransitionRecord;
import dev.drover.model.SyncKind;
import dev.drover.model.SyncStatus;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;

/**
 * A transition window: a new-table migration whose source has dual-write consumers, from the run
 * that made its target ({@code base}, the latest run that succeeded; a resnapshot makes a new one)
 * until every consumer of the source has moved and the source is retired. {@code syncs} are the
 * window's syncs, verifications and resnapshots, oldest first; {@code lastSynced} the source
 * version the target is in step with; {@code deadline} the latest dual-write end date.
 */
public record Window(String migration, String source, String target, String sourceLocation, String targetLocation,
                     RunRecord base, List<SyncRecord> syncs, long lastSynced, List<ConsumerState> consumers,
                     Optional<LocalDate> deadline, Optional<TransitionRecord> retired) {
    public Window {
        requireNonNull(migration, "migration is null");
        requireNonNull(base, "base is null");
        syncs = List.copyOf(syncs);
        consumers = List.copyOf(consumers);
        requireNonNull(deadline, "deadline is null");
        requireNonNull(retired, "retired is null");
    }

    /** How a consumer moved to the new version: {@code acknowledged} its event, or {@code declared} moved by someone. */
    public record Adoption(String how, String by, Instant at) {}

    /** A consumer of the source and whether it has moved; {@code deadline}: its dual-write end, else its event's deadline. */
    public record ConsumerState(ConsumerEntity consumer, Optional<Adoption> moved, Optional<LocalDate> deadline) {
        public boolean hasMoved() {
            return moved.isPresent();
        }
    }

    public boolean open() {
        return retired.isEmpty();
    }

    /** A sync that started and did not end (killed): the next sync resumes it. */
    public Optional<SyncRecord> unfinished() {
        return syncs.stream().filter(s -> s.kind() == SyncKind.SYNC && s.status() == SyncStatus.RUNNING
                && s.baseRun().equals(base.runId())).reduce((a, b) -> b);
    }

    public long syncsDone() {
        return syncs.stream().filter(s -> s.kind() == SyncKind.SYNC && s.status() == SyncStatus.SUCCEEDED).count();
    }

    public long syncsFailed() {
        return syncs.stream().filter(s -> s.kind() == SyncKind.SYNC && s.status() == SyncStatus.FAILED).count();
    }

    /** The last sync that succeeded since the base run, if any. */
    public Optional<SyncRecord> lastSync() {
        return syncs.stream().filter(s -> s.kind() == SyncKind.SYNC && s.status() == SyncStatus.SUCCEEDED
                && s.baseRun().equals(base.runId())).reduce((a, b) -> b);
    }

    public List<ConsumerState> notMoved() {
        return consumers.stream().filter(c -> !c.hasMoved()).toList();
    }

    /** Syncs of this base run that succeeded since the last full check (for {@code drover.sync.verify-every}). */
    public long syncsSinceVerify() {
        long n = 0;
        for (SyncRecord s : syncs) {
            if (!s.baseRun().equals(base.runId())) {
                continue;
            }
            if (s.kind() == SyncKind.VERIFY && s.status() == SyncStatus.SUCCEEDED) {
                n = 0;
            } else if (s.kind() == SyncKind.SYNC && s.status() == SyncStatus.SUCCEEDED) {
                n++;
            }
        }
        return n;
    }
}
