package dev.drover.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.drover.delta.DeltaTables;
import dev.drover.delta.StagedFiles;
import dev.drover.ledger.LedgerReader;
import dev.drover.ledger.RunRecord;
import dev.drover.model.RunStatus;
import dev.drover.testing.SharedSpark;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Write-audit-publish, seen from outside: a migration runs in a real driver process while this
 * JVM reads the table as any reader would. Readers see v1 until the publish, then v2, in both
 * modes, and nothing at all of a run that fails; a concurrent writer to an in-place source makes
 * the publish refuse; a VACUUM during a run keeps the run's staged files.
 */
class WriteAuditPublishTest {
    private static final long ROWS = 30_000;
    /** An in-place migration of users-v1: the names upper-cased, the table's rows and schema kept. */
    private static final String IN_PLACE = """
            source = users-v1
            target { mode = in-place }
            template = four-stage-dataset-migration
            steps = [ { derive { name = "upper(name)" } } ]
            batching { by = partition, max-rows = 5000 }
            %s
            """;
    /** A check no data passes: the test stage fails, after every batch was written. */
    private static final String FAILING = "checks.invariants = [ { name = impossible, target = \"count(*)\", expect = -1 } ]";

    @TempDir
    Path tmp;

    private final SparkSession spark = SharedSpark.session();
    private final DeltaTables delta = new DeltaTables(spark);

    private E2eWorkspace workspace(String mode, boolean passing) throws IOException {
        E2eWorkspace ws = new E2eWorkspace(tmp.resolve("ws"), ROWS, 6, 5_000, 5_000);
        if (mode.equals("in-place")) {
            Files.writeString(ws.conf.resolve("migrations/users/V3__upper_names.conf"), IN_PLACE.formatted(passing ? "" : FAILING));
        } else if (!passing) {
            Path spec = ws.conf.resolve(E2eWorkspace.SPEC);
            Files.writeString(spec, Files.readString(spec) + "\n" + FAILING + "\n");
        }
        return ws;
    }

    private static String spec(String mode) {
        return mode.equals("in-place") ? "users/V3" : "users/V2";
    }

    private static String location(E2eWorkspace ws, String table) {
        return ws.warehouse.resolve(table).toUri().toString();
    }

    private static String table(String mode) {
        return mode.equals("in-place") ? "users_v1" : "users_v2";
    }

    private List<String> command(E2eWorkspace ws, List<String> props, String... args) {
        List<String> command = Project.javaCommand(Project.testClasspath(), props);
        command.add("dev.drover.cli.DroverCli");
        command.addAll(ws.command(args));
        return command;
    }

    /** What a reader sees: no table, or the row count and how many names are upper case. */
    private String look(String location) {
        delta.forget(location);   // as a new reader: no table state cached from an earlier look
        if (!delta.exists(location)) {
            return "no table";
        }
        var frame = spark.read().format("delta").load(location);
        boolean names = List.of(frame.columns()).contains("name");
        Row r = frame.selectExpr("count(*)", names ? "count_if(name = upper(name))" : "CAST(0 AS BIGINT)").first();
        return r.getLong(0) + " rows, " + r.getLong(1) + " upper";
    }

    @ParameterizedTest(name = "{0}, passing {1}")
    @CsvSource({"in-place, true", "in-place, false", "new-table, true", "new-table, false"})
    void aReaderPollingDuringTheRunSeesV1UntilThePublishThenV2(String mode, boolean passing) throws Exception {
        E2eWorkspace ws = workspace(mode, passing);
        String location = location(ws, table(mode));
        String v1 = look(location);
        Map<String, Integer> seen = new LinkedHashMap<>();
        int exit;
        try (Driver driver = Driver.start(command(ws, List.of(), "migrate", spec(mode)), tmp.resolve("run.out"))) {
            while (!driver.endedWithin(10)) {
                seen.merge(look(location), 1, Integer::sum);
            }
            exit = driver.waitFor(60);
        }
        String after = look(location);
        assertEquals(passing ? 0 : 1, exit, Files.readString(tmp.resolve("run.out")));
        RunRecord run = new LedgerReader(spark, ws.warehouse.toUri().toString().replaceAll("/$", "") + "/_drover").runs().get(0);
        String v2 = passing ? after : v1;
        if (passing) {
            assertTrue(after.startsWith((mode.equals("in-place") ? ROWS : ROWS - ROWS / 5_000) + " rows, "), after);
            assertFalse(after.equals(v1), "v2 differs from v1: " + after);
        } else {
            assertEquals(v1, after, "a failed run leaves v1 as it was");
        }
        int polls = seen.values().stream().mapToInt(Integer::intValue).sum();
        assertTrue(polls >= 5, "the reader looked while the run was going: " + seen);
        for (String state : seen.keySet()) {
            assertTrue(state.equals(v1) || state.equals(v2), "a reader saw '" + state + "', neither v1 (" + v1 + ") nor v2 (" + v2
                    + "); all seen: " + seen);
        }
        // one commit of the run in the target's history at most, and no staged file left behind unreferenced
        long commits = delta.exists(location) ? delta.commitsAfter(location, -1).stream()
                .filter(c -> c.tag().filter(t -> t.run().equals(run.runId())).isPresent()).count() : 0;
        assertEquals(passing ? 1 : 0, commits, "the run's commits in " + table(mode));
        if (!passing) {
            assertFalse(Files.exists(ws.warehouse.resolve(table(mode)).resolve(StagedFiles.folder(run.runId()))), "staged files removed");
            assertFalse(Files.exists(ws.warehouse.resolve(table(mode) + "_quarantine").resolve(StagedFiles.folder(run.runId()))));
        }
    }

