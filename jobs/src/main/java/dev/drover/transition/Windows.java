package dev.drover.transition;

import dev.drover.catalog.Catalog;
import dev.drover.catalog.ConsumerEntity;
import dev.drover.catalog.DatasetEntity;
import dev.drover.model.UpdateStrategy;
import dev.drover.ledger.RunRecord;
import dev.drover.ledger.SyncRecord;
import dev.drover.ledger.TransitionRecord;
import dev.drover.model.RunStatus;
import dev.drover.model.SyncKind;
import dev.drover.model.SyncStatus;
import dev.drover.model.TransitionEvent;
import dev.drover.outbox.Outbox;
import dev.drover.outbox.EventType;
import dev.drover.outbox.OutboxEvent;
import dev.drover.spec.MigrationSpec;
import dev.drover.spec.TargetMode;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * The transition windows of a conf folder, worked out from the catalog, the specs, the ledger and
 * the outbox (no Spark, no Delta): pure, so each rule is unit-tested. A migration has a window
 * when it writes a new table and its source has dual-write consumers, from its latest run that
 * succeeded (a run rolled back after it closes the window). A consumer has moved when it
 * acknowledged a {@code migrated} event of the migration or someone declared it moved.
 */
public final class Windows {
    private Windows() {}

    /** Whether a migration has a transition window: it writes a new table for dual-write consumers of its source. */
    public static boolean hasWindow(Catalog catalog, MigrationSpec spec) {
        return spec.mode() == TargetMode.NEW_TABLE && !catalog.dualWriteConsumersOf(spec.source()).isEmpty();
    }

    /**
     * Every window, in spec order. {@code runs}: the latest state of every run (any order);
     * {@code syncs}: the latest state of every sync; {@code locations}: a dataset's resolved location.
     */
    public static List<Window> of(Catalog catalog, List<MigrationSpec> specs, List<RunRecord> runs, List<SyncRecord> syncs,
                                  List<TransitionRecord> transitions, Outbox.State outbox, Function<String, String> locations) {
        List<Window> out = new ArrayList<>();
        for (MigrationSpec spec : specs) {
            if (!hasWindow(catalog, spec)) {
                continue;
            }
            List<RunRecord> mine = runs.stream().filter(r -> r.migration().equals(spec.id()))
                    .sorted(Comparator.comparing(RunRecord::eventTime).reversed()).toList();
            Optional<RunRecord> base = base(mine);
            if (base.isEmpty()) {
                continue;
            }
            DatasetEntity source = catalog.dataset(spec.source()).orElseThrow();
            DatasetEntity target = catalog.dataset(spec.target()).orElseThrow();
            List<SyncRecord> windowSyncs = syncs.stream().filter(s -> s.migration().equals(spec.id()))
                    .sorted(Comparator.comparing(SyncRecord::startedAt)).toList();
            long lastSynced = lastSynced(base.get(), windowSyncs);
            List<TransitionRecord> events = transitions.stream().filter(t -> t.migration().equals(spec.id())).toList();
            Optional<TransitionRecord> retired = events.stream().filter(t -> t.event() == TransitionEvent.RETIRED).findFirst();
            List<Window.ConsumerState> consumers = catalog.consumersOf(spec.source()).stream()
                    .map(c -> consumer(c, spec.id(), mine, events, outbox)).toList();
            Optional<LocalDate> deadline = catalog.dualWriteConsumersOf(spec.source()).stream()
                    .map(c -> date(c.dualWriteUntil().orElse(""))).flatMap(Optional::stream).max(Comparator.naturalOrder());
            out.add(new Window(spec.id(), source.name(), target.name(), locations.apply(source.location()),
                    locations.apply(target.location()), base.get(), windowSyncs, lastSynced, consumers, deadline, retired));
        }
        return out;
    }

    /** The same window with its syncs as {@code syncs} says now (read again under the target's lock). */
    public static Window withSyncs(Window window, List<SyncRecord> syncs) {
        List<SyncRecord> mine = syncs.stream().filter(s -> s.migration().equals(window.migration()))
                .sorted(Comparator.comparing(SyncRecord::startedAt)).toList();
        return new Window(window.migration(), window.source(), window.target(), window.sourceLocation(), window.targetLocation(),
                window.base(), mine, lastSynced(window.base(), mine), window.consumers(), window.deadline(), window.retired());
    }

    /**
     * The run the window stands on: the latest run that succeeded, unless a later run rolled back
     * (the window then closed) — a running run after it (a resnapshot, a resumed one) leaves it.
     */
    static Optional<RunRecord> base(List<RunRecord> newestFirst) {
        for (RunRecord run : newestFirst) {
            if (run.status() == RunStatus.SUCCEEDED) {
                return Optional.of(run);
            }
            if (run.status() == RunStatus.ROLLED_BACK) {
                return Optional.empty();
            }
        }
        return Optional.empty();
    }

    /** The source version v2 is in step with: the base run's, or the end of the last sync of it that succeeded. */
    static long lastSynced(RunRecord base, List<SyncRecord> syncs) {
        long synced = base.sourceVersion();
        for (SyncRecord s : syncs) {
            if (s.kind() == SyncKind.SYNC && s.status() == SyncStatus.SUCCEEDED && s.baseRun().equals(base.runId())) {
                synced = Math.max(synced, s.toVersion());
            }
        }
        return synced;
    }

    private static Window.ConsumerState consumer(ConsumerEntity c, String migration, List<RunRecord> runs,
                                                 List<TransitionRecord> events, Outbox.State outbox) {
        Optional<Window.Adoption> moved = Optional.empty();
        for (RunRecord run : runs) {
            // the consumer may acknowledge whichever of its events reached it (Kafka, endpoint, repository)
            String id = java.util.Arrays.stream(dev.drover.outbox.Channel.values())
                    .map(ch -> OutboxEvent.id(run.runId(), c.name(), EventType.MIGRATED, ch))
                    .filter(outbox.acked()::contains).findFirst().orElse(null);
            if (id != null) {
                moved = Optional.of(new Window.Adoption("acknowledged", c.name(), outbox.ackedAt().getOrDefault(id, run.eventTime())));
                break;
            }
        }
        if (moved.isEmpty()) {
            moved = events.stream().filter(t -> t.event() == TransitionEvent.MOVED && t.subject().equals(c.name()))
                    .map(t -> new Window.Adoption("declared", t.actor(), t.eventTime())).findFirst();
        }
        Optional<LocalDate> deadline = c.strategy() == UpdateStrategy.DUAL_WRITE ? date(c.dualWriteUntil().orElse(""))
                : outbox.events().stream().filter(e -> e.consumer().equals(c.name()) && e.migration() != null
                        && e.migration().equals(migration) && e.type() == EventType.MIGRATED)
                        .map(e -> date(e.deadline())).flatMap(Optional::stream).max(Comparator.naturalOrder());
        return new Window.ConsumerState(c, moved, deadline);
    }

    private static Optional<LocalDate> date(String text) {
        if (text == null || text.isBlank()) {
            return Optional.empty();
        }
        try {
            return Optional.of(LocalDate.parse(text.length() > 10 ? text.substring(0, 10) : text));
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }
}
