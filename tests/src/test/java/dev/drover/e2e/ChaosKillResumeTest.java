package dev.drover.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 of a real driver process, then {@code drover migrate} again, compared with a clean run
 * (see {@link ChaosKillResume}): at fixed points (after analyze, between writing a batch's files
 * and recording them, while a batch is being written, between recording the last batch and
 * publishing, right after the publish commit) and at two random moments; each resume runs in this JVM.
 */
class ChaosKillResumeTest {
    @TempDir
    static Path tmp;

    private static ChaosKillResume chaos;

    @BeforeAll
    static void cleanRun() throws Exception {
        chaos = new ChaosKillResume(tmp, 30_000, 6, 5_000, 5_000, true);
        assertEquals(6, chaos.clean().batchRows().size(), "six batches");
    }

    @Test
    void killedAfterAnalyzeResumesEveryBatch() throws Exception {
        ChaosKillResume.Outcome o = chaos.killAndResume("after-analyze", ChaosKillResume.Kill.at("after analyze", "analyzed"));
        assertTrue(o.passed(), o.row());
        assertEquals(Set.of(), o.recorded(), "nothing was written before the kill");
        assertEquals(30_000 - 30_000 / 5_000, o.rewritten(), "the resume wrote every row");
    }

    @Test
    void killedBetweenWritingABatchAndRecordingItRewritesThatBatchAndRemovesItsFiles() throws Exception {
        ChaosKillResume.Outcome o = chaos.killAndResume("after-write", ChaosKillResume.Kill.at("after a write", "batch-written:1"));
        assertTrue(o.passed(), o.row());
        assertFalse(o.recorded().contains(1), "the ledger did not hold batch 1: " + o.row());
        assertTrue(o.unrecordedFiles() > 0, "batch 1's files were on disk, named by no record: " + o.row());
        assertEquals(o.expectedRewrite(), o.rewritten());
    }

    @Test
    void killedWhileABatchIsBeingWrittenRewritesOnlyTheUnrecordedBatches() throws Exception {
        ChaosKillResume.Outcome o = chaos.killAndResume("mid-write", ChaosKillResume.Kill.whileWriting("mid-write", 3));
        assertTrue(o.passed(), o.row());
        assertTrue(o.midWrite(), "the kill landed while batch 3 was being written: " + o.row());
    }

    @Test
    void killedBetweenRecordingAndPublishingPublishesOnceAndRewritesNothing() throws Exception {
        ChaosKillResume.Outcome o = chaos.killAndResume("before-publish", ChaosKillResume.Kill.at("before the publish", "publishing"));
        assertTrue(o.passed(), o.row());
        assertEquals(6, o.recorded().size(), "every batch recorded: " + o.row());
        assertFalse(o.published());
        assertEquals(0, o.rewritten(), "the resume wrote no batch again");
    }

    @Test
    void killedRightAfterThePublishCommitDoesNotPublishAgain() throws Exception {
        ChaosKillResume.Outcome o = chaos.killAndResume("after-publish", ChaosKillResume.Kill.at("after the publish", "published"));
        assertTrue(o.passed(), o.row());
        assertTrue(o.published(), "the publish had landed at the kill: " + o.row());
        assertEquals(0, o.rewritten());
    }

    @Test
    void killedAtTwoRandomMomentsResumesToTheCleanRunsTarget() throws Exception {
        // -Ddrover.chaos.seed=N replays a failure: the seed is in every assertion message
        long seed = Long.getLong("drover.chaos.seed", System.nanoTime());
        Random random = new Random(seed);
        for (int i = 1; i <= 2; i++) {
            ChaosKillResume.Outcome o = chaos.killAndResume("random-" + i, chaos.randomKill(random));
            assertTrue(o.passed(), "seed " + seed + ": " + o.row());
        }
    }
}
