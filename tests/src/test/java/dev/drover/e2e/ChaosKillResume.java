package dev.drover.e2e;

import static org.apache.spark.sql.functions.col;

import dev.drover.delta.DeltaTables;
import dev.drover.delta.StagedFiles;
import dev.drover.demo.DemoData;
import dev.drover.ledger.BatchRecord;
import dev.drover.ledger.LedgerReader;
import dev.drover.ledger.RunRecord;
import dev.drover.model.RunStatus;
import dev.drover.outbox.OutboxRow;
import dev.drover.testing.SharedSpark;
import dev.drover.testing.TestFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Chaos: the demo migration run in a real driver process that is killed with SIGKILL at some
 * moment (a named point of the run, or a time into it), then resumed with the same command. Each
 * kill is compared with a clean run: the final target equal in both directions, published in
 * exactly one commit of the run, no staged file left that no record names, the run succeeded in
 * the ledger, each consumer's event in the outbox once, and the resume rewrote exactly the rows
 * of the batches the ledger had not recorded at the kill.
 * {@code tests/chaos/kill-resume N} runs N random kills and prints the table, each resume a process
 * of its own (so its "resume ÷ clean" compares like with like); CI runs fixed points and two random
 * moments through {@code ChaosKillResumeTest}, resuming in the test JVM: what a resume reads is the
 * state on disk, and a process per resume was half of that class's time.
 */
public final class ChaosKillResume {
    static final String SPEC = "migrations/users/V2__country_dimension.conf";
    static final List<String> CONSUMERS = List.of("billing-export", "churn-model", "signup-dashboard");

    /** What one kill and resume found. */
    public record Outcome(String kill, double killPercent, int batches, Set<Integer> recorded, boolean published,
                          Set<Integer> inFlight, int unrecordedFiles, long rewritten, long expectedRewrite, double resumeRatio,
                          List<String> problems) {
        public boolean passed() {
            return problems.isEmpty();
        }

        /** A kill while batches were being written: started, not recorded, their files on disk. */
        public boolean midWrite() {
            return !inFlight.isEmpty() && inFlight.stream().noneMatch(recorded::contains) && unrecordedFiles > 0;
        }

        String row() {
            return String.format("| %s | %.0f %% | %d of %d | %s | %s | %,d (expected %,d) | %.2f | %s |", kill, killPercent,
                    recorded.size(), batches, published ? "yes" : "no",
                    inFlight.isEmpty() ? "none" : inFlight.stream().sorted().map(String::valueOf).collect(Collectors.joining(", "))
                            + (midWrite() ? " (" + unrecordedFiles + " files written, not recorded)" : ""),
                    rewritten, expectedRewrite, resumeRatio, passed() ? "pass" : "FAIL: " + String.join("; ", problems));
        }
    }

    /**
     * When to kill: at a named point of the run (it pauses there), once a batch's write has put
     * data files on disk that no commit holds yet, or a time after the driver started.
     */
    public record Kill(String label, String point, boolean pause, long afterMillis) {
        static Kill at(String label, String point) {
            return new Kill(label, point, true, 0);
        }

        static Kill whileWriting(String label, int batch) {
            return new Kill(label, "batch-writing:" + batch, false, 0);
        }

        static Kill after(long millis) {
            return new Kill(String.format("%.1f s", millis / 1000.0), null, false, millis);
        }
    }

    private final Path work;
    private final long rows;
    private final int days;
    private final long badEvery;
    private final long maxRows;
    private final boolean resumeInProcess;
    private Clean clean;

    public ChaosKillResume(Path work, long rows, int days, long badEvery, long maxRows, boolean resumeInProcess) {
        this.work = work;
        this.rows = rows;
        this.days = days;
        this.badEvery = badEvery;
        this.maxRows = maxRows;
        this.resumeInProcess = resumeInProcess;
    }

    /** The clean run everything is compared with: its time, its target, its batches' rows. */
    record Clean(double seconds, Dataset<Row> target, Map<Integer, Long> batchRows) {}

