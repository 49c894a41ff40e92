package dev.drover.e2e;

import dev.drover.delta.CommitTag;
import dev.drover.delta.DeltaTables;
import dev.drover.demo.DemoData;
import dev.drover.ledger.LedgerReader;
import dev.drover.ledger.SyncRecord;
import dev.drover.model.Stage;
import dev.drover.model.SyncKind;
import dev.drover.model.SyncStatus;
import dev.drover.testing.SharedSpark;
import dev.drover.testing.TestFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

/**
 * Chaos for transition windows: over a stream of users-v1 commits, each round commits to v1 and
 * runs {@code drover sync users/V2} in a real driver process killed with SIGKILL (at a named point
 * of the sync, or at a random moment of a clean sync's time), then runs the same command again.
 * After each round users-v2 must equal the spec over users-v1 at the last synced version (computed
 * in SQL here), every sync must have made at most one commit, and the ranges of the sync commits
 * must follow each other from the migration's pinned version with no gap and no overlap: no range
 * applied twice, none skipped. {@code tests/chaos/sync-kill-resume N} prints a table of N rounds;
 * CI runs three fixed points and one random moment ({@code ChaosSyncTest}).
 */
public final class ChaosSyncKillResume {
    /** What one round found. */
    public record Outcome(int round, String kill, double killPercent, String atKill, boolean mergedAtKill, String resumed,
                          String range, long v1Version, List<String> problems) {
        public boolean passed() {
            return problems.isEmpty();
        }

        String row() {
            return String.format("| %d | %s | %.0f %% | %s | %s | %s | %s | %s |", round, kill, killPercent, atKill,
                    mergedAtKill ? "yes" : "no", resumed, range, passed() ? "pass" : "FAIL: " + String.join("; ", problems));
        }
    }

    /** When to kill the sync: at a named point (it pauses there), or a time after the driver started. */
    public record Kill(String label, String point, long afterMillis) {
        static Kill at(String point) {
            return new Kill("at " + point, point, 0);
        }

        static Kill after(long millis) {
            return new Kill(String.format("%.1f s", millis / 1000.0), null, millis);
        }
    }

    private final Path work;
    private final long rows;
    private final Random producer;
    private long nextId = 10_000_000;
    private double cleanSeconds;
    private int round;

    public ChaosSyncKillResume(Path work, long rows, long seed) {
        this.work = work;
        this.rows = rows;
        this.producer = new Random(seed);
    }

    private String warehouse() {
        return work.resolve("warehouse").toUri().toString().replaceAll("/$", "");
    }

    /** Data, the migration (in this JVM), then one clean sync in a driver process: the time random kills are drawn from. */
    public double setUp() throws Exception {
        TestFiles.deleteTree(work);
        Files.createDirectories(work);
        TestFiles.copyTree(Project.conf(), work.resolve("conf"));
        DemoData.write(SharedSpark.session(), warehouse(), rows, 5, 0);
        Cli migrate = Cli.run(options("migrate", "users/V2"));
        if (migrate.exitCode() != 0) {
            throw new IllegalStateException("the migration failed: " + migrate.err() + migrate.out());
        }
        produce();
        // built before the clock starts: the first driver command of a build makes the class-data archive
        List<String> clean = command(List.of());
        long start = System.nanoTime();
        try (Driver driver = Driver.start(clean, work.resolve("clean.out"))) {
            int exit = driver.waitFor(600);
            if (exit != 0) {
                throw new IllegalStateException("the clean sync failed (exit " + exit + "): " + driver.stderr());
            }
        }
        cleanSeconds = (System.nanoTime() - start) / 1e9;
        return cleanSeconds;
    }

    /** One round: commits to v1, a sync killed as {@code kill} says, the same command again, and the checks. */
    public Outcome round(Kill kill) throws Exception {
        round++;
        produce();
        List<String> props = new ArrayList<>(List.of("-Ddrover.test.announce=1"));
        if (kill.point() != null) {
            props.add("-Ddrover.test.pause-at=" + kill.point());
        }
        long started = System.nanoTime();
        boolean finished = false;
        try (Driver driver = Driver.start(command(props), work.resolve("round-" + round + ".out"))) {
            if (kill.point() != null) {
                driver.awaitLine("drover-point " + kill.point(), 300);
            } else {
                finished = driver.endedWithin(kill.afterMillis());
            }
            if (!finished) {
                driver.kill();
            }
        }
        double killedAt = (System.nanoTime() - started) / 1e9;
        Optional<SyncRecord> killed = syncs().stream().filter(s -> s.kind() == SyncKind.SYNC).reduce((a, b) -> b);
        String atKill = killed.map(s -> s.status().label() + " " + s.range()).orElse("none");
        boolean merged = killed.isPresent() && commitsBySync().containsKey(killed.get().syncId());

        Cli resumed = Cli.run(options("sync", "users/V2"));
        List<String> problems = new ArrayList<>();
        if (resumed.exitCode() != 0) {
            problems.add("the sync after the kill exited " + resumed.exitCode() + ": " + resumed.err().strip());
        }
        String how = resumed.out().contains("(resumed)") ? "resumed" : resumed.out().contains("up to date") ? "up to date" : "new sync";
        long v1 = new DeltaTables(SharedSpark.session()).latestVersion(warehouse() + "/users_v1");
        problems.addAll(check(v1));
        String label = finished ? kill.label() + " (ended before the kill)" : kill.label();
        String range = syncs().stream().filter(s -> s.kind() == SyncKind.SYNC && s.status() == SyncStatus.SUCCEEDED)
                .reduce((a, b) -> b).map(SyncRecord::range).orElse("-");
        return new Outcome(round, label, 100 * killedAt / cleanSeconds, atKill, merged, how, range, v1, problems);
    }

