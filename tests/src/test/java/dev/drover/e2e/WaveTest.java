package dev.drover.e2e;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.drover.ledger.LedgerReader;
import dev.drover.ledger.LedgerTables;
import dev.drover.ledger.RunRecord;
import dev.drover.ledger.WaveRecord;
import dev.drover.ledger.WaveRunRecord;
import dev.drover.model.RunStatus;
import dev.drover.model.WaveOutcome;
import dev.drover.model.WaveStatus;
import dev.drover.outbox.OutboxRow;
import dev.drover.testing.SharedSpark;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A wave of 51 migrations in one real driver process: 50 generated datasets of mixed sizes (two
 * of them fail their checks), a migration that reads the last one's target, quotas on every
 * fifth. The driver is killed once part of the wave has ended, and the same command resumes it.
 * Told a behaviour per test (see {@link Story}).
 */
@Story
class WaveTest {
    static final Set<Integer> FAILING = Set.of(7, 31);

    private Path tmp;
    private FleetFixture fleet;
    private List<String> props;
    private List<String> options;
    private LedgerReader ledger;
    private Map<String, WaveRunRecord> beforeKill;
    private WaveRecord wave;
    private Map<String, WaveRunRecord> byMigration;

    @BeforeAll
    void fleetOf50AndAChain(@TempDir Path dir) throws Exception {
        tmp = dir;
        fleet = FleetFixture.create(tmp, SharedSpark.session(), 50, i -> 300 + (i * 7919L) % 4000, FAILING, true);
        for (int i = 5; i <= 50; i += 5) {
            Path spec = fleet.conf.resolve("migrations").resolve(String.format("fleet-%04d", i)).resolve("V1__copy.conf");
            Files.writeString(spec, Files.readString(spec) + "quota { weight = 2, min-share = 1, max-tasks = 1 }\n");
        }
        props = List.of("-Dspark.extraListeners=" + PoolTaskListener.class.getName());
        // batches of one task per source split (the fleet's sources are small): what a quota bounds
        options = concat(fleet.options(), "--conf", "drover.batching.small-rows=1");
    }

    @Test
    @Order(1)
    void aDryRunPlansTheOrderWithTheChainLastAndWritesNothing() throws Exception {
        Cli plan = Cli.run(concat(options, "wave", "--plan", "--json"));
        assertEquals(0, plan.exitCode(), plan.err());
        var planned = dev.drover.view.Render.JSON.readTree(plan.out()).get("migrations");
        assertEquals(51, planned.size());
        assertEquals("chain/V1", planned.get(50).get("migration").asText(), "chain/V1 waits for the last fleet migration");
        assertEquals(FleetFixture.id(50), planned.get(50).get("after").get(0).asText());
        assertTrue(!Files.exists(fleet.warehouse.resolve("_drover")), "a dry run writes nothing");
    }

    @Test
    @Order(2)
    void aDriverKilledOnceAMigrationEndedLeavesTheWaveRunning() throws Exception {
        List<String> killedProps = new ArrayList<>(props);
        killedProps.add("-Ddrover.test.pool-peaks=" + tmp.resolve("peaks-killed"));
        killedProps.addAll(List.of("-Ddrover.test.announce=1", "-Ddrover.test.pause-at=wave-migration-ended:" + FleetFixture.id(12)));
        try (Driver driver = Driver.start(driverCommand(killedProps, concat(options, "wave", "--parallel", "3")),
                tmp.resolve("killed.out"))) {
            driver.awaitLine("drover-point wave-migration-ended:" + FleetFixture.id(12), 600);
            driver.kill();
        }
        ledger = new LedgerReader(SharedSpark.session(), fleet.warehouse.toUri().toString().replaceAll("/$", "") + "/_drover");
        List<WaveRecord> waves = ledger.waves();
        assertEquals(1, waves.size());
        assertEquals(WaveStatus.RUNNING, waves.get(0).status(), "the killed wave never ended");
        beforeKill = ledger.waveRuns(waves.get(0).waveId()).stream()
                .collect(Collectors.toMap(WaveRunRecord::migration, Function.identity()));
        assertTrue(beforeKill.containsKey(FleetFixture.id(12)) && beforeKill.size() < 51, "ended before the kill: " + beforeKill.keySet());
    }

    @Test
    @Order(3)
    void theSameCommandResumesTheWaveAndRecordsItsEndWithTwoFailed() throws Exception {
        List<String> resumedProps = new ArrayList<>(props);
        resumedProps.add("-Ddrover.test.pool-peaks=" + tmp.resolve("peaks-resumed"));
        String resumedErr;
        try (Driver driver = Driver.start(driverCommand(resumedProps, concat(options, "wave", "--parallel", "3")),
                tmp.resolve("resumed.out"))) {
            assertEquals(1, driver.waitFor(900), "two migrations failed: exit 1\n" + driver.stderr());
            resumedErr = driver.stderr();
        }
        String out = Files.readString(tmp.resolve("resumed.out"));
        assertTrue(out.contains("resumed, " + beforeKill.size() + " ended before the stop"), out);

        List<WaveRecord> waves = ledger.waves();
        assertEquals(1, waves.size(), "the resume continued the killed wave");
        wave = waves.get(0);
        assertEquals(WaveStatus.FAILED, wave.status(), "the resumed wave's end is recorded; its output:\n" + out + "\n" + resumedErr);
        assertEquals(51, wave.migrations());
        assertEquals(49, wave.passed());
        assertEquals(2, wave.failed());
        List<WaveRunRecord> ended = ledger.waveRuns(wave.waveId());
        byMigration = ended.stream().collect(Collectors.toMap(WaveRunRecord::migration, Function.identity()));
        assertEquals(51, byMigration.size());
    }

