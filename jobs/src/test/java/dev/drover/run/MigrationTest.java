package dev.drover.run;

import static dev.drover.testing.SharedSpark.assertSameRows;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.drover.analyze.AnalyzeStage;
import dev.drover.api.Drover;
import dev.drover.config.DroverConfig;
import dev.drover.delta.DeltaTables;
import dev.drover.error.ConflictError;
import dev.drover.error.SpecError;
import dev.drover.exec.LocationLocks;
import dev.drover.exec.MigrationScope;
import dev.drover.exec.Timings;
import dev.drover.ledger.BatchRecord;
import dev.drover.ledger.LedgerReader;
import dev.drover.ledger.LedgerTables;
import dev.drover.ledger.StageRecord;
import dev.drover.model.Stage;
import dev.drover.model.MigrationResult;
import dev.drover.model.RollbackResult;
import dev.drover.model.RunStatus;
import dev.drover.plan.MigrationPlan;
import dev.drover.storage.LockFiles;
import dev.drover.storage.ObjectStorage;
import dev.drover.storage.RunLock;
import dev.drover.transform.TransformStage;
import dev.drover.view.RunView;
import java.nio.file.Files;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A migration end to end in this JVM: stages, ledger, idempotency, rollback and guards. */
@org.junit.jupiter.api.extension.ExtendWith(Workspace.ClosesDrovers.class)
class MigrationTest {
    static final String SPEC = "migrations/users/V2__country_dimension.conf";

    @TempDir
    Path tmp;

    private Workspace workspace(long rows, long badEvery, int maxRows) {
        return workspace(tmp, rows, badEvery, maxRows);
    }

    private static Workspace workspace(Path dir, long rows, long badEvery, int maxRows) {
        Workspace ws = new Workspace(dir).withData(rows, 10, badEvery);
        ws.write(SPEC, ws.read(SPEC).replace("max-rows = 250000", "max-rows = " + maxRows));
        return ws;
    }

    private String target(Workspace ws) {
        return ws.warehouse + "/users_v2";
    }

