package dev.drover.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.drover.ledger.FleetRecord;
import dev.drover.ledger.LedgerReader;
import dev.drover.ledger.WaveRecord;
import dev.drover.ledger.WaveRunRecord;
import dev.drover.model.WaveOutcome;
import dev.drover.model.WaveStatus;
import dev.drover.testing.SharedSpark;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A wave on a real Spark standalone cluster (a master and two workers, each its own process,
 * started by submit/cluster/start), submitted through Spark's SparkSubmit entry point with the
 * application jar: the step policy asks for executors only while the backlog is high, they come,
 * and idle ones go again, as the ledger's fleet table shows.
 */
class ClusterFleetTest {
    /**
     * The wave's tail: one batch in one task, held before its write (a pause at its own batch point, while
     * the other migrations go on) until the ledger shows an executor gone after the backlog drained. Holding it
     * costs no CPU; an 8-million-row write once kept the executors idle instead, and was a minute of two cores.
     */
    private static final long TAIL_ROWS = 100_000;
    private static final String TAIL_PAUSE = "-Ddrover.test.pause-at=" + FleetFixture.id(5) + "/batch-writing:0";

    @TempDir
    static Path clusterTmp;
    private static Path clusterDir;
    private static String master;
    private static Thread guard;

    @TempDir
    Path tmp;

    /** One cluster for both tests: starting it is most of the cost on two cores. */
    @BeforeAll
    static void startTheCluster() throws Exception {
        clusterDir = clusterTmp.resolve("cluster");
        // should this JVM end abruptly, the cluster's processes must not outlive it
        guard = new Thread(() -> {
            try {
                stopCluster(clusterDir);
            } catch (Exception ignored) {
                // nothing more to do on the way out
            }
        });
        Runtime.getRuntime().addShutdownHook(guard);
        master = startCluster(clusterDir);
    }

    @AfterAll
    static void stopTheCluster() throws Exception {
        stopCluster(clusterDir);
        Runtime.getRuntime().removeShutdownHook(guard);
    }

    private static List<String> submit(Path jar, List<String> systemProperties) {
        List<String> command = Project.javaCommand(Project.testClasspath(), systemProperties);
        command.addAll(List.of("org.apache.spark.deploy.SparkSubmit", "--master", master, "--class", "dev.drover.cli.DroverCli",
                "--jars", deltaJars(), "--conf", "spark.executor.cores=1", "--conf", "spark.executor.memory=768m",
                // executors here live a minute or two on small tasks: the drivers' quick JIT tier and serial collector
                "--conf", "spark.executor.extraJavaOptions=" + Project.PROCESS_FLAGS.trim(),
                "--conf", "spark.driver.host=127.0.0.1", "--conf", "spark.ui.enabled=false", jar.toString()));
        return command;
    }

