package dev.drover.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.drover.api.Drover;
import dev.drover.catalog.Catalog;
import dev.drover.config.DroverConfig;
import dev.drover.error.InputError;
import dev.drover.spec.Specs;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Requests checked as the CLI checks a command: the envelope, each field, then against the project's conf folder. */
class AgentRequestTest {
    private static Specs specs;
    private static Catalog catalog;

    @BeforeAll
    static void conf() {
        DroverConfig config = Drover.config(Path.of("..", "conf").toAbsolutePath().normalize(), List.of());
        catalog = Drover.catalog(config);
        specs = Drover.specs(config, catalog);
    }

    private static String migrate(Map<String, Object> fields, Map<String, Object> params) {
        return AgentRequest.create(AgentRequest.Kind.MIGRATE, "r1", "test", "user:default/jane", fields, params);
    }

    private static String refused(String text) {
        InputError e = assertThrows(InputError.class, () -> AgentRequest.parse(text, "drover.requests[0]@7").resolve(specs, catalog));
        assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
        return e.getMessage();
    }

    @Test
    void aMigrationByIdOrByDatasetAndVersionWithABatchSize() {
        AgentRequest.Work byId = AgentRequest.parse(migrate(Map.of("migration", "users/V2"), Map.of("batching.max-rows", 5000)), "t")
                .resolve(specs, catalog);
        assertEquals("users/V2", byId.target());
        assertEquals(5000L, byId.spec().orElseThrow().batching().maxRows().orElseThrow());
        assertEquals(specs.byId().get("users/V2").checksum(), byId.spec().orElseThrow().checksum(), "batch size is not the spec's content");
        assertFalse(byId.allowChangedSpec());

        AgentRequest.Work byDataset = AgentRequest.parse(migrate(Map.of("dataset", "users-v1"), Map.of("target-version", "V2",
                "allow-changed-spec", true)), "t").resolve(specs, catalog);
        assertEquals("users/V2", byDataset.target());
        assertTrue(byDataset.allowChangedSpec());
        assertEquals("user:default/jane", AgentRequest.parse(migrate(Map.of("migration", "users/V2"), Map.of()), "t").requester());
    }

    @Test
    void aSyncOfOneWindowOrOfTheWindowsASelectionPicksAndARetire() {
        AgentRequest.Work one = AgentRequest.parse(AgentRequest.create(AgentRequest.Kind.SYNC, "s1", "test", "jane",
                Map.of("migration", "users/V2"), Map.of("verify", true)), "t").resolve(specs, catalog);
        assertEquals("users/V2", one.target());
        assertTrue(one.request().flag("verify"));
        assertTrue(one.selection().isEmpty());
        AgentRequest.Work all = AgentRequest.parse(AgentRequest.create(AgentRequest.Kind.SYNC, "s2", "test", "jane",
                Map.of("selection", Map.of("dataset", List.of("users-v1"))), Map.of()), "t").resolve(specs, catalog);
        assertEquals("sync dataset=users-v1", all.target());
        assertEquals("users/V2", AgentRequest.parse(AgentRequest.create(AgentRequest.Kind.RETIRE, "x1", "test", "jane",
                Map.of("migration", "users/V2"), Map.of("force", true)), "t").resolve(specs, catalog).target());
        assertTrue(AgentRequest.parse(AgentRequest.create(AgentRequest.Kind.RETIRE, "x2", "test", "jane",
                Map.of("migration", "users/V2"), Map.of("force", true)), "t").resolve(specs, catalog).force());
        assertTrue(refused(AgentRequest.create(AgentRequest.Kind.RETIRE, "x3", "test", "jane", Map.of(), Map.of()))
                .contains("data.migration"));
        assertTrue(refused(AgentRequest.create(AgentRequest.Kind.SYNC, "s3", "test", "jane", Map.of("migration", "users/V2"),
                Map.of("force", true))).contains("data.params.force: unknown parameter for a sync request"));
    }

