package dev.drover.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.drover.demo.DemoData;
import dev.drover.error.ConflictError;
import dev.drover.delta.DeltaTables;
import dev.drover.delta.StagedFiles;
import dev.drover.ledger.BatchRecord;
import dev.drover.ledger.LedgerReader;
import dev.drover.ledger.LedgerTables;
import dev.drover.ledger.RunRecord;
import dev.drover.local.LocalS3;
import dev.drover.model.BatchStatus;
import dev.drover.model.RunStatus;
import dev.drover.outbox.OutboxRow;
import dev.drover.notify.LocalKafka;
import dev.drover.storage.LockFiles;
import dev.drover.storage.ObjectStorage;
import dev.drover.storage.RunLock;
import dev.drover.testing.SharedSpark;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Drover with its tables, ledger and locks on S3 through s3a, against a real S3-compatible server
 * (s3proxy in a process of its own, objects kept as files so they survive its restart). Drivers
 * run as processes of their own with their keys in the environment, as a user's would; the
 * commands run in this JVM get them from its session's Hadoop settings.
 */
class S3StorageTest {
    private static final String BUCKET = "drover-e2e";
    private static final String SPEC = "migrations/users/V2__country_dimension.conf";
    private static final long ROWS = 20_000;
    private static final long BAD_EVERY = 2_000;

    @TempDir
    static Path tmp;

    private static LocalS3 s3;

    @BeforeAll
    static void startServer() {
        s3 = LocalS3.start(tmp.resolve("s3"));
        s3.createBucket(BUCKET);
        var hadoop = SharedSpark.session().sparkContext().hadoopConfiguration();
        hadoop.set("fs.s3a.bucket." + BUCKET + ".endpoint", s3.endpoint());
        hadoop.set("fs.s3a.bucket." + BUCKET + ".path.style.access", "true");
        hadoop.set("fs.s3a.bucket." + BUCKET + ".connection.ssl.enabled", "false");
        hadoop.set("fs.s3a.bucket." + BUCKET + ".access.key", s3.accessKey());
        hadoop.set("fs.s3a.bucket." + BUCKET + ".secret.key", s3.secretKey());
        hadoop.set("fs.s3a.directory.marker.retention", "keep");
        // any other bucket of this server (one that does not exist, below) with the same keys
        hadoop.set("fs.s3a.access.key", s3.accessKey());
        hadoop.set("fs.s3a.secret.key", s3.secretKey());
    }

    @AfterAll
    static void stopServer() {
        if (s3 != null) {
            s3.stop();
        }
    }

    /** A conf folder (small batches) and the demo tables under s3a://drover-e2e/{name}/warehouse. */
    private record Space(Path root, Path conf, String warehouse) {
        String stateDir() {
            return warehouse + "/_drover";
        }

        String target() {
            return warehouse + "/users_v2";
        }

        List<String> command(String... args) {
            List<String> all = new ArrayList<>(List.of("--conf-dir", conf.toString(), "--conf", "drover.warehouse=" + warehouse,
                    "--conf", "drover.environment=test", "--conf", "drover.progress=never",
                    "--conf", "drover.storage.s3.endpoint=" + s3.endpoint(), "--conf", "drover.storage.s3.path-style-access=true",
                    "--conf", "drover.storage.s3.directory-marker-retention=keep"));
            all.addAll(List.of(args));
            return all;
        }

        LedgerReader ledger() {
            return new LedgerReader(SharedSpark.session(), stateDir());
        }

        Path lockFile() {
            return s3.bucketFolder(BUCKET).resolve(warehouse.substring(("s3a://" + BUCKET + "/").length())).resolve("_drover/locks/users-v2.lock");
        }
    }

    private static Space space(String name) throws IOException {
        Path root = tmp.resolve(name);
        Path conf = root.resolve("conf");
        Project.copyTree(Project.conf(), conf);
        Path spec = conf.resolve(SPEC);
        Files.writeString(spec, Files.readString(spec).replace("max-rows = 250000", "max-rows = 4000"));
        String warehouse = "s3a://" + BUCKET + "/" + name + "/warehouse";
        DemoData.write(SharedSpark.session(), warehouse, ROWS, 30, BAD_EVERY);
        return new Space(root, conf, warehouse);
    }