    @Test
    void migratesUsersToV2WithQuarantineAndLedger() throws Exception {
        Workspace ws = workspace(4_000, 1_000, 1_200);
        Drover drover = ws.drover();
        MigrationResult result = drover.migrate("users/V2").execute();

        assertEquals(MigrationResult.Outcome.SUCCEEDED, result.outcome(), result.message());
        assertEquals(3_996, result.rowsWritten());
        assertEquals(4, result.rowsQuarantined());
        DeltaTables delta = new DeltaTables(ws.spark());
        Dataset<Row> expected = ws.spark().read().format("delta").load(ws.warehouse + "/users_v1")
                .where("score <> 'n/a'")
                .selectExpr("user_id", "name AS display_name", "CAST(score AS INT) AS score",
                        "element_at(array(" + countryList() + "), country_id + 1) AS country", "dt");
        assertSameRows(expected, delta.read(target(ws), delta.latestVersion(target(ws)))
                .select("user_id", "display_name", "score", "country", "dt"));

        Dataset<Row> quarantine = ws.spark().read().format("delta").load(target(ws) + "_quarantine");
        assertSameRows(ws.spark().createDataFrame(java.util.List.of(
                        org.apache.spark.sql.RowFactory.create("{\"user_id\":999}", "step 2 (cast)"),
                        org.apache.spark.sql.RowFactory.create("{\"user_id\":1999}", "step 2 (cast)"),
                        org.apache.spark.sql.RowFactory.create("{\"user_id\":2999}", "step 2 (cast)"),
                        org.apache.spark.sql.RowFactory.create("{\"user_id\":3999}", "step 2 (cast)")),
                        org.apache.spark.sql.types.StructType.fromDDL("key STRING, step STRING")),
                quarantine.select("key", "step"));

        RunView view = drover.status(result.runId());
        assertEquals(RunStatus.SUCCEEDED, view.run().status());
        assertEquals(view.batches().size(), view.committedBatches());
        assertTrue(view.batches().size() >= 3, "batches: " + view.batches().size());
        assertEquals(java.util.List.of("analyze", "transform", "test", "deploy"),
                view.stages().stream().map(s -> s.stage().label()).toList());
        assertEquals("under 1 minute", view.stages().get(0).expectedRuntime());
        assertEquals(java.util.Map.of("step 2 (cast)", 4L), view.quarantineByStep());

        // a reader that has read nothing yet (another process's, as drover status is) reads every
        // table of the run in the driver, as Spark reads them
        LedgerReader fresh = new LedgerReader(ws.spark(), drover.config().stateDir());
        java.util.List<Object> driverRead = new java.util.ArrayList<>();
        int readJobs = dev.drover.testing.SharedSpark.jobsDuring(() -> driverRead.addAll(java.util.List.of(fresh.run(result.runId()),
                fresh.stages(result.runId()), fresh.batches(result.runId()), fresh.checks(result.runId()),
                fresh.schemaChanges(result.runId()), fresh.quarantineCounts(result.runId()), fresh.checksums("users/V2"),
                fresh.all(dev.drover.outbox.OutboxRow.TABLE))));
        assertEquals(0, readJobs, "Spark jobs of a fresh reader's reads");
        assertTrue(!((java.util.List<?>) driverRead.get(7)).isEmpty() && !((java.util.List<?>) driverRead.get(3)).isEmpty(), "events and checks read");
        for (var table : java.util.List.of(LedgerTables.RUNS, LedgerTables.STAGES, LedgerTables.BATCHES, LedgerTables.CHECKS,
                LedgerTables.SCHEMA_CHANGES, LedgerTables.QUARANTINE_COUNTS, LedgerTables.SPEC_CHECKSUMS, dev.drover.outbox.OutboxRow.TABLE)) {
            java.util.List<Object> inDriver = new java.util.ArrayList<>();
            assertEquals(0, dev.drover.testing.SharedSpark.jobsDuring(() -> inDriver.addAll(fresh.all(table))), table.name());
            java.util.List<?> bySpark = fresh.rows(table, org.apache.spark.sql.functions.lit(true));
            assertEquals(new java.util.HashSet<>(bySpark), new java.util.HashSet<>(inDriver), table.name() + " read in the driver and by Spark");
            assertEquals(bySpark.size(), inDriver.size(), table.name());
        }

        // every commit explains itself: the target's name the run, the ledger's their table
        for (var commit : delta.commitsAfter(target(ws), -1)) {
            assertEquals(result.runId(), commit.tag().orElseThrow().run(), "target v" + commit.version());
        }
        LedgerReader ledger = new LedgerReader(ws.spark(), drover.config().stateDir());
        for (String table : java.util.List.of("runs", "batches")) {
            for (var commit : delta.commitsAfter(ledger.location(table), -1)) {
                assertTrue(commit.userMetadata().contains("\"stage\":\"ledger\",\"table\":\"" + table + "\""), commit.userMetadata());
            }
        }

        // running the completed migration again changes nothing
        long version = delta.latestVersion(target(ws));
        long historyLength = delta.history(target(ws)).count();
        MigrationResult again = drover.migrate("users/V2").execute();
        assertEquals(MigrationResult.Outcome.ALREADY_APPLIED, again.outcome());
        assertEquals(version, delta.latestVersion(target(ws)));
        assertEquals(historyLength, delta.history(target(ws)).count());

        // write-audit-publish: the run's batches made no commit of their own, one commit published them all
        assertEquals(1, delta.commitsAfter(target(ws), -1).size(), "one target commit for the run");
        assertEquals(dev.drover.model.Stage.DEPLOY, delta.commitsAfter(target(ws), -1).get(0).tag().orElseThrow().stage());
        assertTrue(view.batches().stream().allMatch(b -> b.status() == dev.drover.model.BatchStatus.STAGED && !b.targetFiles().isEmpty()),
                "every batch recorded its staged files");
        assertEquals(view.batches().stream().mapToLong(b -> b.targetFiles().size()).sum(),
                delta.read(target(ws), version).inputFiles().length, "the table holds exactly the recorded files");
    }

