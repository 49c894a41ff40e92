package dev.drover.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every command through the CLI, with the JSON that scripts read. */
class CliCommandsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    /** One migration through the CLI (see {@link Story}). */
    @org.junit.jupiter.api.Nested
    @Story
    class OneMigration {
        private E2eWorkspace ws;
        private String runId;
        private List<String> checkNames;

        @org.junit.jupiter.api.BeforeAll
        void workspace(@TempDir Path dir) throws Exception {
            ws = new E2eWorkspace(dir, 3_000, 3, 1_000, 1_000);
        }

        @Test
        @org.junit.jupiter.api.Order(1)
        void catalogValidateCountsWhatTheCatalogHolds() throws Exception {
            Cli validate = Cli.run(ws.command("catalog", "validate"));
            assertEquals(0, validate.exitCode(), validate.err());
            assertTrue(validate.out().contains("3 datasets, 3 consumers, 1 templates, 2 migrations"), validate.out());
        }

        @Test
        @org.junit.jupiter.api.Order(2)
        void aHeldTargetRefusesTheRunAndAPlanWritesNothing() throws Exception {
            var before = Project.listing(ws.root);
            String stateDir = ws.warehouse.toUri().toString().replaceAll("/$", "") + "/_drover";
            try (var held = dev.drover.storage.RunLock.acquire(dev.drover.storage.ObjectStorage.locks(stateDir, dev.drover.testing.SharedSpark.session().sparkContext().hadoopConfiguration()), "users-v2.lock", "someone-else",
                    java.time.Duration.ofMinutes(1), java.time.Duration.ofSeconds(10))) {
                Cli busy = Cli.run(ws.command("migrate", "users/V2"));
                assertEquals(3, busy.exitCode(), busy.err() + busy.out());
                assertTrue(busy.err().contains("dataset users-v2 is held by run someone-else"), busy.err());
            }
            Cli plan = Cli.run(ws.command("plan", "users/V2", "--json"));
            assertEquals(0, plan.exitCode(), plan.err());
            JsonNode planJson = JSON.readTree(plan.out());
            assertEquals("users/V2", planJson.path("migration").asText());
            assertEquals(0, planJson.path("source").path("version").asLong());
            assertEquals(3, planJson.path("batches").size());
            assertEquals(3, planJson.path("consumers").size());
            assertEquals("renamed", kindOf(planJson, "name"));
            assertEquals("retyped", kindOf(planJson, "score"));
            assertEquals("removed", kindOf(planJson, "legacy_flag"));
            assertFalse(planJson.path("written").asBoolean());
            assertEquals(before, Project.listing(ws.root), "a refused run and a plan write nothing");
        }

        @Test
        @org.junit.jupiter.api.Order(3)
        void migrateThenStatusShowsTheRunItsStagesBatchesAndOnePassChecks() throws Exception {
            Cli migrate = Cli.run(ws.command("migrate", "users/V2"));
            assertEquals(0, migrate.exitCode(), migrate.err());
            runId = migrate.out().split(" ")[1].replace(":", "");

            JsonNode runs = JSON.readTree(Cli.run(ws.command("status", "--json")).out());
            assertEquals(1, runs.size());
            assertEquals("succeeded", runs.get(0).path("status").asText());
            assertEquals(runId, runs.get(0).path("run").asText());

            JsonNode run = JSON.readTree(Cli.run(ws.command("status", runId, "--json")).out());
            assertEquals(4, run.path("stages").size());
            assertEquals(3, run.path("batches").size());
            assertEquals(3, run.path("quarantinedByStep").path("step 2 (cast)").asLong());
            assertTrue(run.path("stages").get(2).path("detail").path("checks").get(0).path("passed").asBoolean());
            assertFalse(run.path("active").asBoolean());
            Cli statusText = Cli.run(ws.command("status", runId));
            assertTrue(statusText.out().contains("batches 3 of 3 committed"), statusText.out());
            // one-pass proof: the source's log, Delta's file statistics and the quarantine writes cross-checked
            checkNames = new java.util.ArrayList<>();
            run.path("checks").forEach(c -> checkNames.add(c.path("check").asText()));
            assertTrue(checkNames.containsAll(List.of("every source row read once", "Delta file statistics match the rows written",
                    "quarantine holds the failed rows", "primary key preserved")), checkNames.toString());
            assertEquals(18, checkNames.size(), checkNames.toString());
            assertTrue(statusText.out().contains("checks: 18 passed, 0 failed"), statusText.out());
            assertTrue(statusText.out().contains("ok    Delta file statistics match the rows written: match"), statusText.out());
        }

        @Test
        @org.junit.jupiter.api.Order(4)
        void validateReadsTheRunBackWithItsChecksButTheWriteRecordOnesAndAddsTheAnomalyCheck() throws Exception {
            Cli validated = Cli.run(ws.command("validate", runId, "--json"));
            assertEquals(0, validated.exitCode(), validated.err());
            JsonNode validation = JSON.readTree(validated.out());
            assertTrue(validation.path("passed").asBoolean(), validated.out());
            // validate reads the target and the quarantine back: the run's checks but the two on what the
            // writes recorded (Delta's file statistics, the quarantine commits), and now the anomaly check
            // against the run's own recorded row count
            List<String> validationNames = new java.util.ArrayList<>();
            validation.path("checks").forEach(c -> validationNames.add(c.path("check").asText()));
            List<String> expectedNames = new java.util.ArrayList<>(checkNames);
            expectedNames.removeAll(List.of("Delta file statistics match the rows written", "quarantine holds the failed rows"));
            expectedNames.add("anomaly: row count change");
            assertEquals(new java.util.TreeSet<>(expectedNames), new java.util.TreeSet<>(validationNames), validated.out());
        }

        @Test
        @org.junit.jupiter.api.Order(5)
        void historyShowsTheRunsBatchesPublishedInOneCommit() throws Exception {
            JsonNode history = JSON.readTree(Cli.run(ws.command("history", "users-v2", "--json")).out());
            assertEquals(1, history.size(), history.toString());
            assertEquals(runId, history.get(0).path("run").asText());
            assertEquals("deploy", history.get(0).path("stage").asText());
            assertTrue(history.get(0).path("batch").isMissingNode() || history.get(0).path("batch").isNull(), history.get(0).toString());
        }

        @Test
        @org.junit.jupiter.api.Order(6)
        void rollbackEmptiesTheNewTargetAndASecondRollbackIsANoOp() throws Exception {
            Cli rollback = Cli.run(ws.command("rollback", runId));
            assertEquals(0, rollback.exitCode(), rollback.err());
            assertTrue(rollback.out().contains("emptied users-v2"), rollback.out());
            Cli again = Cli.run(ws.command("rollback", runId));
            assertEquals(0, again.exitCode());
            assertTrue(again.out().contains("already rolled back"), again.out());
            assertEquals("rolled-back", JSON.readTree(Cli.run(ws.command("status", runId, "--json")).out()).path("status").asText());
        }
    }

    /**
     * Global options count wherever they are given, for every command: here some before the
     * command and some after it, and each command's result depends on both halves.
     */
    @Test
    void globalOptionsGivenBeforeAndAfterTheCommandAllCount() throws Exception {
        E2eWorkspace ws = new E2eWorkspace(tmp, 3_000, 3, 1_000, 1_000);
        String warehouse = "drover.warehouse=" + ws.warehouse;
        Path state = tmp.resolve("elsewhere-state");
        String stateDir = "drover.state-dir=" + state;
        String suffix = "drover.quarantine.suffix=_q";
        java.util.function.BiFunction<List<String>, List<String>, Cli> run = (before, command) -> {
            List<String> args = new java.util.ArrayList<>(List.of("--conf", warehouse, "--conf", "drover.progress=never"));
            args.addAll(before);
            args.addAll(command);
            args.addAll(List.of("--conf", stateDir, "--conf", suffix, "--conf", "drover.environment=test"));
            return Cli.run(args);
        };
        List<String> confDir = List.of("--conf-dir", ws.conf.toString());

        // the conf folder after the command, the warehouse before it
        Cli plan = Cli.run(List.of("--conf", warehouse, "plan", "users/V2", "--json", "--conf-dir", ws.conf.toString()));
        assertEquals(0, plan.exitCode(), plan.err());
        assertTrue(JSON.readTree(plan.out()).path("source").path("location").asText().startsWith(ws.warehouse.toUri().toString()
                .replaceAll("/$", "")), plan.out());

        Cli migrate = run.apply(confDir, List.of("migrate", "users/V2"));
        assertEquals(0, migrate.exitCode(), migrate.err());
        String runId = migrate.out().split(" ")[1].replace(":", "");
        assertTrue(java.nio.file.Files.isDirectory(state.resolve("ledger/runs")), "the ledger went where --conf after migrate said");
        assertTrue(java.nio.file.Files.isDirectory(ws.warehouse.resolve("users_v2_q")), "the quarantine suffix given after migrate");

        JsonNode runs = JSON.readTree(run.apply(confDir, List.of("status", "--json")).out());
        assertEquals(List.of(runId), List.of(runs.get(0).path("run").asText()));
        JsonNode status = JSON.readTree(run.apply(confDir, List.of("status", runId, "--json")).out());
        assertEquals("succeeded", status.path("status").asText());
        JsonNode history = JSON.readTree(run.apply(confDir, List.of("history", "users-v2", "--json")).out());
        assertEquals("succeeded", history.get(0).path("runStatus").asText(), history.toString());
        assertEquals(0, run.apply(confDir, List.of("validate", runId)).exitCode());
        Cli catalog = run.apply(confDir, List.of("catalog", "validate"));
        assertEquals(0, catalog.exitCode(), catalog.err());
        Cli badAfter = Cli.run(List.of("--conf-dir", ws.conf.toString(), "catalog", "validate", "--conf", "drover.transform.threads=0"));
        assertEquals(2, badAfter.exitCode(), "a bad value after the command is read too: " + badAfter.err());
        Cli rollback = run.apply(confDir, List.of("rollback", runId));
        assertEquals(0, rollback.exitCode(), rollback.err());
        assertTrue(rollback.out().contains("emptied users-v2"), rollback.out());
    }

    private static String kindOf(JsonNode plan, String from) {
        for (JsonNode change : plan.path("schemaChanges")) {
            if (from.equals(change.path("from").asText())) {
                return change.path("kind").asText();
            }
        }
        return "none";
    }
}