    /** A drover driver process whose s3a keys come from the environment. */
    private static Driver driver(Space space, List<String> props, Map<String, String> keys, String... args) {
        List<String> command = Project.javaCommand(Project.testClasspath(), props);
        command.add("dev.drover.cli.DroverCli");
        command.addAll(space.command(args));
        return Driver.start(command, space.root().resolve("driver-" + System.nanoTime() + ".out"), keys);
    }

    private static Map<String, String> goodKeys() {
        return Map.of("AWS_ACCESS_KEY_ID", s3.accessKey(), "AWS_SECRET_ACCESS_KEY", s3.secretKey());
    }

    private static long expectedRows() {
        return ROWS - ROWS / BAD_EVERY;
    }

    private static Dataset<Row> read(String location) {
        return SharedSpark.session().read().format("delta").load(location);
    }

    @Test
    void everyCommandWorksOnS3a() throws Exception {
        Space ws = space("commands");
        List<String> printed = new ArrayList<>();

        Cli plan = Cli.run(ws.command("plan", "users/V2"));
        printed.add(plan.out() + plan.err());
        assertEquals(0, plan.exitCode(), plan.err());
        assertTrue(plan.out().contains(ws.target()), plan.out());

        // migrate in a process of its own, its keys in the environment as a user's are
        String migrateErr;
        try (Driver migrate = driver(ws, List.of(), goodKeys(), "migrate", "users/V2")) {
            assertEquals(0, migrate.waitFor(600), migrate.stderr());
            migrateErr = migrate.stderr();
        }
        printed.add(migrateErr);
        RunRecord run = ws.ledger().runs().get(0);
        assertEquals(RunStatus.SUCCEEDED, run.status());
        assertEquals(expectedRows(), read(ws.target()).count());
        List<BatchRecord> batches = ws.ledger().batches(run.runId());
        assertTrue(batches.size() >= 4, "several batches: " + batches.size());
        assertEquals(ROWS / BAD_EVERY, read(ws.target() + "_quarantine").count(), "bad rows quarantined on s3a");
        assertFalse(Files.exists(ws.lockFile()), "the run let its lock go");

        Cli status = Cli.run(ws.command("status", run.runId()));
        Cli history = Cli.run(ws.command("history", "users-v2"));
        Cli validate = Cli.run(ws.command("validate", run.runId()));
        for (Cli c : List.of(status, history, validate)) {
            printed.add(c.out() + c.err());
            assertEquals(0, c.exitCode(), c.err() + c.out());
        }
        assertTrue(status.out().contains("succeeded"), status.out());
        assertTrue(history.out().contains(run.runId()), history.out());

        LocalKafka kafka = SharedKafka.fresh();
        kafka.createTopics(3, "drover.dataset-updates", "ml.dataset-updates", "drover.dataset-acks");
        List<String> withBroker = new ArrayList<>(List.of("--conf", "drover.notify.bootstrap-servers=" + kafka.bootstrapServers()));
        Cli notify = Cli.run(concat(withBroker, ws.command("notify")));
        printed.add(notify.out() + notify.err());
        assertEquals(0, notify.exitCode(), notify.err() + notify.out());
        assertTrue(notify.out().contains("3 delivered"), notify.out());
        // the events as consumers receive them
        var events = dev.drover.notify.EventReader.readAll(kafka.bootstrapServers(), Map.of(),
                List.of("drover.dataset-updates", "ml.dataset-updates"));
        assertEquals(3, events.size(), "one event per consumer");
        events.forEach(e -> printed.add(new String(e.value(), StandardCharsets.UTF_8)));
        assertTrue(printed.get(printed.size() - 1).contains(ws.target()), "the event names the S3 location");

        // rollback, and time travel to the version the run wrote
        long written = run.targetVersion().orElseThrow();
        Cli rollback = Cli.run(ws.command("rollback", run.runId()));
        printed.add(rollback.out() + rollback.err());
        assertEquals(0, rollback.exitCode(), rollback.err() + rollback.out());
        assertEquals(0, read(ws.target()).count(), "the new table is emptied");
        Dataset<Row> before = SharedSpark.session().read().format("delta").option("versionAsOf", written).load(ws.target());
        assertEquals(expectedRows(), before.count(), "VERSION AS OF the run's version on s3a");
        assertEquals(RunStatus.ROLLED_BACK, ws.ledger().requireRun(run.runId()).status());

        // a wave applies it again
        Cli wave = Cli.run(ws.command("wave", "--dataset", "users-v2"));
        printed.add(wave.out() + wave.err());
        assertEquals(0, wave.exitCode(), wave.err() + wave.out());
        assertEquals(expectedRows(), read(ws.target()).count());
        assertEquals(1, ws.ledger().waves().size());

        // a transition window on s3a: producer commits to v1, a sync, the window shown
        String v1 = ws.warehouse() + "/users_v1";
        SharedSpark.session().sql("UPDATE delta.`" + v1 + "` SET name = concat(name, '+') WHERE user_id % 100 = 3");
        SharedSpark.session().sql("DELETE FROM delta.`" + v1 + "` WHERE user_id % 100 = 4");
        Cli sync = Cli.run(ws.command("sync", "users/V2", "--json"));
        printed.add(sync.out() + sync.err());
        assertEquals(0, sync.exitCode(), sync.err() + sync.out());
        long to = dev.drover.view.Render.JSON.readTree(sync.out()).path("toVersion").asLong();
        assertEquals(0, UsersV2.actual(SharedSpark.session(), ws.warehouse()).exceptAll(UsersV2.expected(SharedSpark.session(), ws.warehouse(), to)).count());
        assertEquals(0, UsersV2.expected(SharedSpark.session(), ws.warehouse(), to).exceptAll(UsersV2.actual(SharedSpark.session(), ws.warehouse())).count());
        Cli transition = Cli.run(ws.command("transition", "users/V2"));
        printed.add(transition.out() + transition.err());
        assertTrue(transition.out().contains("lag 0 version(s)"), transition.out());

        Path report = ws.root().resolve("report");
        Cli html = Cli.run(ws.command("report", "--out", report.toString()));
        printed.add(html.out() + html.err());
        assertEquals(0, html.exitCode(), html.err());
        assertTrue(Files.readString(report.resolve("transitions.html")).contains("users-v1 → users-v2"), "the transition page");

        assertNoSecrets(ws, printed);
    }