    @org.junit.jupiter.params.ParameterizedTest(name = "read-back {0}")
    @org.junit.jupiter.params.provider.ValueSource(booleans = {false, true})
    void failingTestStagePublishesNothingRemovesItsFilesAndRecordsWhy(boolean readBack) {
        Workspace ws = workspace(3_000, 100, 1_000).readBack(readBack);
        Drover drover = ws.drover();
        MigrationResult result = drover.migrate("users/V2").execute();

        assertEquals(MigrationResult.Outcome.FAILED, result.outcome());
        assertTrue(result.message().contains("quarantine ratio"), result.message());
        DeltaTables delta = new DeltaTables(ws.spark());
        assertFalse(delta.exists(target(ws)), "nothing published: the new target was never created, no empty version either");
        assertTrue(result.message().contains("nothing published"), result.message());
        RunView view = drover.status(result.runId());
        assertEquals(RunStatus.FAILED, view.run().status());
        assertEquals(dev.drover.model.StageOutcome.FAILED, view.stages().stream().filter(s -> s.stage() == dev.drover.model.Stage.TEST).findFirst().orElseThrow().outcome());
        assertTrue(view.run().message().contains("observed 0.010000 (30 of 3000 rows)"), view.run().message());
        // the quarantined rows were staged, never published, and their files are gone with the target's
        assertFalse(delta.exists(target(ws) + "_quarantine"), "no quarantine commit");
        assertEquals(30, view.batches().stream().mapToLong(b -> b.rowsQuarantined()).sum(), "the ledger still counts them");
        for (String table : List.of(target(ws), target(ws) + "_quarantine")) {
            assertFalse(java.nio.file.Files.exists(java.nio.file.Path.of(java.net.URI.create(table))
                    .resolve(dev.drover.delta.StagedFiles.folder(result.runId()))), "staged files removed from " + table);
        }
    }

    @org.junit.jupiter.params.ParameterizedTest(name = "{0}, read-back {3}")
    @org.junit.jupiter.params.provider.CsvSource({
            "drop-row, row count, 1 keys missing, false",
            "drop-row, row count, 1 keys missing, true",
            "duplicate-key, row count, 1 keys more than once, false",
            "duplicate-key, row count, 1 keys more than once, true",
            "swap-key, primary key preserved, 1 rows written with another key than their source row's, false",
            "swap-key, primary key preserved, 1 keys missing, true"})
    void testStageCatchesLostDuplicatedAndAlteredKeys(String defect, String failedCheck, String observed, boolean readBack) {
        Workspace ws = workspace(1_000, 0, 1_000).readBack(readBack);
        ws.write(SPEC, ws.read(SPEC).replace("  { drop = [country_id, legacy_flag] }\n",
                "  { drop = [country_id, legacy_flag] }\n  { class = \"dev.drover.defects.PlantedDefect\", row-local = true, options { defect = " + defect + " } }\n"));
        MigrationResult result = ws.drover().migrate("users/V2").execute();
        assertEquals(MigrationResult.Outcome.FAILED, result.outcome());
        assertTrue(result.checks().stream().anyMatch(c -> !c.passed() && c.name().equals(failedCheck)), result.message());
        assertTrue(result.checks().stream().anyMatch(c -> !c.passed() && c.observed().contains(observed)), result.message());
        assertFalse(new DeltaTables(ws.spark()).exists(target(ws)), "nothing published");
    }

    @Test
    void rollbackRestoresAndRefusesToDiscardOthersCommitsUnlessForced() {
        Workspace ws = workspace(2_000, 1_000, 1_000);
        Drover drover = ws.drover();
        DeltaTables delta = new DeltaTables(ws.spark());
        MigrationResult result = drover.migrate("users/V2").execute();
        assertEquals(MigrationResult.Outcome.SUCCEEDED, result.outcome());

        // someone else appends to the new table after the migration
        delta.read(target(ws), delta.latestVersion(target(ws))).limit(1).write().format("delta").mode("append").save(target(ws));
        long before = delta.latestVersion(target(ws));
        var refused = assertThrows(ConflictError.class, () -> drover.rollback(result.runId(), false));
        assertTrue(refused.getMessage().contains("v" + before + " WRITE"), refused.getMessage());
        assertEquals(before, delta.latestVersion(target(ws)), "a refused rollback writes nothing");

        String quarantine = target(ws) + "_quarantine";
        assertEquals(2, delta.read(quarantine, delta.latestVersion(quarantine)).count());
        RollbackResult forced = drover.rollback(result.runId(), true);
        assertTrue(forced.changed());
        assertEquals(0, delta.read(quarantine, delta.latestVersion(quarantine)).count(), "a rolled-back run's rows leave the quarantine");
        assertEquals(0, delta.read(target(ws), delta.latestVersion(target(ws))).count());
        assertEquals(RunStatus.ROLLED_BACK, drover.status(result.runId()).run().status());
        assertEquals(2, delta.history(target(ws)).count() - (before + 1) + 1, "history is kept: one new commit");
    }

