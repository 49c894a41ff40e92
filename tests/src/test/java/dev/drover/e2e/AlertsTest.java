package dev.drover.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.drover.api.Drover;
import dev.drover.ledger.AlertRecord;
import dev.drover.ledger.LedgerReader;
import dev.drover.ledger.LedgerTables;
import dev.drover.ledger.RunRecord;
import dev.drover.model.RunStatus;
import dev.drover.testing.SharedSpark;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Alerts against a real HTTP server process (WebhookRecorder) standing in for Slack's incoming
 * webhook and PagerDuty's Events API v2: a wave with a failing migration (run-failed, slow-stage,
 * wave-failed), quarantine over the warning level, a flaky sink retried, an unreachable sink that
 * fails nothing, notify leaving events undelivered, de-duplication per run and reason, the
 * incident resolved when a later run of the migration passes, and the secrets nowhere.
 */
class AlertsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SLACK_TOKEN = "T0SECRETSLK/B0SECRETSLK/xoxSecretHookToken42";
    private static final String ROUTING_KEY = "R0UTINGKEYs3cr3t0123456789abcdef";

    @TempDir
    Path tmp;

    /** The alert story against one recorder and one workspace (see {@link Story}). */
    @org.junit.jupiter.api.Nested
    @Story
    class OneStory {
        private Path dir;
        private Path requests;
        private Driver server;
        private E2eWorkspace ws;
        private FleetFixture fleet;
        private List<String> alerts;
        private final List<Cli> outputs = new ArrayList<>();
        private LedgerReader ledger;
        private RunRecord failed;

        @org.junit.jupiter.api.BeforeAll
        void recorderAndWorkspace(@TempDir Path dir) throws Exception {
            this.dir = dir;
            requests = dir.resolve("requests.jsonl");
            server = WebhookRecorder.launch(requests, 1, dir.resolve("recorder.out"));
            String port = WebhookRecorder.port(server);
            String slack = "http://127.0.0.1:" + port + "/services/slack/" + SLACK_TOKEN;
            String pagerduty = "http://127.0.0.1:" + port + "/flaky/v2/enqueue";   // its first answer is a 500: retried
            ws = new E2eWorkspace(dir.resolve("ws"), 3_000, 3, 1_000, 1_000);
            fleet = FleetFixture.create(ws.root, SharedSpark.session(), 2, i -> 400L * i, Set.of(2), false);
            alerts = List.of("--conf", "drover.alerts.slack-webhook=" + slack, "--conf", "drover.alerts.pagerduty-routing-key=" + ROUTING_KEY,
                    "--conf", "drover.alerts.pagerduty-url=" + pagerduty, "--conf", "drover.alerts.runtime-factor=0.001",
                    "--conf", "drover.alerts.quarantine-warning=0.0005", "--conf", "drover.alerts.backoff=200ms");
        }

        @org.junit.jupiter.api.AfterAll
        void stopRecorder() {
            if (server != null) {
                server.close();
            }
        }

        /** A wave: fleet-0002 fails its checks and rolls back; every stage is "slow" at a factor of 0.001; PagerDuty answers 500 once. */
        @Test
        @org.junit.jupiter.api.Order(1)
        void aWaveWithAFailingMigrationAlertsRunFailedSlowStageAndWaveFailedAndRetriesAFlakySink() throws Exception {
            Cli wave = run(outputs, ws, alerts, "wave", "--tag", "fleet", "--parallel", "2");
            assertEquals(1, wave.exitCode(), wave.err() + wave.out());
            ledger = new LedgerReader(SharedSpark.session(), ws.warehouse.toUri().toString().replaceAll("/$", "") + "/_drover");
            failed = ledger.runsOf("fleet-0002/V1").get(0);
            assertEquals(RunStatus.FAILED, failed.status());
            List<JsonNode> sent = read(requests);
            JsonNode slackFailed = only(sent, r -> r.path("path").asText().contains("/slack/") && text(r).contains("fleet-0002/V1: run "
                    + failed.runId() + " failed its checks"));
            assertTrue(text(slackFailed).startsWith("Drover error: "), text(slackFailed));
            JsonNode pdFailed = only(sent, r -> pd(r, "trigger", "drover/fleet-0002/V1/run-failed") && r.path("status").asInt() == 202);
            JsonNode pdBody = body(pdFailed);
            assertEquals(ROUTING_KEY, pdBody.path("routing_key").asText());
            assertEquals("error", pdBody.path("payload").path("severity").asText());
            assertEquals("run-failed", pdBody.path("payload").path("class").asText());
            assertEquals(failed.runId(), pdBody.path("payload").path("custom_details").path("subject").asText());
            assertEquals(1, sent.stream().filter(r -> r.path("status").asInt() == 500).count(), "the flaky sink failed once");
            String waveId = ledger.waves().get(0).waveId();
            only(sent, r -> pd(r, "trigger", "drover/wave/" + waveId + "/wave-failed"));
            only(sent, r -> pd(r, "trigger", "drover/fleet-0001/V1/slow-stage"));
            List<AlertRecord> records = ledger.alerts("fleet-0002/V1");
            assertTrue(records.stream().allMatch(AlertRecord::sent), records.toString());
            List<AlertRecord> all = ledger.rows(LedgerTables.ALERTS, org.apache.spark.sql.functions.lit(true));
            assertEquals(1, all.stream().filter(a -> a.sink() == dev.drover.model.AlertSinkKind.PAGERDUTY && a.sent() && a.attempts() == 2).count(),
                    "the 500 was retried, and the ledger says it took two attempts: " + all);
        }

        /** De-duplicated per run and reason. */
        @Test
        @org.junit.jupiter.api.Order(2)
        void theSameRunAgainSendsNothingTwice() throws Exception {
            int before = read(requests).size();
            try (Drover drover = Drover.open(SharedSpark.session(), Drover.config(ws.conf, overrides(ws, alerts)))) {
                drover.context().alerts().afterRun(failed.runId());
                drover.context().drainLedger();
            }
            assertEquals(before, read(requests).size(), "de-duplicated per run and reason");
        }

        /** Quarantine over the warning level, with Slack unreachable: the migration passes all the same. */
        @Test
        @org.junit.jupiter.api.Order(3)
        void quarantineOverTheWarningLevelAlertsAndAnUnreachableSinkFailsNothing() throws Exception {
            String closed = "http://127.0.0.1:" + closedPort() + "/services/slack/" + SLACK_TOKEN;
            List<String> unreachable = new ArrayList<>(alerts);
            unreachable.addAll(List.of("--conf", "drover.alerts.slack-webhook=" + closed, "--conf", "drover.alerts.attempts=2"));
            Cli migrate = run(outputs, ws, unreachable, "migrate", "users/V2");
            assertEquals(0, migrate.exitCode(), "an undeliverable alert fails nothing: " + migrate.err());
            assertTrue(migrate.out().contains("NOT delivered after 2 attempt(s)"), migrate.out());
            List<AlertRecord> users = ledger.alerts("users/V2");
            assertTrue(users.stream().anyMatch(a -> a.sink() == dev.drover.model.AlertSinkKind.SLACK && a.reason() == dev.drover.model.AlertReason.QUARANTINE && !a.sent() && a.attempts() == 2),
                    users.toString());
            assertTrue(users.stream().anyMatch(a -> a.sink() == dev.drover.model.AlertSinkKind.PAGERDUTY && a.reason() == dev.drover.model.AlertReason.QUARANTINE && a.sent()), users.toString());
            JsonNode quarantine = body(only(read(requests), r -> pd(r, "trigger", "drover/users/V2/quarantine")));
            assertTrue(quarantine.path("payload").path("summary").asText().contains("quarantined 3 of 3,000 rows"),
                    quarantine.path("payload").path("summary").asText());
        }

        /** fleet-0002 fixed at its source and run again: it passes, and the incident is resolved. */
        @Test
        @org.junit.jupiter.api.Order(4)
        void aLaterPassingRunResolvesTheIncidentAndSlackHearsOfTriggersOnly() throws Exception {
            fleet.writeSource(SharedSpark.session(), 2, 800, false);
            Cli fixed = run(outputs, ws, alerts, "migrate", "fleet-0002/V1");
            assertEquals(0, fixed.exitCode(), fixed.err());
            JsonNode resolve = body(only(read(requests), r -> pd(r, "resolve", "drover/fleet-0002/V1/run-failed")));
            assertEquals(ROUTING_KEY, resolve.path("routing_key").asText());
            String fixedRun = ledger.runsOf("fleet-0002/V1").get(0).runId();
            assertTrue(body(only(read(requests), r -> pd(r, "resolve", "drover/fleet-0002/V1/run-failed"))).path("payload").isMissingNode());
            assertFalse(read(requests).stream().anyMatch(r -> r.path("path").asText().contains("/slack/")
                    && text(r).contains("run " + fixedRun + " passed")), "Slack hears of triggers only");
        }

        /** Notify with no broker to reach: its events stay undelivered, and that is an alert. */
        @Test
        @org.junit.jupiter.api.Order(5)
        void notifyLeavingEventsUndeliveredIsAnAlert() throws Exception {
            List<String> noBroker = new ArrayList<>(alerts);
            noBroker.addAll(List.of("--conf", "drover.notify.bootstrap-servers=127.0.0.1:" + closedPort(),
                    "--conf", "drover.notify.max-block=2s", "--conf", "drover.notify.delivery-timeout=3s"));
            Cli notify = run(outputs, ws, noBroker, "notify");
            assertEquals(4, notify.exitCode(), notify.err() + notify.out());
            only(read(requests), r -> pd(r, "trigger", "drover/users/V2/undelivered"));
        }

        /** The run page lists a row per alert about the run. */
        @Test
        @org.junit.jupiter.api.Order(6)
        void theReportListsTheAlertsAboutARun() throws Exception {
            Cli report = run(outputs, ws, alerts, "report", "--out", dir.resolve("report").toString());
            assertEquals(0, report.exitCode(), report.err());
            String failedPage = Files.readString(dir.resolve("report/runs/" + failed.runId() + ".html"));
            long alertsAboutIt = ledger.rows(LedgerTables.ALERTS, org.apache.spark.sql.functions.col("subject").equalTo(failed.runId())).size();
            assertTrue(alertsAboutIt >= 2, "run-failed and slow-stage, to each sink");
            int start = failedPage.indexOf("<table id=\"alerts\">");
            assertTrue(start >= 0, "the run's page lists its alerts");
            String table = failedPage.substring(start, failedPage.indexOf("</table>", start));
            assertEquals(alertsAboutIt, table.split("<tr>", -1).length - 2, "a row per alert about the run: " + table);
            assertTrue(table.contains("run-failed") && table.contains("pagerduty") && table.contains("slack"), table);

        }

        /** The webhook token and the routing key appear in no command output and no file but the recorder's own. */
        @Test
        @org.junit.jupiter.api.Order(7)
        void noSecretInAnyOutputOrFile() throws Exception {
            List<String> secrets = List.of(SLACK_TOKEN, ROUTING_KEY, "xoxSecretHookToken42");
            for (Cli c : outputs) {
                for (String secret : secrets) {
                    assertFalse((c.out() + c.err()).contains(secret), "output shows a secret: " + c.out() + c.err());
                }
            }
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path f : files.filter(Files::isRegularFile).filter(f -> !f.equals(requests)).toList()) {
                    String content = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
                    for (String secret : secrets) {
                        assertFalse(content.contains(secret), f + " holds a secret");
                    }
                }
            }
            assertTrue(Files.readString(requests).contains(ROUTING_KEY), "the recorder saw the key: the scan would see it too");
        }
    }

    /**
     * Over HTTPS with a certificate of its own: a driver process whose JVM trust store has it
     * delivers; this JVM, whose default trust store does not, refuses the handshake and records
     * the alert as not delivered (so TLS was really spoken).
     */
    @Test
    void overHttpsTheJvmsTrustStoreDecides() throws Exception {
        Path keystore = tmp.resolve("recorder.p12");
        Path truststore = tmp.resolve("trust.p12");
        Path cert = tmp.resolve("recorder.crt");
        keytool("-genkeypair", "-alias", "recorder", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2", "-dname", "CN=127.0.0.1",
                "-ext", "SAN=ip:127.0.0.1", "-keystore", keystore.toString(), "-storetype", "PKCS12", "-storepass", "changeit", "-keypass", "changeit");
        keytool("-exportcert", "-alias", "recorder", "-keystore", keystore.toString(), "-storepass", "changeit", "-file", cert.toString());
        keytool("-importcert", "-noprompt", "-alias", "recorder", "-file", cert.toString(), "-keystore", truststore.toString(),
                "-storetype", "PKCS12", "-storepass", "changeit");
        Path requests = tmp.resolve("requests.jsonl");
        List<String> recorder = Project.javaCommand(Project.testClasspath(), List.of());
        recorder.addAll(List.of(WebhookRecorder.class.getName(), requests.toString(), "0", keystore.toString(), "changeit"));
        try (Driver server = Driver.start(recorder, tmp.resolve("recorder.out"))) {
            String port = WebhookRecorder.port(server);
            FleetFixture fleet = FleetFixture.create(tmp.resolve("fleet"), SharedSpark.session(), 2, i -> 500, Set.of(1, 2), false);
            List<String> options = new ArrayList<>(fleet.options());
            options.addAll(List.of("--conf", "drover.alerts.pagerduty-routing-key=" + ROUTING_KEY,
                    "--conf", "drover.alerts.pagerduty-url=https://127.0.0.1:" + port + "/v2/enqueue", "--conf", "drover.alerts.attempts=1"));

            List<String> trusting = Project.javaCommand(Project.testClasspath(), List.of("-Djavax.net.ssl.trustStore=" + truststore,
                    "-Djavax.net.ssl.trustStorePassword=changeit", "-Djavax.net.ssl.trustStoreType=PKCS12"));
            trusting.add("dev.drover.cli.DroverCli");
            trusting.addAll(options);
            trusting.addAll(List.of("migrate", FleetFixture.id(1)));
            try (Driver driver = Driver.start(trusting, tmp.resolve("trusting.out"))) {
                assertEquals(1, driver.waitFor(600), "the migration fails its checks: " + driver.stderr());
            }
            JsonNode sent = only(read(requests), r -> pd(r, "trigger", "drover/" + FleetFixture.id(1) + "/run-failed"));
            assertEquals("https", sent.path("scheme").asText());
            int before = read(requests).size();

            List<String> untrusting = new ArrayList<>(options);
            untrusting.addAll(List.of("migrate", FleetFixture.id(2)));
            Cli refused = Cli.run(untrusting);
            assertEquals(1, refused.exitCode(), "an alert that cannot be delivered changes nothing: " + refused.err());
            LedgerReader ledger = new LedgerReader(SharedSpark.session(), fleet.warehouse.toUri().toString().replaceAll("/$", "") + "/_drover");
            AlertRecord record = ledger.alerts(FleetFixture.id(2)).get(0);
            assertFalse(record.sent(), record.toString());
            assertTrue(record.error().contains("SSLHandshakeException"), record.error());
            assertEquals(before, read(requests).size(), "nothing reached the server without trust");
        }
    }

    private static void keytool(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "keytool").toString()));
        command.addAll(Arrays.asList(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), "keytool " + String.join(" ", args) + ": " + out);
    }

    private static Cli run(List<Cli> outputs, E2eWorkspace ws, List<String> extra, String... args) {
        List<String> command = ws.options();
        command.addAll(extra);
        command.addAll(Arrays.asList(args));
        Cli cli = Cli.run(command);
        outputs.add(cli);
        return cli;
    }

    private static List<String> overrides(E2eWorkspace ws, List<String> alerts) {
        List<String> out = new ArrayList<>(List.of("drover.warehouse=" + ws.warehouse, "drover.environment=test", "drover.progress=never"));
        for (int i = 1; i < alerts.size(); i += 2) {
            out.add(alerts.get(i));
        }
        return out;
    }

    private static List<JsonNode> read(Path requests) throws IOException {
        if (!Files.exists(requests)) {
            return List.of();
        }
        List<JsonNode> out = new ArrayList<>();
        for (String line : Files.readAllLines(requests)) {
            out.add(JSON.readTree(line));
        }
        return out;
    }

    private static JsonNode only(List<JsonNode> requests, java.util.function.Predicate<JsonNode> which) {
        List<JsonNode> found = requests.stream().filter(which).toList();
        assertEquals(1, found.size(), "exactly one such request among " + requests);
        return found.get(0);
    }

    private static boolean pd(JsonNode request, String action, String dedupKey) {
        if (!request.path("path").asText().contains("/v2/enqueue") || request.path("status").asInt() != 202) {
            return false;
        }
        JsonNode body = body(request);
        return body.path("event_action").asText().equals(action) && body.path("dedup_key").asText().equals(dedupKey);
    }

    private static JsonNode body(JsonNode request) {
        try {
            return JSON.readTree(request.path("body").asText());
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static String text(JsonNode request) {
        return body(request).path("text").asText();
    }

    private static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
