package dev.drover.transition;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.drover.catalog.Catalog;
import dev.drover.catalog.ColumnSpec;
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
import dev.drover.spec.BatchingSpec;
import dev.drover.spec.ChecksSpec;
import dev.drover.spec.MigrationSpec;
import dev.drover.spec.QuotaSpec;
import dev.drover.spec.TargetMode;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** A window's state from the catalog, the ledger and the outbox, without Spark. */
class WindowsTest {
    private static final Instant T = Instant.parse("2027-03-20T10:00:00Z");

    private static DatasetEntity dataset(String name) {
        return new DatasetEntity(name, "users.yaml", "group:x", name.replace('-', '_'), "delta",
                List.of(new ColumnSpec("id", org.apache.spark.sql.types.DataTypes.LongType, false)), List.of("id"), List.of(), List.of(),
                List.of(), Map.of());
    }

    private static ConsumerEntity consumer(String name, UpdateStrategy strategy, String until) {
        return new ConsumerEntity(name, "consumers.yaml", "group:y", List.of("users-v1"), strategy, 1, Optional.ofNullable(until),
                Optional.empty(), Optional.empty());
    }

    private static final Catalog CATALOG = new Catalog(Map.of("users-v1", dataset("users-v1"), "users-v2", dataset("users-v2")),
            Map.of("billing", consumer("billing", UpdateStrategy.DUAL_WRITE, "2027-03-31"), "dash", consumer("dash", UpdateStrategy.IMMEDIATE, null)),
            Map.of());

    private static MigrationSpec spec(TargetMode mode) {
        return new MigrationSpec("users/V2", "users", 2, "d", Path.of("V2__d.conf"), "sum", "users-v1", "users-v2", mode, "t", List.of(),
                new BatchingSpec(BatchingSpec.By.AUTO, Optional.empty(), Optional.empty()), ChecksSpec.NONE, QuotaSpec.NONE);
    }

    private static RunRecord run(String id, RunStatus status, long sourceVersion, Instant at) {
        return new RunRecord(id, "users/V2", "sum", "users-v1", "wh/users_v1", sourceVersion, "users-v2", "wh/users_v2", TargetMode.NEW_TABLE,
                Optional.empty(), Optional.of(1L), status, "", at, "h", 1, "");
    }

    private static SyncRecord sync(String id, String base, long from, long to, SyncStatus status, Instant at) {
        return new SyncRecord(id, SyncKind.SYNC, "users/V2", base, "users-v1", "users-v2", from, to, status, Optional.of(1L), Optional.of(2L),
                0, 0, 0, 0, 0, 0, 0, "", "", at, at, "h", 1);
    }

    private static List<Window> windows(List<RunRecord> runs, List<SyncRecord> syncs, List<TransitionRecord> events, Set<String> acked) {
        Outbox.State outbox = new Outbox.State(List.of(), List.of(), acked, Set.of(), Map.of());
        return Windows.of(CATALOG, List.of(spec(TargetMode.NEW_TABLE)), runs, syncs, events, outbox, l -> "/wh/" + l);
    }

    @Test
    void aNewTableMigrationForDualWriteConsumersHasAWindowAnInPlaceOneHasNot() {
        assertTrue(Windows.hasWindow(CATALOG, spec(TargetMode.NEW_TABLE)));
        assertFalse(Windows.hasWindow(CATALOG, spec(TargetMode.IN_PLACE)));
    }

    @Test
    void theWindowStandsOnTheLatestSucceededRunAndEndsAtTheLastSyncThatPassed() {
        List<Window> w = windows(List.of(run("r1", RunStatus.SUCCEEDED, 4, T)),
                List.of(sync("s1", "r1", 5, 7, SyncStatus.SUCCEEDED, T.plusSeconds(10)), sync("s2", "r1", 8, 9, SyncStatus.FAILED, T.plusSeconds(20)),
                        sync("s3", "r1", 8, 11, SyncStatus.RUNNING, T.plusSeconds(30))), List.of(), Set.of());
        assertEquals(1, w.size());
        assertEquals(7, w.get(0).lastSynced(), "the failed sync applied nothing");
        assertEquals("s3", w.get(0).unfinished().orElseThrow().syncId(), "the killed sync is resumed");
        assertEquals(1, w.get(0).syncsDone());
        assertEquals(1, w.get(0).syncsFailed());
        assertEquals("2027-03-31", w.get(0).deadline().orElseThrow().toString());
    }

    @Test
    void aRolledBackRunClosesTheWindow() {
        assertTrue(windows(List.of(run("r2", RunStatus.ROLLED_BACK, 4, T.plusSeconds(60)), run("r1", RunStatus.SUCCEEDED, 4, T)),
                List.of(), List.of(), Set.of()).isEmpty());
    }

    @Test
    void consumersMoveByAcknowledgementOrByDeclaration() {
        List<Window> w = windows(List.of(run("r1", RunStatus.SUCCEEDED, 4, T)), List.of(),
                List.of(new TransitionRecord("users/V2", TransitionEvent.MOVED, "dash", "alice", "", T)), Set.of("r1:billing:migrated"));
        Map<String, Window.ConsumerState> byName = new java.util.HashMap<>();
        w.get(0).consumers().forEach(c -> byName.put(c.consumer().name(), c));
        assertEquals("acknowledged", byName.get("billing").moved().orElseThrow().how());
        assertEquals("declared", byName.get("dash").moved().orElseThrow().how());
        assertEquals("alice", byName.get("dash").moved().orElseThrow().by());
        assertTrue(w.get(0).notMoved().isEmpty());
    }

    @Test
    void lagDeadlinesAndRemindersAreJudgedFromTheStatus() {
        Window w = windows(List.of(run("r1", RunStatus.SUCCEEDED, 4, T)), List.of(), List.of(), Set.of()).get(0);
        TransitionStatus lagging = new TransitionStatus(w, 6, Optional.of(T), T.plus(Duration.ofHours(2)));
        assertEquals(2, lagging.lagVersions());
        assertTrue(lagging.lagOver(Duration.ofHours(1)));
        assertFalse(lagging.lagOver(Duration.ofHours(3)));
        assertTrue(lagging.remind(Duration.ofDays(14)), "11 days before 2027-03-31, nobody moved");
        assertFalse(lagging.remind(Duration.ofDays(7)));
        assertFalse(lagging.overdue());
        assertTrue(new TransitionStatus(w, 4, Optional.empty(), Instant.parse("2027-04-01T00:00:00Z")).overdue());
    }

    @Test
    void aRetiredWindowIsClosed() {
        Window w = windows(List.of(run("r1", RunStatus.SUCCEEDED, 4, T)), List.of(),
                List.of(new TransitionRecord("users/V2", TransitionEvent.RETIRED, "users-v1", "bob", "", T)), Set.of()).get(0);
        assertFalse(w.open());
        assertFalse(new TransitionStatus(w, 9, Optional.of(T), T.plus(Duration.ofDays(30))).lagOver(Duration.ofHours(1)));
    }
}