    /** Generates the data once and runs the migration uninterrupted in a driver process. */
    public Clean clean() throws Exception {
        if (clean == null) {
            Path pristine = work.resolve("pristine");
            TestFiles.deleteTree(work);
            Files.createDirectories(work);
            DemoData.write(SharedSpark.session(), pristine.resolve("warehouse").toUri().toString(), rows, days, badEvery);
            Path dir = copy("clean");
            // built before the clock starts: the first driver command of a build makes the class-data archive
            List<String> command = command(dir, List.of());
            long start = System.nanoTime();
            try (Driver driver = Driver.start(command, dir.resolve("driver.out"))) {
                int exit = driver.waitFor(600);
                if (exit != 0) {
                    throw new IllegalStateException("the clean run failed (exit " + exit + "): " + driver.stderr());
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            LedgerReader ledger = ledger(dir);
            RunRecord run = ledger.runs().get(0);
            Map<Integer, Long> batchRows = ledger.batches(run.runId()).stream()
                    .collect(Collectors.toMap(BatchRecord::batchId, BatchRecord::rowsWritten));
            clean = new Clean(seconds, table(dir, "users_v2").cache(), batchRows);
            clean.target().count();
        }
        return clean;
    }

    /** Kills a driver as {@code kill} says, resumes it, and compares the outcome with the clean run. */
    public Outcome killAndResume(String name, Kill kill) throws Exception {
        Clean reference = clean();
        Path dir = copy(name);
        List<String> props = new ArrayList<>(List.of("-Ddrover.test.announce=1"));
        if (kill.pause()) {
            props.add("-Ddrover.test.pause-at=" + kill.point());
        }
        String target = dir.resolve("warehouse/users_v2").toUri().toString();
        DeltaTables delta = new DeltaTables(SharedSpark.session());
        long started = System.nanoTime();
        List<String> announced;
        boolean finishedFirst = false;
        try (Driver driver = Driver.start(command(dir, props), dir.resolve("killed.out"))) {
            if (kill.point() != null) {
                driver.awaitLine("drover-point " + kill.point(), 300);
                if (!kill.pause()) {
                    awaitUnrecordedFiles(dir);
                }
            } else {
                finishedFirst = driver.endedWithin(kill.afterMillis());
            }
            if (!finishedFirst) {
                driver.kill();
            }
            announced = List.of(driver.stderr().split("\n"));
        }
        double killedAt = (System.nanoTime() - started) / 1e9;
        java.time.Instant killInstant = java.time.Instant.now();

        // what the ledger and the target held when the driver died
        LedgerReader ledger = ledger(dir);
        Optional<RunRecord> run = ledger.runs().stream().findFirst();
        Set<Integer> recorded = run.map(r -> ledger.batches(r.runId()).stream().filter(BatchRecord::isWritten)
                .map(BatchRecord::batchId).collect(Collectors.toSet())).orElse(Set.of());
        boolean publishedAtKill = run.isPresent() && publishes(delta, target, run.get().runId()) > 0;
        Set<Integer> inFlight = new HashSet<>();
        for (String line : announced) {
            if (line.startsWith("drover-point batch-writing:")) {
                inFlight.add(Integer.parseInt(line.substring(line.indexOf(':') + 1).trim()));
            }
        }
        for (String line : announced) {
            if (line.startsWith("drover-point batch-written:")) {
                inFlight.remove(Integer.parseInt(line.substring(line.indexOf(':') + 1).trim()));
            }
        }
        inFlight.removeAll(recorded);
        int unrecorded = run.map(r -> unrecordedFiles(dir, r.runId())).orElse(0);

        long resumeStart = System.nanoTime();
        Cli resumed;
        if (resumeInProcess) {
            resumed = Cli.run(arguments(dir));
        } else {
            try (Driver driver = Driver.start(command(dir, List.of()), dir.resolve("resumed.out"))) {
                int exit = driver.waitFor(600);
                resumed = new Cli(exit, Files.readString(dir.resolve("resumed.out")), driver.stderr());
            }
        }
        double resumeSeconds = (System.nanoTime() - resumeStart) / 1e9;

        List<String> problems = new ArrayList<>();
        if (resumed.exitCode() != 0) {
            problems.add("resume exited " + resumed.exitCode() + ": " + resumed.err().lines().reduce((a, b) -> b).orElse(""));
        }
        RunRecord finished = ledger(dir).runs().stream().findFirst().orElse(null);
        if (finished == null || finished.status() != RunStatus.SUCCEEDED) {
            problems.add("the ledger's run is " + (finished == null ? "missing" : finished.status().label()));
        }
        Dataset<Row> result = table(dir, "users_v2");
        long missing = reference.target().exceptAll(result).count();
        long extra = result.exceptAll(reference.target()).count();
        if (missing + extra > 0) {
            problems.add(missing + " rows missing and " + extra + " rows extra against the clean run");
        }
        long rewritten = 0;
        long expected = 0;
        if (finished != null) {
            int publishes = publishes(delta, target, finished.runId());
            if (publishes != 1) {
                problems.add("the target's history holds " + publishes + " commits of the run, expected one (its publish)");
            }
            List<BatchRecord> batches = ledger(dir).batches(finished.runId());
            if (batches.size() != reference.batchRows().size() || !batches.stream().allMatch(BatchRecord::isWritten)) {
                problems.add(batches.stream().filter(BatchRecord::isWritten).count() + " batches written, the clean run has "
                        + reference.batchRows().size());
            }
            int left = unrecordedFiles(dir, finished.runId());
            if (left > 0) {
                problems.add(left + " staged files no record names were left behind");
            }
            boolean sameRun = run.isPresent() && run.get().runId().equals(finished.runId());
            for (BatchRecord b : batches) {
                if (!sameRun || b.eventTime().isAfter(killInstant)) {
                    rewritten += b.rowsWritten();
                }
            }
            for (var batch : reference.batchRows().entrySet()) {
                if (!sameRun || !recorded.contains(batch.getKey())) {
                    expected += batch.getValue();
                }
            }
            if (rewritten != expected) {
                problems.add("the resume rewrote " + rewritten + " rows, the batches the ledger lacked hold " + expected);
            }
            Map<String, Long> events = ledger(dir).rows(OutboxRow.TABLE, col("record").equalTo("event").and(col("run_id").equalTo(finished.runId())))
                    .stream().collect(Collectors.groupingBy(r -> r.consumer().orElse(""), Collectors.counting()));
            Map<String, Long> once = new HashMap<>();
            CONSUMERS.forEach(c -> once.put(c, 1L));
            if (!events.equals(once)) {
                problems.add("outbox events per consumer " + events + ", expected each once");
            }
        }
        String label = finishedFirst ? kill.label() + " (finished before the kill)" : kill.label();
        return new Outcome(label, 100 * killedAt / reference.seconds(), reference.batchRows().size(), recorded, publishedAtKill,
                inFlight, unrecorded, rewritten, expected, resumeSeconds / reference.seconds(), problems);
    }

    /** A random moment between 5 % and 95 % of the clean run's time. */
    public Kill randomKill(Random random) throws Exception {
        double seconds = clean().seconds();
        return Kill.after((long) (1000 * seconds * (0.05 + 0.9 * random.nextDouble())));
    }

    /** Commits of the target tagged with the run: its publish, once. */
    private static int publishes(DeltaTables delta, String target, String runId) {
        if (!delta.exists(target)) {
            return 0;
        }
        return (int) delta.commitsAfter(target, -1).stream().filter(c -> c.tag().filter(t -> t.run().equals(runId)).isPresent()).count();
    }

    /** Waits (up to 60 s) until a write has put data files in a run's folder of the target that no batch record names. */
    /**
     * Waits until a data file appears in the target's run folders beyond those there when the
     * batch was announced: a write in progress. The file system alone is polled, every few
     * milliseconds: a small batch is written in a fraction of a second, and a ledger read per poll
     * (as the outcome's count makes) let the write finish first.
     */
    private static void awaitUnrecordedFiles(Path dir) throws Exception {
        long before = stagedFiles(dir);
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (System.nanoTime() < deadline) {
            if (stagedFiles(dir) > before) {
                return;
            }
            Thread.sleep(5);
        }
        throw new IllegalStateException("no unrecorded data file appeared under " + dir.resolve("warehouse/users_v2"));
    }

    /** Parquet files in every run folder of the target. */
    private static long stagedFiles(Path dir) throws IOException {
        Path target = dir.resolve("warehouse/users_v2");
        if (!Files.isDirectory(target)) {
            return 0;
        }
        try (Stream<Path> files = Files.walk(target)) {
            return files.filter(p -> p.toString().contains("/drover-") && p.toString().endsWith(".parquet")).count();
        } catch (java.io.UncheckedIOException e) {
            return -1;   // a folder went away while it was walked: look again
        }
    }

    /** Data files in the run's folder of the target that no batch record of the run names: what a write never recorded left. */
    private static int unrecordedFiles(Path dir, String runId) {
        Path folder = dir.resolve("warehouse/users_v2").resolve(StagedFiles.folder(runId));
        if (!Files.isDirectory(folder)) {
            return 0;
        }
        Set<String> named = new HashSet<>();
        ledger(dir).batches(runId).forEach(b -> StagedFiles.adds(b.targetFiles()).forEach(a -> named.add(Path.of(
                java.net.URLDecoder.decode(a.path(), java.nio.charset.StandardCharsets.UTF_8)).getFileName().toString())));
        try (Stream<Path> files = Files.walk(folder)) {
            return (int) files.filter(p -> p.toString().endsWith(".parquet")).filter(p -> !named.contains(p.getFileName().toString())).count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Path copy(String name) {
        Path dir = work.resolve(name);
        TestFiles.deleteTree(dir);
        TestFiles.copyTree(work.resolve("pristine/warehouse"), dir.resolve("warehouse"));
        TestFiles.copyTree(Project.conf(), dir.resolve("conf"));
        try {
            Path spec = dir.resolve("conf").resolve(SPEC);
            Files.writeString(spec, Files.readString(spec).replace("max-rows = 250000", "max-rows = " + maxRows));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return dir;
    }

    private static List<String> command(Path dir, List<String> props) {
        List<String> command = Project.javaCommand(Project.testClasspath(), props);
        command.add("dev.drover.cli.DroverCli");
        command.addAll(arguments(dir));
        return command;
    }

    private static List<String> arguments(Path dir) {
        return List.of("--conf-dir", dir.resolve("conf").toString(), "--conf", "drover.warehouse=" + dir.resolve("warehouse"),
                "--conf", "drover.environment=test", "--conf", "drover.progress=never", "migrate", "users/V2");
    }

    private static LedgerReader ledger(Path dir) {
        return new LedgerReader(SharedSpark.session(), dir.resolve("warehouse").toUri().toString().replaceAll("/$", "") + "/_drover");
    }

    private static Dataset<Row> table(Path dir, String name) {
        SparkSession spark = SharedSpark.session();
        return spark.read().format("delta").load(dir.resolve("warehouse").resolve(name).toUri().toString());
    }

    /** {@code tests/chaos/kill-resume N [ROWS]}: N random kills, one table row each. */
    public static void main(String[] args) throws Exception {
        int n = Integer.parseInt(args[0]);
        long rows = args.length > 1 ? Long.parseLong(args[1]) : 200_000;
        long seed = args.length > 2 ? Long.parseLong(args[2]) : System.currentTimeMillis();
        Path work = Path.of(System.getProperty("drover.root", ".")).resolve("tests/target/chaos").toAbsolutePath();
        ChaosKillResume chaos = new ChaosKillResume(work, rows, 10, 5_000, rows / 8, false);
        Clean clean = chaos.clean();
        System.out.printf("clean run: %.1f s, %d batches, %,d rows written; seed %d%n%n", clean.seconds(), clean.batchRows().size(),
                clean.target().count(), seed);
        System.out.println("| # | kill at | as % of a clean run | ledger: batches recorded | published at the kill | batches in flight | rows the resume rewrote | resume ÷ clean | verdict |");
        System.out.println("| --- | --- | --- | --- | --- | --- | --- | --- | --- |");
        Random random = new Random(seed);
        int failed = 0;
        for (int i = 1; i <= n; i++) {
            Outcome o = chaos.killAndResume("kill-" + i, chaos.randomKill(random));
            System.out.println("| " + i + " " + o.row());
            failed += o.passed() ? 0 : 1;
        }
        System.out.printf("%n%d of %d kills resumed to the clean run's target%n", n - failed, n);
        SharedSpark.session().stop();
        System.exit(failed == 0 ? 0 : 1);
    }
}