    @Test
    void rollbackOfAnExistingTableRestoresItsPreviousVersion() {
        Workspace ws = workspace(2_000, 0, 1_000);
        Drover drover = ws.drover();
        DeltaTables delta = new DeltaTables(ws.spark());
        MigrationResult first = drover.migrate("users/V2").execute();
        Dataset<Row> afterFirst = delta.read(target(ws), first.targetVersion());
        // a second version of the spec rewrites the same target; rolling it back returns the first's data
        // (an application loads its specs once: the edited spec needs a new one)
        ws.write(SPEC, ws.read(SPEC).replace("{ cast { score = int } }", "{ cast { score = int } }\n  { derive { display_name = \"upper(display_name)\" } }"));
        Drover edited = ws.drover();
        MigrationResult second = edited.migrate("users/V2").allowChangedSpec(true).execute();
        assertEquals(MigrationResult.Outcome.SUCCEEDED, second.outcome(), second.message());
        edited.rollback(second.runId(), false);
        assertSameRows(afterFirst, delta.read(target(ws), delta.latestVersion(target(ws))));
    }

    @Test
    void changedSpecOfAnAppliedMigrationIsRefusedUnlessAllowed() {
        Workspace ws = workspace(1_000, 0, 1_000);
        Drover drover = ws.drover();
        drover.migrate("users/V2").execute();
        ws.write(SPEC, ws.read(SPEC) + "\n# edited after it was applied\n");
        DeltaTables delta = new DeltaTables(ws.spark());
        long version = delta.latestVersion(target(ws));
        var error = assertThrows(SpecError.class, () -> ws.drover().migrate("users/V2").execute());
        assertTrue(error.getMessage().contains("V2__country_dimension.conf: checksum: the spec changed since run"), error.getMessage());
        assertEquals(version, delta.latestVersion(target(ws)));
    }

    @Test
    void aLookupWithTwoRowsForOneKeyIsRefusedBeforeAnythingIsWritten() {
        Workspace ws = workspace(1_000, 0, 1_000);
        String countries = ws.warehouse + "/countries";
        ws.spark().read().format("delta").load(countries).limit(1).write().format("delta").mode("append").save(countries);
        var error = assertThrows(SpecError.class, () -> ws.drover().migrate("users/V2").execute());
        assertTrue(error.getMessage().contains("V2__country_dimension.conf: steps[")
                && error.getMessage().contains(".lookup.on: lookup dataset countries has several rows for one [country_id]"),
                error.getMessage());
        assertFalse(new DeltaTables(ws.spark()).exists(target(ws)), "nothing written");
    }

    /** A lookup is read once per run, at analyze: its rows are local to the plan, so no batch reads its table again. */
    @Test
    void aLookupIsReadOnceAtAnalyzeAndNoBatchReadsItsTableAgain() throws Exception {
        Workspace ws = workspace(1_000, 0, 1_000);
        MigrationPlan plan = ws.drover().plan("users/V2");
        var lookup = plan.pipeline().steps().stream().filter(s -> s instanceof dev.drover.transforms.Lookup)
                .map(s -> (dev.drover.transforms.Lookup) s).findFirst().orElseThrow();
        assertEquals(List.of("country_id", "country"), List.of(lookup.table().columns()), "only the columns the step reads");
        long expected = ws.spark().read().format("delta").load(ws.warehouse + "/countries").where("country_id < 3").count();
        dev.drover.testing.TestFiles.deleteTree(Path.of(java.net.URI.create(ws.warehouse + "/countries")));   // gone after analyze
        List<Row> out = lookup.apply(ws.spark().range(3).selectExpr("CAST(id AS INT) AS country_id"), "step 4 (lookup)")
                .where("country IS NOT NULL").collectAsList();
        assertEquals(expected, out.size(), out.toString());
    }