    /** v2 equals the spec over v1 at the last synced version; each sync one commit at most; ranges contiguous, none twice. */
    private List<String> check(long v1Latest) {
        List<String> problems = new ArrayList<>();
        List<SyncRecord> done = syncs().stream().filter(s -> s.kind() == SyncKind.SYNC && s.status() == SyncStatus.SUCCEEDED).toList();
        long pinned = new LedgerReader(SharedSpark.session(), warehouse() + "/_drover").runsOf("users/V2").get(0).sourceVersion();
        long synced = done.isEmpty() ? pinned : done.get(done.size() - 1).toVersion();
        if (synced != v1Latest) {
            problems.add("the window is in step with v1@" + synced + ", v1 is at " + v1Latest);
        }
        long[] diff = UsersV2.difference(SharedSpark.session(), warehouse(), synced);
        if (diff[0] + diff[1] > 0) {
            problems.add(diff[0] + " rows of v2 are not the spec over v1@" + synced + ", " + diff[1] + " rows of it are not in v2");
        }
        Map<String, List<CommitTag>> bySync = commitsBySync();
        bySync.forEach((sync, commits) -> {
            if (commits.size() > 1) {
                problems.add("sync " + sync + " committed " + commits.size() + " times");
            }
        });
        long expectFrom = pinned + 1;
        for (List<CommitTag> commits : bySync.values()) {
            CommitTag.Range r = commits.get(0).sourceRange().orElseThrow();
            boolean restored = done.stream().noneMatch(s -> s.syncId().equals(commits.get(0).run()));
            if (restored) {
                continue;   // a sync that failed its checks and was restored applied nothing
            }
            if (r.from() != expectFrom) {
                problems.add("range " + r + " follows v" + (expectFrom - 1) + (r.from() < expectFrom ? ": applied twice" : ": a gap"));
            }
            expectFrom = r.to() + 1;
        }
        return problems;
    }

    /** The sync commits of v2 in version order, by sync. */
    private Map<String, List<CommitTag>> commitsBySync() {
        Map<String, List<CommitTag>> out = new LinkedHashMap<>();
        for (DeltaTables.Change c : new DeltaTables(SharedSpark.session()).changes(warehouse() + "/users_v2", -1)) {
            c.tag().filter(t -> t.stage() == Stage.SYNC && t.sourceRange().isPresent())
                    .ifPresent(t -> out.computeIfAbsent(t.run(), k -> new ArrayList<>()).add(t));
        }
        return out;
    }

    private List<SyncRecord> syncs() {
        return new LedgerReader(SharedSpark.session(), warehouse() + "/_drover").syncs("users/V2");
    }

    /** One to three commits of the producer. */
    private void produce() {
        int commits = 1 + producer.nextInt(3);
        for (int i = 0; i < commits; i++) {
            nextId = V1Producer.commit(SharedSpark.session(), warehouse(), producer, nextId);
        }
    }

    /** A random moment between 5 % and 95 % of the clean sync's time. */
    public Kill randomKill(Random random) {
        return Kill.after((long) (1000 * cleanSeconds * (0.05 + 0.9 * random.nextDouble())));
    }

    private List<String> options(String... args) {
        List<String> all = new ArrayList<>(List.of("--conf-dir", work.resolve("conf").toString(), "--conf", "drover.warehouse=" + warehouse(),
                "--conf", "drover.environment=test", "--conf", "drover.progress=never", "--conf", "drover.sync.verify-every=0"));
        all.addAll(List.of(args));
        return all;
    }

    private List<String> command(List<String> props) {
        List<String> command = Project.javaCommand(Project.testClasspath(), props);
        command.add("dev.drover.cli.DroverCli");
        command.addAll(options("sync", "users/V2"));
        return command;
    }

    /** {@code tests/chaos/sync-kill-resume N [ROWS] [SEED]}: N rounds, each killed at a random moment, one table row each. */
    public static void main(String[] args) throws Exception {
        int n = Integer.parseInt(args[0]);
        long rows = args.length > 1 ? Long.parseLong(args[1]) : 100_000;
        long seed = args.length > 2 ? Long.parseLong(args[2]) : System.currentTimeMillis();
        Path work = Path.of(System.getProperty("drover.root", ".")).resolve("tests/target/chaos-sync").toAbsolutePath();
        ChaosSyncKillResume chaos = new ChaosSyncKillResume(work, rows, seed);
        double clean = chaos.setUp();
        System.out.printf("clean sync: %.1f s (a driver process, %,d rows in users-v1); seed %d%n%n", clean, rows, seed);
        System.out.println("| # | kill at | as % of a clean sync | sync in the ledger at the kill | its MERGE in v2 at the kill | the same command after | last synced range | verdict |");
        System.out.println("| --- | --- | --- | --- | --- | --- | --- | --- |");
        Random random = new Random(seed);
        int failed = 0;
        for (int i = 1; i <= n; i++) {
            Outcome o = chaos.round(chaos.randomKill(random));
            System.out.println(o.row());
            failed += o.passed() ? 0 : 1;
        }
        System.out.printf("%n%d of %d rounds left users-v2 equal to the spec over users-v1 at the last synced version, every range applied once%n",
                n - failed, n);
        SharedSpark.session().stop();
        System.exit(failed == 0 ? 0 : 1);
    }
}