    @Test
    void aCommitByAnotherWriterDuringAnInPlaceRunRefusesThePublishExit3() throws Exception {
        E2eWorkspace ws = workspace("in-place", true);
        String location = location(ws, "users_v1");
        Cli run;
        long appended;
        try (Driver driver = pausedBeforePublishing(ws, 15_000)) {
            // another writer appends to the source while the run has staged everything
            spark.read().format("delta").load(location).limit(1).selectExpr("user_id + 1000000 AS user_id", "name", "score",
                    "country_id", "legacy_flag", "dt").write().format("delta").mode("append").save(location);
            appended = delta.latestVersion(location);
            int exit = driver.waitFor(300);
            run = new Cli(exit, Files.readString(tmp.resolve("run.out")), driver.stderr());
        }
        assertEquals(3, run.exitCode(), run.err() + run.out());
        String last = run.err().lines().filter(l -> l.startsWith("drover: ")).reduce((a, b) -> b).orElse("");
        assertTrue(last.contains("is at version " + appended) && last.contains("pinned version " + (appended - 1)), last);
        assertEquals(appended, delta.latestVersion(location), "the source untouched: its last commit is the other writer's");
        assertEquals(ROWS + 1, spark.read().format("delta").load(location).count());
        assertEquals(0, spark.read().format("delta").load(location).where("name = upper(name) AND name <> ''").count(),
                "no migrated row published");
        RunRecord failed = new LedgerReader(spark, ws.warehouse.toUri().toString().replaceAll("/$", "") + "/_drover").runs().get(0);
        assertEquals(RunStatus.FAILED, failed.status());
        assertFalse(Files.exists(ws.warehouse.resolve("users_v1").resolve(StagedFiles.folder(failed.runId()))), "nothing staged left");
    }

    @Test
    void aVacuumWithTheDefaultRetentionDuringARunKeepsItsStagedFiles() throws Exception {
        E2eWorkspace ws = workspace("in-place", true);
        try (Driver driver = pausedBeforePublishing(ws, 10_000)) {
            long staged = stagedFiles(ws.warehouse.resolve("users_v1"));
            assertTrue(staged > 0, "the run had staged files when VACUUM ran");
            long pinned = delta.latestVersion(location(ws, "users_v1"));
            io.delta.tables.DeltaTable.forPath(spark, location(ws, "users_v1")).vacuum();
            assertEquals(staged, stagedFiles(ws.warehouse.resolve("users_v1")),
                    "VACUUM (default retention) deleted no staged file younger than the retention");
            // VACUUM records its start and end as commits that change no data: the pinned publish lets them through
            assertTrue(delta.latestVersion(location(ws, "users_v1")) > pinned, "VACUUM committed after the pin");
            assertEquals(0, driver.waitFor(300), Files.readString(tmp.resolve("run.out")));
        }
        assertEquals(ROWS, spark.read().format("delta").load(location(ws, "users_v1")).where("name = upper(name)").count(),
                "published whole");
    }

    @Test
    void aRunWhoseStagedFilesAreOlderThanTheMaxStagingAgePublishesNothing() throws Exception {
        E2eWorkspace ws = workspace("new-table", true);
        List<String> args = new ArrayList<>(ws.command("migrate", "users/V2"));
        args.addAll(0, List.of("--conf", "drover.publish.max-staging-age=0s"));
        Cli run = Cli.run(args);
        assertEquals(3, run.exitCode(), run.err());
        assertTrue(run.err().contains("drover.publish.max-staging-age"), run.err());
        assertFalse(delta.exists(location(ws, "users_v2")), "nothing published");
    }

    /** The in-place run in a driver process, paused for {@code millis} once every batch is recorded, before it publishes. */
    private Driver pausedBeforePublishing(E2eWorkspace ws, long millis) throws InterruptedException {
        Driver driver = Driver.start(command(ws, List.of("-Ddrover.test.announce=1", "-Ddrover.test.pause-at=publishing",
                "-Ddrover.test.pause-for=" + millis), "migrate", "users/V3"), tmp.resolve("run.out"));
        try {
            driver.awaitLine("drover-point publishing", 300);
        } catch (RuntimeException | InterruptedException e) {
            driver.close();
            throw e;
        }
        return driver;
    }

    private static long stagedFiles(Path table) throws IOException {
        List<Path> folders;
        try (Stream<Path> list = Files.list(table)) {
            folders = list.filter(p -> p.getFileName().toString().startsWith("drover-")).toList();
        }
        long n = 0;
        for (Path folder : folders) {
            try (Stream<Path> files = Files.walk(folder)) {
                n += files.filter(p -> p.toString().endsWith(".parquet")).count();
            }
        }
        return n;
    }
}