    @Test
    @Order(4)
    void whatEndedBeforeTheKillWasLeftAloneAndRanOnce() throws Exception {
        beforeKill.forEach((id, r) -> assertEquals(r, byMigration.get(id), id));
        Map<String, List<RunRecord>> runs = ledger.runs().stream().collect(Collectors.groupingBy(RunRecord::migration));
        for (var entry : beforeKill.entrySet()) {
            assertEquals(1, runs.get(entry.getKey()).size(), entry.getKey() + " ran once");
        }
    }

    @Test
    @Order(5)
    void eachPassedMigrationWroteEverySourceRowAndTheTwoPlantedFailuresFailed() throws Exception {
        for (int i = 1; i <= 50; i++) {
            WaveRunRecord r = byMigration.get(FleetFixture.id(i));
            if (FAILING.contains(i)) {
                assertEquals(WaveOutcome.FAILED, r.outcome(), r.toString());
                assertEquals(RunStatus.FAILED, ledger.run(r.runId()).orElseThrow().status(), r.toString());
            } else {
                assertEquals(WaveOutcome.PASSED, r.outcome(), r.toString());
                long source = SharedSpark.session().read().format("delta")
                        .load(fleet.warehouse.resolve(FleetFixture.source(i).replace('-', '_')).toUri().toString()).count();
                long target = SharedSpark.session().read().format("delta")
                        .load(fleet.warehouse.resolve(FleetFixture.target(i).replace('-', '_')).toUri().toString()).count();
                assertEquals(source, target, FleetFixture.target(i));
                assertEquals(source, r.rowsWritten(), r.toString());
            }
        }
    }

    @Test
    @Order(6)
    void statusWaveShowsTheWaveFromTheLedger() throws Exception {
        Cli status = Cli.run(concat(options, "status", "--wave", wave.waveId(), "--json"));
        assertEquals(0, status.exitCode(), status.err());
        var shown = dev.drover.view.Render.JSON.readTree(status.out());
        assertEquals("failed", shown.get("status").asText());
        assertEquals(2, shown.get("counts").get("failed").asInt());
        assertEquals(51, shown.get("migrations").size());
        Cli list = Cli.run(concat(options, "status", "--wave"));
        assertTrue(list.out().contains(wave.waveId()) && list.out().contains("failed"), list.out());
    }

    @Test
    @Order(7)
    void theDependentMigrationStartedAfterTheOneItReadsEnded() throws Exception {
        WaveRunRecord last = byMigration.get(FleetFixture.id(50));
        WaveRunRecord chain = byMigration.get("chain/V1");
        assertEquals(WaveOutcome.PASSED, chain.outcome());
        Instant chainStarted = ledger.rows(LedgerTables.RUNS, col("run_id").equalTo(chain.runId())).stream()
                .map(RunRecord::eventTime).min(Comparator.naturalOrder()).orElseThrow();
        assertTrue(chainStarted.isAfter(last.eventTime()), "chain/V1 started " + chainStarted + ", fleet-0050 ended " + last.eventTime());
    }

    @Test
    @Order(8)
    void consumerEventsAreWrittenForPassedMigrationsOnlyEachOnce() throws Exception {
        Map<String, Long> events = ledger.rows(OutboxRow.TABLE, col("record").equalTo("event")).stream()
                .collect(Collectors.groupingBy(e -> e.migration().orElse("?"), Collectors.counting()));
        assertEquals(49, events.size(), "one consumer per passed migration: " + events.keySet());
        assertTrue(events.containsKey("chain/V1"));
        assertTrue(events.values().stream().allMatch(n -> n == 1), events.toString());
        FAILING.forEach(i -> assertTrue(!events.containsKey(FleetFixture.id(i)), "no event for " + FleetFixture.id(i)));
    }

    @Test
    @Order(9)
    void maxTasksHeldInEveryPoolThatHasItWhileUnlimitedPoolsRanTasksSideBySide() throws Exception {
        Map<String, Integer> peak = PoolTaskListener.read(tmp.resolve("peaks-killed"), tmp.resolve("peaks-resumed"));
        for (int i = 5; i <= 50; i += 5) {
            String pool = FleetFixture.id(i);
            assertTrue(peak.containsKey(pool), "pool " + pool + " ran tasks: " + peak);
            assertEquals(1, peak.get(pool), "max-tasks = 1 in " + pool + ": " + peak + "\n"
                    + PoolTaskListener.raisedBy(tmp.resolve("peaks-killed"), tmp.resolve("peaks-resumed")));
        }
        assertTrue(peak.entrySet().stream().anyMatch(e -> e.getKey().startsWith("fleet-") && e.getValue() >= 2),
                "some unlimited migration ran 2 tasks at once (else the check above proves nothing): " + peak);
    }

    private static List<String> driverCommand(List<String> props, List<String> args) {
        List<String> command = Project.javaCommand(Project.testClasspath(), props);
        command.add("dev.drover.cli.DroverCli");
        command.addAll(args);
        return command;
    }

    private static List<String> concat(List<String> first, String... more) {
        List<String> all = new ArrayList<>(first);
        all.addAll(List.of(more));
        return all;
    }
}
