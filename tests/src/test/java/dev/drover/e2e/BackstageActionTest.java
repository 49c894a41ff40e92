package dev.drover.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.drover.ledger.LedgerReader;
import dev.drover.ledger.RequestRecord;
import dev.drover.ledger.RunRecord;
import dev.drover.model.RequestStatus;
import dev.drover.model.RunStatus;
import dev.drover.notify.LocalKafka;
import dev.drover.testing.SharedSpark;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The single click: the Backstage action drover:request (built from backstage/, run by node as
 * the scaffolder runs a step) asks a real agent process, over a real broker, to migrate the demo
 * dataset to version 2 with a batch size, and receives the succeeded reply with the run id.
 */
class BackstageActionTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    @Test
    void theActionAsksTheAgentAndGetsTheRunBack() throws Exception {
        E2eWorkspace ws = new E2eWorkspace(tmp.resolve("ws"), 3_000, 3, 1_000, 1_000);
        LocalKafka kafka = SharedKafka.fresh();
        List<String> options = ws.options();
        options.addAll(List.of("--conf", "drover.notify.bootstrap-servers=" + kafka.bootstrapServers(),
                "--conf", "drover.agent.poll-interval=200ms"));
        Path log = tmp.resolve("agent.out");
        try (Driver agent = Driver.start(AgentTest.agentCommand(options, List.of()), log)) {
            AgentTest.awaitFile(log, "agent: taking requests", 180);
            Process click = new ProcessBuilder("node", Project.root().resolve("backstage/dist/cli.js").toString(),
                    "--brokers", kafka.bootstrapServers(),
                    "--input", "{\"dataset\": \"users-v1\", \"targetVersion\": 2, \"batchSize\": 5000, \"requestId\": \"click-1\"}")
                    .redirectError(tmp.resolve("click.err").toFile()).start();
            String out = new String(click.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(click.waitFor(300, TimeUnit.SECONDS), "the action ended");
            String err = java.nio.file.Files.readString(tmp.resolve("click.err"));
            assertEquals(0, click.exitValue(), out + err);
            JsonNode outputs = JSON.readTree(out);
            assertEquals("click-1", outputs.path("requestId").asText());
            assertEquals("succeeded", outputs.path("status").asText(), out);
            assertEquals(0, outputs.path("exitCode").asInt());
            String runId = outputs.path("runId").asText();
            // the step's log followed the replies on the way
            assertTrue(err.contains("drover: request click-1: accepted") && err.contains("drover: request click-1: started (run " + runId + ")"), err);

            LedgerReader ledger = new LedgerReader(SharedSpark.session(), ws.warehouse.toUri().toString().replaceAll("/$", "") + "/_drover");
            RunRecord run = ledger.run(runId).orElseThrow();
            assertEquals("users/V2", run.migration(), "dataset users-v1 at version 2 is users/V2");
            assertEquals(RunStatus.SUCCEEDED, run.status());
            assertEquals(1, ledger.batches(runId).size(), "the form's batch size (5,000 rows) over the spec's (1,000: three batches)");
            RequestRecord request = ledger.requests(List.of("click-1")).get(0);
            assertEquals(RequestStatus.SUCCEEDED, request.status());
            assertEquals("user:default/cli", request.requester());
        }
    }
}
