package dev.drover.e2e;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 of a real driver process in the middle of {@code drover sync}, over a stream of users-v1
 * commits, then the same command again (see {@link ChaosSyncKillResume}): once the sync is recorded
 * and before it touches v2, once its changes are staged, right after its MERGE committed, and at a
 * random moment (seed from {@code -Ddrover.chaos.seed}, printed, so a failure can be replayed).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ChaosSyncTest {
    @TempDir
    static Path tmp;

    private static ChaosSyncKillResume chaos;

    @BeforeAll
    static void window() throws Exception {
        chaos = new ChaosSyncKillResume(tmp.resolve("chaos"), 8_000, 20261204);
        chaos.setUp();
    }

    @Test
    @Order(1)
    void killedOnceRecordedResumesTheSameRange() throws Exception {
        ChaosSyncKillResume.Outcome o = chaos.round(ChaosSyncKillResume.Kill.at("sync-recorded"));
        assertTrue(o.passed(), o.row());
        assertTrue(o.atKill().startsWith("running") && !o.mergedAtKill() && o.resumed().equals("resumed"), o.row());
    }

    @Test
    @Order(2)
    void killedOnceStagedResumesFromTheStagedChanges() throws Exception {
        ChaosSyncKillResume.Outcome o = chaos.round(ChaosSyncKillResume.Kill.at("sync-staged"));
        assertTrue(o.passed(), o.row());
        assertTrue(o.resumed().equals("resumed") && !o.mergedAtKill(), o.row());
    }

    @Test
    @Order(3)
    void killedRightAfterItsMergeDoesNotMergeAgain() throws Exception {
        ChaosSyncKillResume.Outcome o = chaos.round(ChaosSyncKillResume.Kill.at("sync-merged"));
        assertTrue(o.passed(), o.row());
        assertTrue(o.mergedAtKill() && o.resumed().equals("resumed"), o.row());
    }

    @Test
    @Order(4)
    void killedAtARandomMomentLeavesV2Exact() throws Exception {
        long seed = Long.getLong("drover.chaos.seed", System.nanoTime());
        System.out.println("ChaosSyncTest random kill seed: " + seed + " (replay with -Ddrover.chaos.seed=" + seed + ")");
        ChaosSyncKillResume.Outcome o = chaos.round(chaos.randomKill(new Random(seed)));
        assertTrue(o.passed(), "seed " + seed + ": " + o.row());
    }
}