    /** Local tables with the ledger and locks on S3, and S3 tables with the ledger on a local disk. */
    /**
     * The ledger's own upkeep on S3: commits under the table's commit lock, the checkpoint Delta
     * Kernel writes in the driver, the driver's compaction and Delta's OPTIMIZE; Delta then reads
     * the table from that checkpoint with every row once.
     */
    @Test
    void theLedgersCheckpointsAndCompactionsOnS3a() throws Exception {
        String state = "s3a://" + BUCKET + "/upkeep/state";
        org.apache.spark.sql.SparkSession spark = SharedSpark.session();
        try (dev.drover.ledger.LedgerWriter writer = new dev.drover.ledger.LedgerWriter(spark, state, 4, 2, 5)) {
            for (int i = 0; i < 11; i++) {
                writer.append(dev.drover.ledger.LedgerTables.WAVE_RUNS, List.of(new dev.drover.ledger.WaveRunRecord("w1", "m" + i, "",
                        dev.drover.model.WaveOutcome.PASSED, i, 0, 0, "", java.time.Instant.now()))).join();
            }
        }
        String table = state + "/ledger/wave_runs";
        Path log = s3.bucketFolder(BUCKET).resolve("upkeep/state/ledger/wave_runs/_delta_log");
        // 11 appends, two compactions (after the 4th and 8th appends) and an OPTIMIZE: versions 0-13, a checkpoint
        // at the first version of each five the writer saw (5 and 11: version 10 was OPTIMIZE's)
        assertTrue(Files.exists(log.resolve("00000000000000000005.checkpoint.parquet")), "the checkpoint at version 5");
        long last = dev.drover.view.Render.JSON.readTree(Files.readString(log.resolve("_last_checkpoint"))).path("version").asLong();
        assertEquals(11, last, "the checkpoint after version 10");
        org.apache.spark.sql.delta.DeltaLog.clearCache();
        var snapshot = org.apache.spark.sql.delta.DeltaLog.forTable(spark, table).update(false, scala.Option.empty(), scala.Option.empty());
        assertEquals(last, snapshot.logSegment().checkpointProvider().version(), "Delta reads from the last checkpoint");
        assertEquals(13, snapshot.version());
        var rows = new LedgerReader(spark, state).waveRuns("w1");
        assertEquals(11, rows.size(), rows.toString());
        assertEquals(55, rows.stream().mapToLong(dev.drover.ledger.WaveRunRecord::rowsWritten).sum());
        assertEquals(3, spark.sql("DESCRIBE HISTORY delta.`" + table + "`").where("operation = 'OPTIMIZE'").count(),
                "two compactions in the driver and one OPTIMIZE");
    }