    @Test
    void waveRollbackAndValidate() {
        AgentRequest.Work wave = AgentRequest.parse(AgentRequest.create(AgentRequest.Kind.WAVE, "w1", "test", "jane",
                Map.of("selection", Map.of("tag", List.of("pii"))), Map.of()), "t").resolve(specs, catalog);
        assertEquals("tag=pii", wave.target());
        Map<String, Object> filters = new java.util.LinkedHashMap<>();
        filters.put("dataset", List.of("users-v1", "users-v2"));
        filters.put("owner", List.of());
        filters.put("tag", List.of("pii"));
        assertEquals("dataset=users-v1,users-v2 tag=pii", AgentRequest.parse(AgentRequest.create(AgentRequest.Kind.WAVE, "w4", "test", "jane",
                Map.of("selection", filters), Map.of()), "t").named(), "a wave as drover wave's filters read, empty ones left out");
        assertEquals("all", AgentRequest.parse(AgentRequest.create(AgentRequest.Kind.WAVE, "w5", "test", "jane",
                Map.of("selection", Map.of()), Map.of()), "t").named());
        AgentRequest sized = AgentRequest.parse(AgentRequest.create(AgentRequest.Kind.WAVE, "w2", "test", "jane",
                Map.of("selection", Map.of("dataset", List.of("users-v2"))), Map.of("batching.max-rows", 5000)), "t");
        assertEquals(5000L, sized.resolve(specs, catalog).request().maxRows().orElseThrow(), "a wave takes a batch size too");
        assertTrue(refused(AgentRequest.create(AgentRequest.Kind.WAVE, "w3", "test", "jane",
                Map.of("selection", Map.of("dataset", List.of("users-v2"))), Map.of("batching.max-rows", -1)))
                .contains("data.params.batching.max-rows: expected a whole number of rows above 0, got -1"));
        AgentRequest.Work rollback = AgentRequest.parse(AgentRequest.create(AgentRequest.Kind.ROLLBACK, "b1", "test", "jane",
                Map.of("run", "20261130-101500-ab12cd"), Map.of("force", true)), "t").resolve(specs, catalog);
        assertEquals("20261130-101500-ab12cd", rollback.runId().orElseThrow());
        assertTrue(rollback.force());
    }

    @Test
    void eachBadRequestIsRefusedWithTheFieldAndWhatWasExpected() {
        assertTrue(refused("this is not JSON").startsWith("drover.requests[0]@7: not a JSON CloudEvent"), refused("this is not JSON"));
        assertTrue(refused("[1, 2]").contains("expected a JSON object (a CloudEvent), got array"));
        assertTrue(refused("{\"specversion\": \"1.0\"}").contains("drover.requests[0]@7: id: expected the request's id"));
        assertTrue(refused("{\"id\": \"r9\", \"specversion\": \"0.3\", \"source\": \"x\"}").contains("request r9: specversion: expected \"1.0\""));
        assertTrue(refused("{\"id\": \"r9\", \"specversion\": \"1.0\"}").contains("request r9: source: expected who sent it"));
        assertTrue(refused("{\"id\": \"r9\", \"specversion\": \"1.0\", \"source\": \"x\", \"type\": \"dev.drover.request.explode\", \"data\": {}}")
                .contains("request r9: type: expected dev.drover.request.migrate, wave, rollback, validate, sync or retire, got 'dev.drover.request.explode'"));
        assertTrue(refused("{\"id\": \"r9\", \"specversion\": \"1.0\", \"source\": \"x\", \"type\": \"dev.drover.request.migrate\"}")
                .contains("request r9: data: expected an object"));
        assertTrue(refused(migrate(Map.of("migration", "nope/V9"), Map.of())).contains("request r1: data.migration: no migration 'nope/V9'"));
        assertTrue(refused(migrate(Map.of(), Map.of())).contains("request r1: data.migration: expected a migration id (users/V2), or a dataset"));
        assertTrue(refused(migrate(Map.of("dataset", "users-v1"), Map.of())).contains("data.params.target-version: expected the version"));
        assertTrue(refused(migrate(Map.of("dataset", "users-v1"), Map.of("target-version", 7)))
                .contains("data.dataset: no migration of dataset users-v1 to version 7"));
        assertTrue(refused(migrate(Map.of("migration", "users/V2"), Map.of("target-version", 3)))
                .contains("data.params.target-version: users/V2 migrates to version 2, the request asks for 3"));
        assertTrue(refused(migrate(Map.of("migration", "users/V2"), Map.of("batching.max-rows", 0)))
                .contains("data.params.batching.max-rows: expected a whole number of rows above 0, got 0"));
        assertTrue(refused(migrate(Map.of("migration", "users/V2"), Map.of("allow-changed-spec", "yes")))
                .contains("data.params.allow-changed-spec: expected true or false, got \"yes\""));
        assertTrue(refused(migrate(Map.of("migration", "users/V2"), Map.of("force", true)))
                .contains("data.params.force: unknown parameter for a migrate request; expected one of [allow-changed-spec, batching.max-rows, target-version]"));
        assertTrue(refused(AgentRequest.create(AgentRequest.Kind.WAVE, "w1", "t", "j", Map.of("selection", Map.of("dataset", List.of("nowhere"))), Map.of()))
                .contains("request w1: data.selection.dataset: unknown dataset 'nowhere'"));
        assertTrue(refused(AgentRequest.create(AgentRequest.Kind.ROLLBACK, "b1", "t", "j", Map.of("run", "yesterday"), Map.of()))
                .contains("request b1: data.run: expected a run id such as 20261130-101500-ab12cd, got 'yesterday'"));
    }
}