    @Test
    void secondRunWhileOneIsActiveIsAConflictAndWritesNothing() throws Exception {
        Workspace ws = workspace(1_000, 0, 1_000);
        Drover drover = ws.drover();
        try (RunLock held = RunLock.acquire(ObjectStorage.locks(drover.config().stateDir(), ws.spark().sparkContext().hadoopConfiguration()), "users-v2.lock", "other-run",
                Duration.ofMinutes(1), Duration.ofSeconds(10))) {
            var error = assertThrows(ConflictError.class, () -> drover.migrate("users/V2").execute());
            assertTrue(error.getMessage().contains("held by run other-run"), error.getMessage());
        }
        DeltaTables delta = new DeltaTables(ws.spark());
        assertTrue(!delta.exists(target(ws)), "no target table");
        assertTrue(!Files.exists(Path.of(java.net.URI.create(new LedgerReader(ws.spark(), drover.config().stateDir()).location("runs")))),
                "no ledger rows");
    }

    /**
     * A source the log counts below {@code drover.batching.small-rows} is written by one task per
     * batch: one file per target partition, however many files the source has. Above it, a batch
     * keeps one task per source split.
     */
    @Test
    void aSmallSourceIsWrittenByOneTaskPerBatch() {
        long small = targetFiles(sourceOfManyFiles(workspace(tmp.resolve("small"), 4_000, 0, 250_000)));
        long split = targetFiles(sourceOfManyFiles(workspace(tmp.resolve("split"), 4_000, 0, 250_000)), "drover.batching.small-rows=1");
        assertEquals(10, small, "one file for each of the 10 days");
        assertTrue(split > small, "one task per split writes a file per day each: " + split);
    }

    private Workspace sourceOfManyFiles(Workspace ws) {
        String source = ws.warehouse + "/users_v1";
        Dataset<Row> rows = ws.spark().read().format("delta").load(source).localCheckpoint();
        rows.repartition(4).write().format("delta").mode("overwrite").partitionBy("dt").save(source);
        return ws;
    }

    private long targetFiles(Workspace ws, String... overrides) {
        MigrationResult result = ws.drover(overrides).migrate("users/V2").execute();
        assertEquals(MigrationResult.Outcome.SUCCEEDED, result.outcome(), result.message());
        return ws.spark().sql("DESCRIBE DETAIL delta.`" + target(ws) + "`").first().<Long>getAs("numFiles");
    }

    /**
     * Before the run touches its target it waits for one ledger commit: its row, carrying the
     * plan (pins, proof and every batch's predicate), which is all a kill there needs to resume.
     * The analyze stage and the planned batches land later with the same facts.
     */
    @Test
    void theRunsRowCarriesThePlanBeforeTheTargetIsTouched() {
        Workspace ws = workspace(2_000, 0, 700);
        DroverConfig config = ws.config();
        LedgerReader direct = new LedgerReader(ws.spark(), config.stateDir());
        List<dev.drover.ledger.RunRecord> seen = new java.util.ArrayList<>();
        boolean[] targetThere = new boolean[1];
        String runId;
        try (RunContext context = RunContext.open(ws.spark(), config, Drover.catalog(config), null, new PrintStream(System.out))) {
            runId = context.runner().migrate(context.specs().find("users/V2"), false, id -> {
                // read without the run's flush: what a kill here would leave
                seen.add(direct.requireRun(id));
                targetThere[0] = new DeltaTables(ws.spark()).exists(target(ws));
            }).runId();
        }
        assertFalse(targetThere[0], "the target is not touched yet");
        assertEquals(RunStatus.RUNNING, seen.get(0).status());
        assertFalse(seen.get(0).plan().isEmpty(), "the plan is in the run's row");
        LedgerReader.Resumable fromPlan = direct.resumable(seen.get(0));
        StageRecord analyze = direct.stages(runId).stream().filter(s -> s.stage() == Stage.ANALYZE).findFirst().orElseThrow();
        assertEquals(analyze.detail(dev.drover.ledger.StageDetail.Analyze.class), fromPlan.analyzed());
        assertEquals(3, fromPlan.analyzed().batches());
        List<BatchRecord> recorded = direct.batches(runId);
        assertEquals(recorded.stream().map(BatchRecord::predicate).toList(), fromPlan.batches().stream().map(BatchRecord::predicate).toList());
        assertEquals("", direct.requireRun(runId).plan(), "the succeeded row does not repeat the plan");
    }