    @Test
    void localAndS3aMix() throws Exception {
        // 1. tables on a local disk, state folder on S3
        Path local = tmp.resolve("mixed-local");
        Project.copyTree(Project.conf(), local.resolve("conf"));
        String localWarehouse = local.resolve("warehouse").toUri().toString().replaceAll("/$", "");
        DemoData.write(SharedSpark.session(), localWarehouse, 5_000, 5, BAD_EVERY);
        String s3State = "s3a://" + BUCKET + "/mixed/state";
        Cli first = Cli.run(List.of("--conf-dir", local.resolve("conf").toString(), "--conf", "drover.warehouse=" + localWarehouse,
                "--conf", "drover.state-dir=" + s3State, "--conf", "drover.environment=test", "--conf", "drover.progress=never",
                "--conf", "drover.storage.s3.endpoint=" + s3.endpoint(), "--conf", "drover.storage.s3.path-style-access=true",
                "migrate", "users/V2"));
        assertEquals(0, first.exitCode(), first.err() + first.out());
        assertEquals(5_000 - 5_000 / BAD_EVERY, read(localWarehouse + "/users_v2").count(), "the target on the local disk");
        RunRecord run = new LedgerReader(SharedSpark.session(), s3State).runs().get(0);
        assertEquals(RunStatus.SUCCEEDED, run.status());
        assertEquals(localWarehouse + "/users_v2", run.targetLocation());
        assertTrue(Files.isDirectory(s3.bucketFolder(BUCKET).resolve("mixed/state/ledger/runs/_delta_log")), "the ledger on S3");

        // 2. tables on S3, state folder on a local disk
        Space ws = space("mixed-s3");
        String localState = ws.root().resolve("state").toUri().toString().replaceAll("/$", "");
        List<String> args = new ArrayList<>(ws.command("migrate", "users/V2"));
        args.addAll(0, List.of("--conf", "drover.state-dir=" + localState));
        Cli second = Cli.run(args);
        assertEquals(0, second.exitCode(), second.err() + second.out());
        assertEquals(expectedRows(), read(ws.target()).count(), "the target on S3");
        assertEquals(RunStatus.SUCCEEDED, new LedgerReader(SharedSpark.session(), localState).runs().get(0).status());
        assertTrue(Files.isDirectory(ws.root().resolve("state/ledger/runs/_delta_log")), "the ledger on the local disk");
    }