    @Test
    void aWaveOnAStandaloneClusterScalesUpWithTheBacklogAndBackDownAfter() throws Exception {
        Path jar = Project.root().resolve("consumer-notifier/target/drover.jar");
        assertTrue(Files.exists(jar), "the build made " + jar);
        // four small migrations of three batches each run at once; a fifth, one batch held to one task by its quota,
        // starts when the first of them ends and is held before its write until they have all ended: then the backlog
        // is that one batch, and the executors go idle and leave
        FleetFixture fleet = FleetFixture.create(tmp.resolve("fleet"), SharedSpark.session(), 5, i -> i == 5 ? TAIL_ROWS : 3_000,
                Set.of(), false);
        Path tail = fleet.conf.resolve("migrations/fleet-0005/V1__copy.conf");
        Files.writeString(tail, Files.readString(tail) + "batching { max-rows = 100000000 }\nquota { max-tasks = 1 }\n");

        Path release = tmp.resolve("release-the-tail");
        List<String> command = submit(jar, List.of("-Ddrover.test.announce=1", TAIL_PAUSE, "-Ddrover.test.pause-for=180000",
                "-Ddrover.test.pause-until=" + release));
        command.addAll(fleet.options());
        command.addAll(List.of("--conf", "drover.batching.max-rows=800", "--conf", "drover.fleet.max-executors=4",
                "--conf", "drover.fleet.idle-timeout=5s", "--conf", "drover.fleet.scale-up.backlog=2",
                "--conf", "drover.fleet.scale-up.after=2s", "--conf", "drover.fleet.scale-up.step=1",
                "wave", "--parallel", "4"));
        LedgerReader ledger = new LedgerReader(SharedSpark.session(), fleet.warehouse.toUri().toString().replaceAll("/$", "") + "/_drover");
        java.time.Instant released = null;
        try (Driver driver = Driver.start(command, tmp.resolve("wave.out"))) {
            // the tail is held until an executor has left with the backlog drained to it; then it writes
            long deadline = System.nanoTime() + 600_000_000_000L;
            while (!driver.endedWithin(2_000) && System.nanoTime() < deadline) {
                if (released == null && anExecutorLeftAfterTheBacklogDrained(ledger.fleet(null))) {
                    Files.writeString(release, "go");
                    released = java.time.Instant.now();
                }
            }
            assertEquals(0, driver.waitFor(60), driver.stderr());
        }
        String out = Files.readString(tmp.resolve("wave.out"));
        assertTrue(out.contains("5 passed, 0 failed"), out);

        WaveRecord wave = ledger.waves().get(0);
        assertEquals(WaveStatus.SUCCEEDED, wave.status());
        for (WaveRunRecord r : ledger.waveRuns(wave.waveId())) {
            assertEquals(WaveOutcome.PASSED, r.outcome(), r.toString());
        }
        WaveRunRecord tailRun = ledger.waveRuns(wave.waveId()).stream().filter(r -> r.migration().equals(FleetFixture.id(5))).findFirst().orElseThrow();
        assertTrue(released != null && tailRun.eventTime().isAfter(released), "the tail was held until an executor had left, released at "
                + released + ": " + tailRun);
        long tailRows = SharedSpark.session().read().format("delta").load(fleet.warehouse.resolve("dst_0005").toUri().toString()).count();
        assertEquals(TAIL_ROWS, tailRows);

        List<FleetRecord> changes = ledger.fleet(null);
        String table = changes.stream().map(f -> f.eventTime() + " " + f.event().label() + " " + f.executor() + " backlog " + f.backlog()
                + " executors " + f.executors() + " " + f.reason()).collect(Collectors.joining("\n"))
                + "\nmigrations:\n" + ledger.waveRuns(wave.waveId()).stream().map(r -> r.eventTime() + " " + r.migration()
                + " " + r.seconds() + " s").collect(Collectors.joining("\n"));
        assertTrue(changes.stream().allMatch(f -> f.waveId().equals(wave.waveId())), table);
        // the policy asked for more only while the backlog was above 2, and executors came
        List<FleetRecord> requests = changes.stream().filter(f -> f.event() == dev.drover.model.FleetEvent.REQUESTED).toList();
        assertTrue(!requests.isEmpty() && requests.stream().allMatch(f -> f.backlog() > 2), table);
        List<FleetRecord> added = changes.stream().filter(f -> f.event() == dev.drover.model.FleetEvent.ADDED).toList();
        assertTrue(added.stream().map(FleetRecord::executor).distinct().count() >= 2, "two executors or more came: " + table);
        // dynamic allocation may bring the first one for the first job on its own; more came while the backlog was high
        assertTrue(added.stream().anyMatch(f -> f.backlog() > 2), "executors came while the backlog was high: " + table);
        FleetRecord firstAdded = added.get(0);
        // and once the backlog had drained to the large batch, idle ones went (dynamic allocation's idle timeout)
        int peak = changes.stream().mapToInt(FleetRecord::executors).max().orElse(0);
        assertTrue(peak >= 2, table);
        // (the fleet then ran with fewer than at its peak; the tail's last jobs may bring one back before the end, as
        // dynamic allocation does for any job with pending tasks, so the last row is not the measure)
        assertTrue(changes.stream().anyMatch(f -> f.event() == dev.drover.model.FleetEvent.REMOVED && f.backlog() <= 2
                && f.eventTime().isAfter(firstAdded.eventTime()) && f.executors() < peak),
                "an executor left after the backlog drained, leaving fewer than at the peak: " + table);

        // status --wave draws it from the ledger
        Cli status = Cli.run(concatOptions(fleet, "status", "--wave", wave.waveId()));
        assertEquals(0, status.exitCode(), status.err());
        assertTrue(status.out().contains("fleet: " + added.size() + " added"), status.out());
    }

