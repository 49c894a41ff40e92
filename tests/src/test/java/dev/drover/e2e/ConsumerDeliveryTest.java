package dev.drover.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.drover.notify.EventReader;
import dev.drover.notify.LocalKafka;
import dev.drover.testing.SharedSpark;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.treewalk.TreeWalk;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A migration's consumer updates delivered through every channel, all real: a git repository on
 * disk the proven rewrites are pushed to as a branch, update endpoints on an HTTP server in its
 * own process (one answers 500 first: retried, then delivered; one answers 400 first: failed, then
 * delivered by {@code notify --retry-failed}), the Kafka broker, and a Slack-compatible webhook that
 * gets the needs-a-person alert addressed to the consumer's contact. Then {@code status} per
 * consumer, a repeated notify that changes nothing, and a rollback that reverts the branch and
 * tells the endpoints. Told a behaviour per test (see {@link Story}).
 */
@Story
class ConsumerDeliveryTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TOPIC = "drover.dataset-updates";
    private static final String AUDIT_TOPIC = "audit.dataset-updates";
    private static final String BRANCH = "drover/users-V2";
    private static final String NAMES = "-- users by name, for the sign-up report\nSELECT user_id, name\nFROM users_v1\nWHERE dt IS NOT NULL\n";
    private static final String COUNT = "SELECT count(*) AS n FROM users_v1\n";
    private static final String LEGACY = "SELECT user_id FROM users_v1 WHERE legacy_flag = 'y'\n";

    private Path tmp;
    private Path requests;
    @AutoClose
    private Driver server;
    private LocalKafka kafka;
    private E2eWorkspace ws;
    private Path repo;
    private List<String> conf;
    private String runId;
    private Cli first;
    private String commit;
    private int calls;

    @BeforeAll
    void servicesAndWorkspace(@TempDir Path dir) throws Exception {
        tmp = dir;
        requests = tmp.resolve("requests.jsonl");
        server = WebhookRecorder.launch(requests, 1, tmp.resolve("recorder.out"));
        kafka = SharedKafka.fresh();
        String port = WebhookRecorder.port(server);
        String http = "http://127.0.0.1:" + port;
        kafka.createTopics(1, TOPIC, AUDIT_TOPIC, "ml.dataset-updates", "drover.dataset-acks");
        ws = new E2eWorkspace(tmp.resolve("ws"), 3_000, 3, 1_000, 1_000);
        repo = repository(tmp.resolve("reports-repo"));
        Files.writeString(ws.conf.resolve("catalog/delivery.yaml"), """
                apiVersion: backstage.io/v1alpha1
                kind: Component
                metadata:
                  name: user-reports
                  annotations:
                    drover.dev/repository: "%s"
                    drover.dev/queries: "queries/*.sql"
                    drover.dev/table-names: "users_v1=users-v1, users_v2=users-v2"
                    drover.dev/contact: "#user-reports"
                spec: {type: website, lifecycle: production, owner: group:reporting, dependsOn: [resource:default/users-v1]}
                ---
                apiVersion: backstage.io/v1alpha1
                kind: Component
                metadata:
                  name: profile-api
                  annotations:
                    drover.dev/update-endpoint: "%s/flaky/profile"
                    drover.dev/update-endpoint-secret: "X-Token=DROVER_TEST_PROFILE_TOKEN"
                spec: {type: service, lifecycle: production, owner: group:profile, dependsOn: [resource:default/users-v1]}
                ---
                apiVersion: backstage.io/v1alpha1
                kind: Component
                metadata:
                  name: audit-api
                  annotations:
                    drover.dev/update-endpoint: "%s/refuse/audit"
                    drover.dev/topic: audit.dataset-updates
                spec: {type: service, lifecycle: production, owner: group:audit, dependsOn: [resource:default/users-v1]}
                """.formatted(repo, http, http));
        conf = List.of("--conf", "drover.notify.bootstrap-servers=" + kafka.bootstrapServers(),
                "--conf", "drover.notify.max-block=3s", "--conf", "drover.notify.delivery-timeout=5s",
                "--conf", "drover.notify.endpoint.backoff=100ms", "--conf", "drover.alerts.slack-webhook=" + http + "/services/slack/T1");
    }

    @Test
    @Order(1)
    void migrateAlertsTheContactOfAConsumerWithAQueryNoProvenRewriteCanFix() throws Exception {
        Cli migrate = run(ws, conf, "migrate", "users/V2");
        assertEquals(0, migrate.exitCode(), migrate.err() + migrate.out());
        runId = migrate.out().split(" ")[1].replace(":", "");
        // user-reports reads a dropped column in one query: its owner's contact is alerted
        JsonNode alert = only(read(requests), r -> r.path("path").asText().contains("/slack/")
                && r.path("body").asText().contains("no proven rewrite"));
        String alertText = JSON.readTree(alert.path("body").asText()).path("text").asText();
        assertTrue(alertText.contains("#user-reports: users/V2: consumer user-reports has 1 query no proven rewrite can fix"), alertText);
        assertTrue(alertText.contains("queries/legacy.sql: "), alertText);
        assertTrue(alertText.contains("legacy_flag"), alertText);
    }

    @Test
    @Order(2)
    void notifyPushesTheBranchFirstTriesA500AgainAndRecordsA400AsFailed() throws Exception {
        first = run(ws, conf, "notify", "--json");
        assertEquals(4, first.exitCode(), "audit-api's endpoint refused its event: " + first.err() + first.out());
        JsonNode result = json(first);
        JsonNode pushed = delivery(result, runId + ":user-reports:migrated:repository", "delivered");
        commit = pushed.path("detail").asText().substring((BRANCH + "@").length());
        assertEquals(BRANCH + "@" + commit, pushed.path("detail").asText());
        List<String> profileTries = StreamSupport.stream(result.path("deliveries").spliterator(), false)
                .filter(d -> d.path("consumer").asText().equals("profile-api")).map(d -> d.path("status").asText() + " " + d.path("detail").asText()).toList();
        assertEquals(List.of("failed HTTP 500", "delivered HTTP 202"), profileTries, "the 500 was tried again, then delivered");
        JsonNode refused = delivery(result, runId + ":audit-api:migrated:endpoint", "failed");
        assertTrue(refused.path("error").asText().startsWith("HTTP 400: unknown field in event"), refused.toString());
        delivery(result, runId + ":audit-api:migrated", "delivered");   // its own topic as well as its endpoint
    }

    @Test
    @Order(3)
    void theBranchHoldsOneCommitOnTheReadCommitWithTheProvenRewritesAndTheLegacyQueryUntouched() throws Exception {
        try (Git git = Git.open(repo.toFile())) {
            List<RevCommit> log = new ArrayList<>();
            git.log().add(git.getRepository().resolve("refs/heads/" + BRANCH)).call().forEach(log::add);
            assertEquals(2, log.size());
            assertEquals(commit, log.get(0).getName());
            assertEquals(git.getRepository().resolve("refs/heads/main").getName(), log.get(1).getName());
            assertEquals(NAMES.replace("user_id, name", "user_id, display_name AS name").replace("users_v1", "users_v2"),
                    file(git, commit, "queries/names.sql"));
            assertEquals(COUNT.replace("users_v1", "users_v2"), file(git, commit, "queries/count.sql"));
            assertEquals(LEGACY, file(git, commit, "queries/legacy.sql"));
            String message = log.get(0).getFullMessage();
            assertTrue(message.contains("- queries/names.sql (rewritable)"), message);
            assertTrue(message.contains("proven: "), message);
            assertFalse(message.contains("legacy.sql"), message);
        }
    }

    @Test
    @Order(4)
    void theEndpointGetsAStructuredCloudEventWithItsSecretHeaderWhichIsNeverPrinted() throws Exception {
        List<JsonNode> profile = read(requests).stream().filter(r -> r.path("path").asText().equals("/flaky/profile")).toList();
        assertEquals(2, profile.size());
        assertEquals("application/cloudevents+json", profile.get(1).path("contentType").asText().split(";")[0].trim());
        assertEquals(System.getenv("DROVER_TEST_PROFILE_TOKEN"), profile.get(1).path("token").asText());
        JsonNode profileEvent = JSON.readTree(profile.get(1).path("body").asText());
        assertEquals(runId + ":profile-api:migrated:endpoint", profileEvent.path("id").asText());
        assertEquals("users-v2", profileEvent.path("data").path("target").path("dataset").asText());
        assertFalse(first.out().contains(System.getenv("DROVER_TEST_PROFILE_TOKEN")) || first.err().contains(System.getenv("DROVER_TEST_PROFILE_TOKEN")));
    }

    @Test
    @Order(5)
    void theKafkaEventNamesThePushedCommitAndCarriesTheImpact() throws Exception {
        JsonNode reportsEvent = kafkaEvent(kafka, runId + ":user-reports:migrated");
        assertEquals(commit, reportsEvent.path("data").path("consumer").path("branch").path("commit").asText(), reportsEvent.toString());
        assertEquals("needs-person", reportsEvent.path("data").path("consumer").path("impact").path("class").asText());
    }

    @Test
    @Order(6)
    void statusShowsPerConsumerAndChannelWhatWasDeliveredAndWhatCameBack() throws Exception {
        JsonNode status = json(run(ws, conf, "status", runId, "--json"));
        assertEquals(BRANCH + "@" + commit, event(status, runId + ":user-reports:migrated:repository").path("detail").asText());
        assertEquals("repository", event(status, runId + ":user-reports:migrated:repository").path("channel").asText());
        assertEquals("HTTP 202", event(status, runId + ":profile-api:migrated:endpoint").path("detail").asText());
        assertEquals(2, event(status, runId + ":profile-api:migrated:endpoint").path("attempts").asInt());
        assertEquals("failed", event(status, runId + ":audit-api:migrated:endpoint").path("status").asText());
        assertEquals("HTTP 400", event(status, runId + ":audit-api:migrated:endpoint").path("detail").asText());
        Cli statusText = run(ws, conf, "status", runId);
        assertTrue(statusText.out().contains(BRANCH + "@" + commit), statusText.out());
    }

    @Test
    @Order(7)
    void retryFailedSendsOnlyTheRefusedOneAndANotifyWithNothingDueCallsNoOne() throws Exception {
        Cli retry = run(ws, conf, "notify", "--retry-failed", "--json");
        assertEquals(0, retry.exitCode(), retry.err() + retry.out());
        JsonNode retried = json(retry);
        assertEquals(1, retried.path("due").asInt(), retried.toString());
        delivery(retried, runId + ":audit-api:migrated:endpoint", "delivered");
        // a notify with nothing due changes nothing: no second commit, no call
        calls = read(requests).size();
        Cli again = run(ws, conf, "notify", "--json");
        assertEquals(0, json(again).path("due").asInt(), again.out());
        assertEquals(calls, read(requests).size());
    }

    @Test
    @Order(8)
    void rollbackRevertsTheBranchAndTellsTheEndpoints() throws Exception {
        Cli rollback = run(ws, conf, "rollback", runId);
        assertEquals(0, rollback.exitCode(), rollback.err() + rollback.out());
        Cli told = run(ws, conf, "notify", "--json");
        assertEquals(0, told.exitCode(), told.err() + told.out());
        JsonNode reverted = delivery(json(told), runId + ":user-reports:rolled-back:repository", "delivered");
        String revert = reverted.path("detail").asText().substring((BRANCH + "@").length());
        try (Git git = Git.open(repo.toFile())) {
            assertEquals(revert, git.getRepository().resolve("refs/heads/" + BRANCH).getName());
            assertEquals(NAMES, file(git, revert, "queries/names.sql"), "the revert restores the consumer's own text");
        }
        List<String> rolledBackCalls = read(requests).stream().skip(calls)
                .filter(r -> !r.path("path").asText().contains("/slack/"))
                .map(r -> r.path("path").asText() + " " + readQuietly(r.path("body").asText()).path("type").asText()).sorted().toList();
        assertEquals(List.of("/flaky/profile dev.drover.dataset.rolled-back", "/refuse/audit dev.drover.dataset.rolled-back"),
                rolledBackCalls);
    }

    private static Cli run(E2eWorkspace ws, List<String> conf, String... args) {
        List<String> command = ws.options();
        command.addAll(conf);
        command.addAll(List.of(args));
        return Cli.run(command);
    }

    /** A consumer's repository: three queries (one reads a column the migration drops), one commit on main. */
    private static Path repository(Path dir) throws Exception {
        Files.createDirectories(dir.resolve("queries"));
        try (Git git = Git.init().setDirectory(dir.toFile()).setInitialBranch("main").call()) {
            Files.writeString(dir.resolve("queries/names.sql"), NAMES);
            Files.writeString(dir.resolve("queries/count.sql"), COUNT);
            Files.writeString(dir.resolve("queries/legacy.sql"), LEGACY);
            git.add().addFilepattern(".").call();
            git.commit().setMessage("user reports").setAuthor("Reports", "reports@example.com")
                    .setCommitter("Reports", "reports@example.com").setSign(false).call();
        }
        return dir;
    }

    private static String file(Git git, String commit, String path) throws Exception {
        var repo = git.getRepository();
        try (var walk = new org.eclipse.jgit.revwalk.RevWalk(repo)) {
            RevCommit c = walk.parseCommit(ObjectId.fromString(commit));
            try (TreeWalk tw = TreeWalk.forPath(repo, path, c.getTree())) {
                return new String(repo.open(tw.getObjectId(0)).getBytes(), java.nio.charset.StandardCharsets.UTF_8);
            }
        }
    }

    /** The JSON a command printed: one line (notify) or a pretty-printed document (status), after any other lines. */
    private static JsonNode json(Cli cli) throws Exception {
        String out = cli.out();
        int line = out.lastIndexOf("\n{");
        int start = out.startsWith("{") && line < 0 ? 0 : line + 1;
        if (!out.contains("{")) {
            throw new AssertionError("no JSON in: " + out + cli.err());
        }
        String last = out.lines().filter(l -> l.startsWith("{")).reduce((a, b) -> b).orElseThrow();
        return last.endsWith("}") ? JSON.readTree(last) : JSON.readTree(out.substring(start));
    }

    /** The last delivery row of an event in a notify --json result, which must have that status. */
    private static JsonNode delivery(JsonNode result, String eventId, String status) {
        JsonNode last = null;
        for (JsonNode d : result.path("deliveries")) {
            if (d.path("eventId").asText().equals(eventId)) {
                last = d;
            }
        }
        assertTrue(last != null, eventId + " not attempted: " + result);
        assertEquals(status, last.path("status").asText(), last.toString());
        return last;
    }

    private static JsonNode event(JsonNode status, String eventId) {
        for (JsonNode e : status.path("events")) {
            if (e.path("eventId").asText().equals(eventId)) {
                return e;
            }
        }
        throw new AssertionError(eventId + " not in status: " + status);
    }

    private static JsonNode kafkaEvent(LocalKafka kafka, String id) throws Exception {
        for (EventReader.Received r : EventReader.readAll(kafka.bootstrapServers(), Map.of(), List.of(TOPIC, AUDIT_TOPIC))) {
            JsonNode e = JSON.readTree(r.value());
            if (e.path("id").asText().equals(id)) {
                return e;
            }
        }
        throw new AssertionError("no event " + id + " on Kafka");
    }

    private static List<JsonNode> read(Path requests) throws Exception {
        if (!Files.exists(requests)) {
            return List.of();
        }
        List<JsonNode> out = new ArrayList<>();
        for (String line : Files.readAllLines(requests)) {
            out.add(JSON.readTree(line));
        }
        return out;
    }

    private static JsonNode readQuietly(String json) {
        try {
            return JSON.readTree(json);
        } catch (Exception e) {
            return JSON.createObjectNode();
        }
    }

    private static JsonNode only(List<JsonNode> requests, java.util.function.Predicate<JsonNode> which) {
        List<JsonNode> found = requests.stream().filter(which).toList();
        assertEquals(1, found.size(), requests.toString());
        return found.get(0);
    }
}