    @Test
    void killNineMidRunThenResume() throws Exception {
        Space ws = space("kill");
        // killed between writing batch 1's files to S3 and recording them in the ledger
        try (Driver first = driver(ws, List.of("-Ddrover.test.announce=1", "-Ddrover.test.pause-at=batch-written:1"), goodKeys(),
                "migrate", "users/V2")) {
            first.awaitLine("drover-point batch-written:1", 600);
            first.kill();
        }
        assertTrue(Files.exists(ws.lockFile()), "the killed run's lock is left on S3");
        RunRecord killed = ws.ledger().runs().get(0);
        assertEquals(RunStatus.RUNNING, killed.status());

        try (Driver resume = driver(ws, List.of(), goodKeys(), "migrate", "users/V2")) {
            assertEquals(0, resume.waitFor(600), resume.stderr());
        }
        RunRecord run = ws.ledger().runs().get(0);
        assertEquals(killed.runId(), run.runId(), "the same run resumed");
        assertEquals(RunStatus.SUCCEEDED, run.status());
        Dataset<Row> target = read(ws.target());
        assertEquals(expectedRows(), target.count());
        assertEquals(expectedRows(), target.select("user_id").distinct().count(), "no batch written twice");
        List<BatchRecord> batches = ws.ledger().batches(run.runId());
        assertEquals(batches.stream().map(BatchRecord::batchId).distinct().count(), batches.stream()
                .filter(b -> b.status() == BatchStatus.STAGED).count(), "each batch staged once: " + batches);
        // write-audit-publish on s3a: the run is one commit of the target, holding exactly the recorded files
        DeltaTables delta = new DeltaTables(SharedSpark.session());
        assertEquals(1, delta.commitsAfter(ws.target(), -1).stream().filter(c -> c.tag().filter(t -> t.run().equals(run.runId()))
                .isPresent()).count(), "one commit of the run");
        assertEquals(batches.stream().mapToLong(b -> b.targetFiles().size()).sum(), target.inputFiles().length,
                "the files a killed write left were removed, not published");
        assertEquals(target.inputFiles().length, objects().stream().filter(o -> o.contains("users_v2/" + StagedFiles.folder(run.runId()))
                && o.split(" ")[0].endsWith(".parquet")).count(), "no staged file left on S3 that the table does not hold");
        assertFalse(Files.exists(ws.lockFile()), "the resumed run let its lock go");
    }

    @Test
    void aSecondRunExits3AndAWaveOnTheSameTableExits2() throws Exception {
        Space ws = space("concurrent");
        try (Driver holder = driver(ws, List.of("-Ddrover.test.announce=1", "-Ddrover.test.pause-at=analyzed"), goodKeys(),
                "migrate", "users/V2")) {
            holder.awaitLine("drover-point analyzed", 600);
            // the holder's run waited for its one ledger commit; the rest of analyze's records land meanwhile
            List<String> objects = settledObjects();
            try (Driver second = driver(ws, List.of(), goodKeys(), "migrate", "users/V2")) {
                assertEquals(3, second.waitFor(300), second.stderr());
                assertTrue(second.stderr().lines().anyMatch(l -> l.startsWith("drover: dataset users-v2 is held by run ")),
                        second.stderr());
            }
            try (Driver wave = driver(ws, List.of(), goodKeys(), "wave", "--dataset", "users-v2")) {
                assertEquals(2, wave.waitFor(300), wave.stderr());
                List<String> said = wave.stderr().lines().filter(l -> l.startsWith("drover: ")).toList();
                assertEquals(1, said.size(), wave.stderr());
                assertTrue(said.get(0).contains("S3SingleDriverLogStore") && said.get(0).contains("DynamoDB"), said.get(0));
            }
            assertEquals(objects, objects(), "neither the second run nor the wave wrote anything");
            holder.kill();
        }
        assertEquals(1, ws.ledger().runs().size());
        assertTrue(ws.ledger().waves().isEmpty());
    }