    /**
     * A run whose lease ran out and whose dataset another run took over (as a host that comes back
     * from a long pause would find it) stops before its test stage: it neither restores nor
     * publishes, and the taker, resuming the same run from the ledger, finishes it.
     */
    @Test
    void aRunThatLostItsLockStopsBeforeTestingOrPublishingAndTheTakerFinishesIt() {
        Workspace ws = workspace(2_000, 0, 700);
        DroverConfig config = ws.config();
        String[] runId = new String[1];
        try (RunContext context = RunContext.open(ws.spark(), config, Drover.catalog(config), null, new PrintStream(System.out))) {
            LockFiles files = context.lockFiles();
            var error = assertThrows(ConflictError.class, () -> context.runner().migrate(context.specs().find("users/V2"), false, id -> {
                runId[0] = id;
                // the lock's file as a run on another host leaves it when it takes an abandoned lock over
                LockFiles.Versioned held = files.read("users-v2.lock").orElseThrow();
                files.replace("users-v2.lock", held.version(), "{\"run\":\"" + id + "\",\"host\":\"elsewhere\",\"pid\":1,"
                        + "\"heartbeat\":\"" + Instant.now() + "\"}").orElseThrow();
            }));
            assertTrue(error.getMessage().startsWith("dataset users-v2 was taken over by run " + runId[0] + " (pid 1 on elsewhere"),
                    error.getMessage());
            context.drainLedger();
            LedgerReader read = context.ledgerReader();
            assertEquals(RunStatus.RUNNING, read.requireRun(runId[0]).status(), "left for the taker to finish");
            assertEquals(java.util.Set.of(Stage.ANALYZE, Stage.TRANSFORM), read.stages(runId[0]).stream().map(StageRecord::stage)
                            .collect(java.util.stream.Collectors.toSet()),
                    "no test stage, no restore, no deploy");
            assertEquals(List.of(), new dev.drover.outbox.Outbox(context.ledger()).events(), "no consumer told");
            assertEquals("elsewhere", RunLock.holder(files, "users-v2.lock", Duration.ofMinutes(1)).orElseThrow().host(),
                    "the taker's lock stays");
            // the taker's run ends and lets go
            files.delete("users-v2.lock", files.read("users-v2.lock").orElseThrow().version());
        }
        MigrationResult finished = ws.drover().migrate("users/V2").execute();
        assertEquals(MigrationResult.Outcome.SUCCEEDED, finished.outcome(), finished.message());
        assertEquals(runId[0], finished.runId());
        assertTrue(finished.resumed());
        Dataset<Row> target = ws.spark().read().format("delta").load(target(ws));
        assertEquals(2_000, target.count());
        assertEquals(2_000, target.select("user_id").distinct().count(), "every row once");
    }

    @Test
    void inPlaceMigrationRewritesTheSourceAndRollbackRestoresIt() {
        Workspace ws = workspace(100, 0, 1_000);
        Drover drover = ws.drover();
        DeltaTables delta = new DeltaTables(ws.spark());
        String countries = ws.warehouse + "/countries";
        long before = delta.latestVersion(countries);
        Dataset<Row> original = delta.read(countries, before);

        MigrationResult result = drover.migrate("countries/V2").execute();
        assertEquals(MigrationResult.Outcome.SUCCEEDED, result.outcome(), result.message());
        assertSameRows(original.selectExpr("country_id", "upper(country) AS country"),
                delta.read(countries, delta.latestVersion(countries)));
        assertEquals(java.util.Optional.of(before), drover.status(result.runId()).run().snapshotVersion());

        drover.rollback(result.runId(), false);
        assertSameRows(original, delta.read(countries, delta.latestVersion(countries)));
        assertEquals("RESTORE", delta.commitsAfter(countries, -1).get((int) delta.latestVersion(countries)).operation());
    }

    static String countryList() {
        StringBuilder sb = new StringBuilder();
        String[] codes = java.util.Locale.getISOCountries();
        for (int i = 0; i < dev.drover.demo.DemoData.COUNTRIES; i++) {
            sb.append(i == 0 ? "" : ", ").append("'").append(codes[i]).append("'");
        }
        return sb.toString();
    }
}
