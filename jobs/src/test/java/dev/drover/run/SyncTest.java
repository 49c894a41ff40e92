package dev.drover.run;

import static dev.drover.testing.SharedSpark.assertSameRows;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.drover.api.Drover;
import dev.drover.delta.DeltaTables;
import dev.drover.error.InputError;
import dev.drover.error.SpecError;
import dev.drover.model.MigrationResult;
import dev.drover.model.SyncResult;
import dev.drover.transition.TransitionStatus;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Transition windows in this JVM, on real Delta tables: v1 changed by a producer (updates,
 * deletes, inserts) after the migration, v2 kept in step by syncs, each checked against our own
 * computation of the migration over v1 (plain SQL, not Drover's code).
 */
@org.junit.jupiter.api.extension.ExtendWith(Workspace.ClosesDrovers.class)
class SyncTest {
    static final String SPEC = "migrations/users/V2__country_dimension.conf";

    @TempDir
    Path tmp;

    private Workspace migrated(long rows) {
        Workspace ws = new Workspace(tmp).withData(rows, 5, 0);
        MigrationResult run = ws.drover().migrate("users/V2").execute();
        assertEquals(MigrationResult.Outcome.SUCCEEDED, run.outcome(), run.message());
        return ws;
    }

    /** users-v2 as the spec defines it, over users-v1 at {@code version}: written here in SQL, independently of Drover. */
    static Dataset<Row> expected(Workspace ws, long version) {
        ws.spark().read().format("delta").option("versionAsOf", version).load(ws.warehouse + "/users_v1").createOrReplaceTempView("v1_expected");
        ws.spark().read().format("delta").load(ws.warehouse + "/countries").createOrReplaceTempView("countries_expected");
        return ws.spark().sql("""
                SELECT u.user_id, u.name AS display_name, CAST(u.score AS INT) AS score, c.country, u.dt
                FROM v1_expected u LEFT JOIN countries_expected c ON u.country_id = c.country_id
                WHERE u.score IS NULL OR try_cast(u.score AS INT) IS NOT NULL""");
    }

    static Dataset<Row> v2(Workspace ws) {
        return ws.spark().read().format("delta").load(ws.warehouse + "/users_v2").select("user_id", "display_name", "score", "country", "dt");
    }

    static long latest(Workspace ws, String table) {
        return new DeltaTables(ws.spark()).latestVersion(ws.warehouse + "/" + table);
    }

    /** A producer's commits to users-v1: updates, deletes and inserts, one commit each. */
    static void produce(Workspace ws, long from, int round) {
        String v1 = "delta.`" + ws.warehouse + "/users_v1`";
        ws.spark().sql("UPDATE " + v1 + " SET name = concat(name, '-r" + round + "'), score = '" + (10 + round) + "' WHERE user_id % 17 = " + round);
        ws.spark().sql("DELETE FROM " + v1 + " WHERE user_id % 23 = " + round);
        ws.spark().range(from, from + 40).selectExpr("id AS user_id", "concat('new-', id) AS name", "CAST(id % 100 AS STRING) AS score",
                "CAST(id % 50 AS INT) AS country_id", "'legacy' AS legacy_flag", "date_add(DATE'2024-01-01', CAST(id % 5 AS INT)) AS dt")
                .write().format("delta").mode("append").save(ws.warehouse + "/users_v1");
    }

    @Test
    void syncsKeepV2InStepWithALiveV1AcrossSeveralRounds() {
        Workspace ws = migrated(2_000);
        Drover drover = ws.drover();
        for (int round = 1; round <= 3; round++) {
            produce(ws, 10_000 + 100L * round, round);
            SyncResult sync = drover.sync("users/V2").execute();
            assertEquals(SyncResult.Outcome.SYNCED, sync.outcome(), sync.message() + " " + sync.checks());
            assertEquals(latest(ws, "users_v1"), sync.toVersion(), "synced to v1's latest version");
            assertTrue(sync.checks().stream().allMatch(c -> c.passed()), sync.checks().toString());
            assertTrue(sync.inserted() >= 40 && sync.updated() > 0 && sync.deleted() > 0, sync.toString());
            assertSameRows(expected(ws, sync.toVersion()), v2(ws));
        }
        SyncResult again = drover.sync("users/V2").execute();
        assertEquals(SyncResult.Outcome.UP_TO_DATE, again.outcome(), again.message());
        TransitionStatus status = drover.transitions().get(0);
        assertEquals(0, status.lagVersions());
        assertEquals(3, status.window().syncsDone());
        SyncResult verified = drover.sync("users/V2").onlyVerify(true).execute();
        assertEquals(SyncResult.Outcome.VERIFIED, verified.outcome(), verified.checks().toString());
    }

    @Test
    void aBadValueInAnUpdateGoesToQuarantineAndLeavesV2() {
        Workspace ws = migrated(2_000);
        ws.spark().sql("UPDATE delta.`" + ws.warehouse + "/users_v1` SET score = 'oops' WHERE user_id = 7");
        SyncResult sync = ws.drover().sync("users/V2").execute();
        assertEquals(SyncResult.Outcome.SYNCED, sync.outcome(), sync.message());
        assertEquals(1, sync.quarantined());
        assertEquals(1, sync.deleted(), "the key's old row leaves v2");
        assertEquals(0, v2(ws).where("user_id = 7").count());
        assertEquals(1, ws.spark().read().format("delta").load(ws.warehouse + "/users_v2_quarantine")
                .where("run_id = '" + sync.syncId() + "' AND key LIKE '%\"user_id\":7%'").count());
        assertSameRows(expected(ws, sync.toVersion()), v2(ws));
    }

    @Test
    void aBrokenInvariantFailsTheSyncAndRestoresV2() {
        Workspace ws = migrated(2_000);
        long before = latest(ws, "users_v2");
        // country 99 is not in countries: the invariant country-known (no null country) breaks
        ws.spark().sql("UPDATE delta.`" + ws.warehouse + "/users_v1` SET country_id = 99 WHERE user_id = 11");
        SyncResult sync = ws.drover().sync("users/V2").execute();
        assertEquals(SyncResult.Outcome.FAILED_AND_RESTORED, sync.outcome());
        assertTrue(sync.message().contains("invariant country-known"), sync.message());
        assertSameRows(expected(ws, before >= 0 ? 0 : 0), v2(ws));
        // the window stays open at its last synced version: the next sync takes the same range again
        assertEquals(0, ws.drover().transitions().get(0).window().lastSynced());
    }

    @Test
    void aSourceWithoutChangeFeedIsRefusedBeforeAnythingIsWritten() {
        Workspace ws = new Workspace(tmp).withData(500, 5, 0);
        ws.spark().sql("ALTER TABLE delta.`" + ws.warehouse + "/users_v1` SET TBLPROPERTIES (delta.enableChangeDataFeed = false)");
        SpecError refused = assertThrows(SpecError.class, () -> ws.drover().migrate("users/V2").execute());
        assertTrue(refused.getMessage().contains("delta.enableChangeDataFeed") && refused.getMessage().contains("--enable-cdf"),
                refused.getMessage());
        assertEquals(-1, latest(ws, "users_v2"));
        MigrationResult enabled = ws.drover().migrate("users/V2").enableCdf(true).execute();
        assertEquals(MigrationResult.Outcome.SUCCEEDED, enabled.outcome(), enabled.message());
        assertTrue(new DeltaTables(ws.spark()).changeDataFeedOn(ws.warehouse + "/users_v1", latest(ws, "users_v1")));
    }

    @Test
    void aStepThatIsNotRowLocalIsRefusedForADualWriteWindow() {
        Workspace ws = new Workspace(tmp).withData(500, 5, 0);
        ws.write(SPEC, ws.read(SPEC).replace("{ drop = [country_id, legacy_flag] }",
                "{ drop = [country_id, legacy_flag] }\n  { dedup { on = [user_id], order-by = \"dt DESC\" } }"));
        SpecError refused = assertThrows(SpecError.class, () -> ws.drover().plan("users/V2"));
        assertTrue(refused.getMessage().contains("steps[4]") && refused.getMessage().contains("dedup"), refused.getMessage());
    }

    @Test
    void anIncompatibleSourceSchemaChangeStopsTheSync() {
        Workspace ws = migrated(500);
        ws.spark().read().format("delta").load(ws.warehouse + "/users_v1").withColumn("score", org.apache.spark.sql.functions.lit(1))
                .write().format("delta").mode("overwrite").option("overwriteSchema", "true").partitionBy("dt").save(ws.warehouse + "/users_v1");
        long before = latest(ws, "users_v2");
        InputError refused = assertThrows(InputError.class, () -> ws.drover().sync("users/V2").execute());
        assertTrue(refused.getMessage().contains("score retyped string -> int"), refused.getMessage());
        assertEquals(before, latest(ws, "users_v2"), "nothing written to v2");
        assertFalse(ws.drover().transitions().get(0).window().unfinished().isPresent(), "no sync recorded");
    }

    @Test
    void vacuumedChangeFilesAreRefusedAndResnapshotRestoresTheWindow() {
        Workspace ws = migrated(500);
        ws.spark().sql("UPDATE delta.`" + ws.warehouse + "/users_v1` SET name = 'x' WHERE user_id < 50");
        ws.spark().conf().set("spark.databricks.delta.retentionDurationCheck.enabled", "false");
        try {
            ws.spark().sql("VACUUM delta.`" + ws.warehouse + "/users_v1` RETAIN 0 HOURS");
        } finally {
            ws.spark().conf().set("spark.databricks.delta.retentionDurationCheck.enabled", "true");
        }
        InputError refused = assertThrows(InputError.class, () -> ws.drover().sync("users/V2").execute());
        assertTrue(refused.getMessage().contains("--resnapshot"), refused.getMessage());
        SyncResult again = ws.drover().sync("users/V2").resnapshot(true).execute();
        assertEquals(SyncResult.Outcome.RESNAPSHOT, again.outcome(), again.message());
        assertSameRows(expected(ws, latest(ws, "users_v1")), v2(ws));
        assertEquals(SyncResult.Outcome.UP_TO_DATE, ws.drover().sync("users/V2").execute().outcome());
    }

    @Test
    void listsTheWindowWithItsConsumers() {
        Workspace ws = migrated(500);
        List<TransitionStatus> statuses = ws.drover().transitions();
        assertEquals(1, statuses.size());
        assertEquals(3, statuses.get(0).window().consumers().size());
        assertEquals("2027-03-31", statuses.get(0).window().deadline().orElseThrow().toString());
    }
}
