package dev.drover.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every command through the CLI, with the JSON that scripts read. */
class CliCommandsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    @Test
    void planMigrateStatusHistoryRollbackAndCatalogValidate() throws Exception {
        E2eWorkspace ws = new E2eWorkspace(tmp, 3_000, 3, 1_000, 1_000);

        Cli validate = Cli.run(ws.command("catalog", "validate"));
        assertEquals(0, validate.exitCode(), validate.err());
        assertTrue(validate.out().contains("3 datasets, 3 consumers, 1 templates, 2 migrations"), validate.out());

        var before = Project.listing(ws.root);
        String stateDir = ws.warehouse.toUri().toString().replaceAll("/$", "") + "/_drover";
        try (var held = dev.drover.run.RunLock.acquire(stateDir, "users-v2", "someone-else",
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

        Cli migrate = Cli.run(ws.command("migrate", "users/V2"));
        assertEquals(0, migrate.exitCode(), migrate.err());
        String runId = migrate.out().split(" ")[1].replace(":", "");

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
        // one-pass proof: 15 checks, with Delta's file statistics and the quarantine writes cross-checked
        assertEquals(17, run.path("checks").size(), run.toString());
        assertTrue(statusText.out().contains("checks: 17 passed, 0 failed"), statusText.out());
        assertTrue(statusText.out().contains("ok    Delta file statistics match the rows written: match"), statusText.out());

        Cli validated = Cli.run(ws.command("validate", runId, "--json"));
        assertEquals(0, validated.exitCode(), validated.err());
        JsonNode validation = JSON.readTree(validated.out());
        assertTrue(validation.path("passed").asBoolean(), validated.out());
        // validate reads the target back: the 15 checks that need no Delta statistics, and now the
        // anomaly check against the run's own recorded row count
        assertEquals(16, validation.path("checks").size(), validated.out());

        JsonNode history = JSON.readTree(Cli.run(ws.command("history", "users-v2", "--json")).out());
        // newest first: the three batches (two ran at once, so in any order), then the reset commit
        assertEquals(4, history.size());
        java.util.Set<Integer> batches = new java.util.HashSet<>();
        for (int i = 0; i < 4; i++) {
            assertEquals(runId, history.get(i).path("run").asText());
            assertEquals("transform", history.get(i).path("stage").asText());
            if (i < 3) {
                batches.add(history.get(i).path("batch").asInt());
            }
        }
        assertEquals(java.util.Set.of(0, 1, 2), batches);
        assertTrue(history.get(3).path("batch").isMissingNode() || history.get(3).path("batch").isNull(), history.get(3).toString());

        Cli rollback = Cli.run(ws.command("rollback", runId));
        assertEquals(0, rollback.exitCode(), rollback.err());
        assertTrue(rollback.out().contains("emptied users-v2"), rollback.out());
        Cli again = Cli.run(ws.command("rollback", runId));
        assertEquals(0, again.exitCode());
        assertTrue(again.out().contains("already rolled back"), again.out());
        assertEquals("rolled-back", JSON.readTree(Cli.run(ws.command("status", runId, "--json")).out()).path("status").asText());
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
