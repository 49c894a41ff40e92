package dev.drover.e2e;

import static dev.drover.testing.SharedSpark.assertSameRows;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 of a real driver process at three points of a run, then {@code drover migrate} again:
 * the target must equal an uninterrupted run's, with each batch committed exactly once.
 */
class KillAndResumeTest {
    private static final long ROWS = 30_000;
    private static final long BAD_EVERY = 5_000;
    private static final int BATCHES = 6;

    @TempDir
    static Path tmp;

    private static Dataset<Row> reference;

    @BeforeAll
    static void uninterruptedRun() {
        E2eWorkspace ws = new E2eWorkspace(tmp.resolve("reference"), ROWS, BATCHES, BAD_EVERY, 5_000);
        Cli result = Cli.run(ws.command("migrate", "users/V2"));
        assertEquals(0, result.exitCode(), result.err() + result.out());
        reference = ws.table("users_v2").cache();
        assertEquals(ROWS - ROWS / BAD_EVERY, reference.count());
    }

    @Test
    void killedAfterAnalyzeResumesToTheSameTarget() throws Exception {
        killAndResume("after-analyze", "analyzed", 0);
    }

    @Test
    void killedBetweenABatchCommitAndItsLedgerRecordResumesToTheSameTarget() throws Exception {
        killAndResume("after-commit", "batch-committed:1", 0);
    }

    @Test
    void killedWhileABatchIsBeingWrittenResumesToTheSameTarget() throws Exception {
        killAndResume("mid-write", "batch-writing:3", 700);
    }

    private void killAndResume(String name, String point, long killDelayMillis) throws Exception {
        E2eWorkspace ws = new E2eWorkspace(tmp.resolve(name), ROWS, BATCHES, BAD_EVERY, 5_000);
        List<String> props = new ArrayList<>(List.of("-Ddrover.test.announce=1"));
        if (killDelayMillis == 0) {
            props.add("-Ddrover.test.pause-at=" + point);
        }
        List<String> command = Project.javaCommand(Project.testClasspath(), props);
        command.add("dev.drover.cli.DroverCli");
        command.addAll(ws.command("migrate", "users/V2"));
        try (Driver driver = Driver.start(command, ws.root.resolve("driver.out"))) {
            driver.awaitLine("drover-point " + point, 240);
            Thread.sleep(killDelayMillis);
            int exit = driver.kill();
            assertEquals(137, exit, "killed with SIGKILL");
        }

        Cli resumed = Cli.run(ws.command("migrate", "users/V2"));
        assertEquals(0, resumed.exitCode(), resumed.err() + resumed.out());
        assertTrue(resumed.out().contains("resuming users/V2 from the ledger"), resumed.out());

        assertSameRows(reference, ws.table("users_v2"));
        Dataset<Row> transform = ws.history("users_v2").where("userMetadata LIKE '%\"stage\":\"transform\"%'");
        Dataset<Row> commits = transform.where("get_json_object(userMetadata, '$.batch') IS NOT NULL");
        assertEquals(BATCHES, commits.count(), "each batch committed exactly once");
        assertEquals(1, transform.count() - commits.count(), "the target was reset once, before batches ran at once");
        assertEquals(BATCHES, commits.selectExpr("get_json_object(userMetadata, '$.batch')").distinct().count());
        assertEquals(ROWS / BAD_EVERY, ws.table("users_v2_quarantine").count(), "quarantined rows, none twice");
        Cli again = Cli.run(ws.command("migrate", "users/V2"));
        assertTrue(again.out().contains("already applied"), again.out());
    }
}