    /**
     * The agent on the cluster: eight requests wait on the queue when it starts, so its backlog (the
     * queue's lag, the requests waiting their turn, the running ones' batches) is high; the policy
     * asks for executors on it, they come, every request succeeds, and idle executors go after.
     */
    @Test
    void theAgentOnAStandaloneClusterScalesOnItsQueue() throws Exception {
        Path jar = Project.root().resolve("consumer-notifier/target/drover.jar");
        FleetFixture fleet = FleetFixture.create(tmp.resolve("fleet"), SharedSpark.session(), 8, i -> 2_000, Set.of(), false);
        dev.drover.notify.LocalKafka kafka = SharedKafka.fresh();
        kafka.createTopics(1, "drover.requests", "drover.replies");   // the requests wait before the agent makes them
        List<String> options = new ArrayList<>(fleet.options());
        options.addAll(List.of("--conf", "drover.notify.bootstrap-servers=" + kafka.bootstrapServers()));
        for (int i = 1; i <= 8; i++) {
            Cli sent = Cli.run(concat(options, "request", "migrate", FleetFixture.id(i), "--id", "q" + i));
            assertEquals(0, sent.exitCode(), sent.err());
        }
        List<String> command = submit(jar, List.of());
        command.addAll(options);
        command.addAll(List.of("--conf", "drover.fleet.max-executors=4", "--conf", "drover.fleet.idle-timeout=5s",
                "--conf", "drover.fleet.scale-up.backlog=2", "--conf", "drover.fleet.scale-up.after=2s",
                "--conf", "drover.fleet.scale-up.step=1", "--conf", "drover.wave.parallel=2",
                "--conf", "drover.agent.poll-interval=200ms", "agent", "--exit-when-idle", "20s"));
        try (Driver driver = Driver.start(command, tmp.resolve("agent.out"))) {
            assertEquals(0, driver.waitFor(900), driver.stderr());
        }
        String out = Files.readString(tmp.resolve("agent.out"));
        LedgerReader ledger = new LedgerReader(SharedSpark.session(), fleet.warehouse.toUri().toString().replaceAll("/$", "") + "/_drover");
        for (int i = 1; i <= 8; i++) {
            dev.drover.ledger.RequestRecord r = ledger.requests(List.of("q" + i)).get(0);
            assertEquals(dev.drover.model.RequestStatus.SUCCEEDED, r.status(), r + "\n" + out);
        }
        List<FleetRecord> changes = ledger.fleet(null);
        String table = changes.stream().map(f -> f.eventTime() + " " + f.event().label() + " " + f.executor() + " backlog " + f.backlog()
                + " executors " + f.executors() + " " + f.reason()).collect(Collectors.joining("\n"));
        assertTrue(changes.stream().allMatch(f -> f.waveId().startsWith("agent-")), table);
        List<FleetRecord> requests = changes.stream().filter(f -> f.event() == dev.drover.model.FleetEvent.REQUESTED).toList();
        assertTrue(!requests.isEmpty() && requests.stream().allMatch(f -> f.backlog() > 2), "asked for executors on the queue: " + table);
        assertTrue(changes.stream().anyMatch(f -> f.event() == dev.drover.model.FleetEvent.ADDED && f.backlog() > 2), "executors came: " + table);
        int peak = changes.stream().mapToInt(FleetRecord::executors).max().orElse(0);
        assertTrue(peak >= 2, table);
        assertTrue(changes.stream().anyMatch(f -> f.event() == dev.drover.model.FleetEvent.REMOVED), "idle executors left: " + table);
    }

    private static boolean anExecutorLeftAfterTheBacklogDrained(List<FleetRecord> changes) {
        Optional<FleetRecord> firstAdded = changes.stream().filter(f -> f.event() == dev.drover.model.FleetEvent.ADDED).findFirst();
        return firstAdded.isPresent() && changes.stream().anyMatch(f -> f.event() == dev.drover.model.FleetEvent.REMOVED
                && f.backlog() <= 2 && f.eventTime().isAfter(firstAdded.get().eventTime()));
    }

    private static List<String> concat(List<String> first, String... more) {
        List<String> all = new ArrayList<>(first);
        all.addAll(Arrays.asList(more));
        return all;
    }

    private static List<String> concatOptions(FleetFixture fleet, String... args) {
        List<String> all = new ArrayList<>(fleet.options());
        all.addAll(Arrays.asList(args));
        return all;
    }

    private static String deltaJars() {
        return Arrays.stream(Project.testClasspath().split(":"))
                .filter(p -> p.matches(".*/delta-(spark_2\\.12|storage)-[^/]*\\.jar"))
                .collect(Collectors.joining(","));
    }

    private static String startCluster(Path dir) throws IOException, InterruptedException {
        Process start = new ProcessBuilder(Project.root().resolve("submit/cluster/start").toString(), "--workers", "2", "--cores", "2",
                "--memory", "2g", "--port", "0", "--webui-port", "0", "--dir", dir.toString())
                .directory(Project.root().toFile()).redirectError(dir.getParent().resolve("cluster-start.err").toFile()).start();
        String url = new String(start.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertTrue(start.waitFor(300, TimeUnit.SECONDS), "cluster/start finished");
        assertEquals(0, start.exitValue(), Files.readString(dir.getParent().resolve("cluster-start.err")));
        assertTrue(url.startsWith("spark://127.0.0.1:"), url);
        return url;
    }

    private static void stopCluster(Path dir) throws IOException, InterruptedException {
        Process stop = new ProcessBuilder(Project.root().resolve("submit/cluster/stop").toString(), "--dir", dir.toString())
                .directory(Project.root().toFile()).redirectErrorStream(true).start();
        stop.getInputStream().readAllBytes();
        stop.waitFor(120, TimeUnit.SECONDS);
    }
}