    /**
     * The lock's protocol on a real server: create-if-absent, replace-if-unchanged and delete-if-
     * unchanged honour their preconditions, and of several takers of a free or an abandoned lock
     * one holds it and the others hear who. The takers go one after another: s3proxy checks a
     * precondition and then writes (two requests at the same instant can both pass), where S3
     * itself evaluates a conditional PUT atomically.
     */
    @Test
    void theLockOnS3HonoursItsPreconditions() throws Exception {
        var hadoop = SharedSpark.session().sparkContext().hadoopConfiguration();
        LockFiles locks = ObjectStorage.locks("s3a://" + BUCKET + "/race/_drover", hadoop);
        String first = locks.createNew("plain.lock", "one").orElseThrow();
        assertTrue(locks.createNew("plain.lock", "two").isEmpty(), "create over an existing object refused (412)");
        assertTrue(locks.replace("plain.lock", "0123456789abcdef0123456789abcdef", "three").isEmpty(), "replace at a stale version refused");
        String second = locks.replace("plain.lock", first, "four").orElseThrow();
        locks.delete("plain.lock", first);
        assertEquals("four", locks.read("plain.lock").orElseThrow().content(), "delete at a stale version leaves it");
        locks.delete("plain.lock", second);
        assertTrue(locks.read("plain.lock").isEmpty());

        Duration lease = Duration.ofMinutes(1);
        for (String name : List.of("fresh.lock", "abandoned.lock")) {
            if (name.equals("abandoned.lock")) {
                // a holder on another host whose heartbeat stopped long ago: the first taker takes it over
                assertTrue(locks.createNew(name, "{\"run\":\"gone\",\"host\":\"elsewhere\",\"pid\":1,\"heartbeat\":\""
                        + Instant.now().minus(Duration.ofHours(1)) + "\"}").isPresent());
            }
            List<RunLock> won = new ArrayList<>();
            List<String> refused = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                try {
                    won.add(RunLock.acquire(locks, name, "run-" + i, lease, Duration.ofSeconds(10)));
                } catch (ConflictError e) {
                    refused.add(e.getMessage());
                }
            }
            assertEquals(1, won.size(), name + ": one taker holds it");
            assertEquals("run-0", RunLock.holder(locks, name, lease).orElseThrow().run());
            assertTrue(refused.stream().allMatch(m -> m.contains("is held by run run-0")), refused.toString());
            won.get(0).close();
            assertTrue(locks.read(name).isEmpty(), name + " let go");
        }
    }

    @Test
    void serverRestartMidRunFailsCleanlyOrCompletes() throws Exception {
        Space ws = space("restart");
        int exit;
        try (Driver run = driver(ws, List.of("-Ddrover.test.announce=1"), goodKeys(), "migrate", "users/V2")) {
            run.awaitLine("drover-point batch-written:1", 600);
            s3.stop();
            Thread.sleep(3_000);
            s3.restart();
            exit = run.waitFor(900);
            System.out.println("S3StorageTest: the run across the server restart exited " + exit);
        }
        RunRecord first = ws.ledger().runs().get(0);
        if (exit != 0) {
            // failed, not half-published: no consumer was told, and a second run finishes it
            assertTrue(first.status() != RunStatus.SUCCEEDED, "exit " + exit + " but " + first.status());
            String outbox = ws.ledger().location(OutboxRow.TABLE.name());
            assertTrue(!new DeltaTables(SharedSpark.session()).exists(outbox) || read(outbox).count() == 0,
                    "no consumer event for a run that did not pass");
            try (Driver again = driver(ws, List.of(), goodKeys(), "migrate", "users/V2")) {
                assertEquals(0, again.waitFor(600), again.stderr());
            }
        }
        RunRecord last = ws.ledger().runs().get(0);
        assertEquals(RunStatus.SUCCEEDED, last.status());
        Dataset<Row> target = read(ws.target());
        assertEquals(expectedRows(), target.count(), "complete after the restart (first exit " + exit + ")");
        assertEquals(expectedRows(), target.select("user_id").distinct().count(), "no row twice");
        assertFalse(Files.exists(ws.lockFile()));
    }

    @Test
    void badCredentialsAreOneLineExit2AndWriteNothing() throws Exception {
        Space ws = space("badkeys");
        List<String> objects = objects();
        Map<String, String> wrong = Map.of("AWS_ACCESS_KEY_ID", s3.accessKey(), "AWS_SECRET_ACCESS_KEY", "not-the-" + s3.secretKey());
        try (Driver migrate = driver(ws, List.of(), wrong, "migrate", "users/V2")) {
            assertEquals(2, migrate.waitFor(300), migrate.stderr());
            List<String> said = migrate.stderr().lines().filter(l -> !l.isBlank()).toList();
            assertEquals(1, said.size(), "one line: " + migrate.stderr());
            assertTrue(said.get(0).startsWith("drover: s3a://" + BUCKET + "/badkeys/") && said.get(0).contains("access denied"),
                    said.get(0));
            assertFalse(said.get(0).contains(s3.secretKey()), "no key in the message");
        }
        assertEquals(objects, objects(), "nothing written");

        // keys in the configuration are refused without being echoed
        Cli inConfig = Cli.run(ws.command("--conf", "drover.spark.conf.spark.hadoop.fs.s3a.secret.key=" + s3.secretKey(), "plan", "users/V2"));
        assertEquals(2, inConfig.exitCode(), inConfig.err());
        assertEquals(1, inConfig.errLines().size(), inConfig.err());
        assertTrue(inConfig.err().contains("drover.spark.conf.spark.hadoop.fs.s3a.secret.key") && !inConfig.err().contains(s3.secretKey()),
                inConfig.err());

        // a bucket that does not exist: one line, exit 2
        List<String> missing = new ArrayList<>(ws.command("plan", "users/V2"));
        missing.set(missing.indexOf("drover.warehouse=" + ws.warehouse()), "drover.warehouse=s3a://no-such-bucket/warehouse");
        Cli noBucket = Cli.run(missing);
        assertEquals(2, noBucket.exitCode(), noBucket.err() + noBucket.out());
        assertEquals(1, noBucket.errLines().size(), noBucket.err());
        assertTrue(noBucket.err().startsWith("drover: s3a://no-such-bucket/warehouse/") && noBucket.err().contains(": the bucket does not exist"), noBucket.err());
        assertEquals(objects, objects(), "nothing written");
    }

    /** Every object in the bucket with its size: what a command wrote shows up here. */
    /** The bucket's objects once they stopped changing for two seconds (at most a minute). */
    private static List<String> settledObjects() throws IOException, InterruptedException {
        List<String> last = objects();
        for (int i = 0; i < 30; i++) {
            Thread.sleep(2_000);
            List<String> now = objects();
            if (now.equals(last)) {
                return now;
            }
            last = now;
        }
        throw new AssertionError("the bucket kept changing for a minute: " + last.size() + " objects");
    }

    private static List<String> objects() throws IOException {
        try (Stream<Path> walk = Files.walk(s3.bucketFolder(BUCKET))) {
            return walk.filter(Files::isRegularFile).map(p -> {
                try {
                    return s3.bucketFolder(BUCKET).relativize(p) + " " + Files.size(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }).sorted().toList();
        }
    }

    /** Neither key shows up in what the commands printed, in any text object, in any ledger row or in the report. */
    private static void assertNoSecrets(Space ws, List<String> printed) throws IOException {
        Set<String> secrets = Set.of(s3.accessKey(), s3.secretKey());
        for (String text : printed) {
            for (String secret : secrets) {
                assertFalse(text.contains(secret), "a key in command output");
            }
        }
        List<Path> files = new ArrayList<>();
        try (Stream<Path> walk = Stream.concat(Files.walk(s3.bucketFolder(BUCKET)), Files.walk(ws.root()))) {
            walk.filter(Files::isRegularFile).filter(p -> !p.toString().endsWith(".parquet")).forEach(files::add);
        }
        assertTrue(files.stream().anyMatch(p -> p.toString().endsWith(".json")), "Delta commit files scanned");
        for (Path file : files) {
            String text = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
            for (String secret : secrets) {
                assertFalse(text.contains(secret), "a key in " + file);
            }
        }
        SparkSession spark = SharedSpark.session();
        Set<String> scanned = new HashSet<>();
        for (String table : List.of(LedgerTables.RUNS.name(), LedgerTables.STAGES.name(), LedgerTables.BATCHES.name(),
                LedgerTables.CHECKS.name(), LedgerTables.SCHEMA_CHANGES.name(), LedgerTables.QUARANTINE_COUNTS.name(),
                LedgerTables.SPEC_CHECKSUMS.name(), LedgerTables.WAVES.name(), LedgerTables.WAVE_RUNS.name(),
                LedgerTables.ALERTS.name(), OutboxRow.TABLE.name())) {
            String location = ws.ledger().location(table);
            if (!new DeltaTables(spark).exists(location)) {
                continue;
            }
            for (String row : read(location).toJSON().collectAsList()) {
                for (String secret : secrets) {
                    assertFalse(row.contains(secret), "a key in ledger table " + table);
                }
            }
            scanned.add(table);
        }
        assertTrue(scanned.containsAll(List.of("runs", "stages", "checks", "outbox")), "ledger tables scanned: " + scanned);
    }

    private static List<String> concat(List<String> first, List<String> second) {
        List<String> all = new ArrayList<>(first);
        all.addAll(second);
        return all;
    }
}
