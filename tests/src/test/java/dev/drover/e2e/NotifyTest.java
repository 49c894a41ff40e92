package dev.drover.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.drover.ledger.Ledger;
import dev.drover.ledger.LedgerReader;
import dev.drover.notify.EventReader;
import dev.drover.notify.LocalKafka;
import dev.drover.outbox.Outbox;
import dev.drover.testing.SharedSpark;
import io.cloudevents.SpecVersion;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * migrate → test → deploy → notify against a real single-node KRaft broker in its own process:
 * consumers of all three strategies (immediate, phased in two waves, dual-write), events read
 * back with a real consumer, the delivery record, re-runs, acknowledgements and an outage.
 */
class NotifyTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String DEFAULT_TOPIC = "drover.dataset-updates";
    private static final String ML_TOPIC = "ml.dataset-updates";
    private static final String FRAUD_TOPIC = "fraud.dataset-updates";
    private static final String ACK_TOPIC = "drover.dataset-acks";
    private static final List<String> TOPICS = List.of(DEFAULT_TOPIC, ML_TOPIC, FRAUD_TOPIC);
    private static final String SECRET = "s3cr3t-pw-7Q";

    @TempDir
    Path tmp;

    /** The project's catalog plus fraud-rules, a phased consumer in wave 1 (churn-model is wave 2). */
    private static E2eWorkspace workspace(Path dir) throws Exception {
        E2eWorkspace ws = new E2eWorkspace(dir.resolve("ws"), 3_000, 3, 1_000, 1_000);
        Files.writeString(ws.conf.resolve("catalog/fraud.yaml"), """
                apiVersion: backstage.io/v1alpha1
                kind: Component
                metadata:
                  name: fraud-rules
                  annotations:
                    drover.dev/update-strategy: phased
                    drover.dev/rollout-wave: "1"
                    drover.dev/topic: fraud.dataset-updates
                    drover.dev/contact: "#fraud"
                spec:
                  type: data-pipeline
                  lifecycle: production
                  owner: group:risk
                  dependsOn: [resource:default/users-v1]
                """);
        return ws;
    }

    private static String migrate(E2eWorkspace ws) {
        Cli migrate = Cli.run(ws.command("migrate", "users/V2"));
        assertEquals(0, migrate.exitCode(), migrate.err() + migrate.out());
        assertTrue(migrate.out().contains("4 consumer event(s) in the outbox"), migrate.out());
        return migrate.out().split(" ")[1].replace(":", "");
    }

    private static Cli runNotify(E2eWorkspace ws, LocalKafka kafka, String... args) {
        List<String> command = ws.command("--conf", "drover.notify.bootstrap-servers=" + kafka.bootstrapServers(),
                "--conf", "drover.notify.max-block=3s", "--conf", "drover.notify.delivery-timeout=5s");
        command.add("notify");
        command.add("--json");
        command.addAll(List.of(args));
        return Cli.run(command);
    }

    private static JsonNode json(Cli cli) throws Exception {
        return JSON.readTree(cli.out().lines().filter(l -> l.startsWith("{")).reduce((a, b) -> b).orElseThrow(
                () -> new AssertionError("no JSON in: " + cli.out() + cli.err())));
    }

    private static Set<String> consumers(JsonNode array, String status) {
        return StreamSupport.stream(array.spliterator(), false)
                .filter(d -> status == null || d.path("status").asText().equals(status))
                .map(d -> d.path("consumer").asText()).collect(Collectors.toSet());
    }

    private static List<EventReader.Received> received(LocalKafka kafka, String... topics) {
        return EventReader.readAll(kafka.bootstrapServers(), Map.of(), List.of(topics));
    }

    private static String stateDir(E2eWorkspace ws) {
        return ws.warehouse.toUri().toString().replaceAll("/$", "") + "/_drover";
    }

    /** Every strategy told, each event checked field by field, and a rollback announced (see {@link Story}). */
    @Nested
    @Story
    class EveryStrategy {
        private LocalKafka kafka;
        private E2eWorkspace ws;
        private String run;
        private List<EventReader.Received> records;

        @BeforeAll
        void brokerAndMigration(@TempDir Path dir) throws Exception {
            ws = workspace(dir);
            kafka = SharedKafka.fresh();
            kafka.createTopics(3, DEFAULT_TOPIC, ML_TOPIC, FRAUD_TOPIC, ACK_TOPIC);
            run = migrate(ws);
        }

        @Test
        @Order(1)
        void aDryRunCountsWhatIsDueAndHeldAndSendsNothing() throws Exception {
            JsonNode dry = json(runNotify(ws, kafka, "--dry-run"));
            assertEquals(3, dry.path("due").asInt(), dry.toString());
            assertEquals(Set.of("churn-model"), consumers(dry.path("held"), null));
            assertEquals(List.of(), received(kafka, DEFAULT_TOPIC, ML_TOPIC, FRAUD_TOPIC), "a dry run sends nothing");
        }

        @Test
        @Order(2)
        void notifyDeliversToWave1AndTheImmediateAndDualWriteConsumersAndHoldsWave2() throws Exception {
            Cli first = runNotify(ws, kafka);
            assertEquals(0, first.exitCode(), first.err() + first.out());
            JsonNode result = json(first);
            assertEquals(Set.of("signup-dashboard", "billing-export", "fraud-rules"), consumers(result.path("deliveries"), "delivered"));
            assertTrue(result.path("held").get(0).path("reason").asText().contains("wave 2 waits for wave 1"), result.toString());
        }

        @Test
        @Order(3)
        void eachEventIsAValidCloudEventCheckedFieldByField() throws Exception {
            LedgerReader ledger = new LedgerReader(SharedSpark.session(), stateDir(ws));
            long targetVersion = ledger.requireRun(run).targetVersion().orElseThrow();
            int checks = ledger.checks(run).size();
            records = received(kafka, DEFAULT_TOPIC, ML_TOPIC, FRAUD_TOPIC);
            assertEquals(3, records.size());
            for (EventReader.Received r : records) {
                assertEquals("application/cloudevents+json", r.contentType(), "as docs/consumers.md states");
                JsonNode e = JSON.readTree(r.value());
                String consumer = r.key();
                assertEquals("1.0", e.path("specversion").asText());
                assertEquals(run + ":" + consumer + ":migrated", e.path("id").asText());
                assertEquals("/drover/datasets/users-v1", e.path("source").asText());
                assertEquals("dev.drover.dataset.migrated", e.path("type").asText());
                assertEquals(consumer, e.path("subject").asText(), "key = subject = consumer");
                OffsetDateTime.parse(e.path("time").asText());
                assertEquals("application/json", e.path("datacontenttype").asText());
                assertEquals(run, e.path("droverrun").asText());
                assertEquals(consumer.equals("fraud-rules") ? FRAUD_TOPIC : DEFAULT_TOPIC, r.topic());
                // the CloudEvents SDK accepts it as a valid 1.0 event
                var decoded = r.event();
                assertEquals(SpecVersion.V1, decoded.getSpecVersion());
                assertEquals(e.path("id").asText(), decoded.getId());

                JsonNode data = e.path("data");
                assertEquals("users-v1", data.path("dataset").asText());
                assertEquals("users/V2", data.path("migration").asText());
                assertEquals(run, data.path("runId").asText());
                assertEquals("users-v1@0", data.path("versions").path("old").asText());
                assertEquals("users-v2@" + targetVersion, data.path("versions").path("new").asText());
                assertEquals("users-v2", data.path("target").path("dataset").asText());
                assertEquals(ws.warehouse.resolve("users_v2").toUri().toString().replaceAll("/$", ""),
                        data.path("target").path("location").asText().replaceAll("/$", ""));
                assertEquals(targetVersion, data.path("target").path("deltaVersion").asLong());
                assertEquals("new-table", data.path("target").path("mode").asText());
                assertTrue(data.path("breaking").asBoolean());
                Map<String, JsonNode> byFrom = new java.util.HashMap<>();
                data.path("schemaChanges").forEach(c -> byFrom.put(c.path("from").isNull() ? "+" + c.path("to").asText()
                        : c.path("from").asText(), c));
                assertEquals("display_name", byFrom.get("name").path("to").asText());
                assertEquals("[\"renamed\"]", byFrom.get("name").path("kinds").toString());
                assertTrue(byFrom.get("name").path("breaking").asBoolean());
                assertEquals("[\"retyped\"]", byFrom.get("score").path("kinds").toString());
                assertEquals("[\"removed\"]", byFrom.get("country_id").path("kinds").toString());
                assertEquals("[\"added\"]", byFrom.get("+country").path("kinds").toString());
                assertEquals("[]", byFrom.get("user_id").path("kinds").toString());
                assertEquals("display_name", data.path("columnMapping").path("name").asText());
                assertTrue(data.path("columnMapping").path("country_id").isNull(), "a removed column maps to null");
                assertEquals("user_id", data.path("columnMapping").path("user_id").asText());
                JsonNode c = data.path("consumer");
                assertEquals(consumer, c.path("name").asText());
                switch (consumer) {
                    case "signup-dashboard" -> {
                        assertEquals("immediate", c.path("strategy").asText());
                        assertEquals(LocalDate.now(ZoneOffset.UTC).plusDays(30).toString(), c.path("deadline").asText());
                    }
                    case "billing-export" -> {
                        assertEquals("dual-write", c.path("strategy").asText());
                        assertEquals("2027-03-31", c.path("deadline").asText());
                        assertEquals("2027-03-31", c.path("dualWriteUntil").asText());
                    }
                    case "fraud-rules" -> {
                        assertEquals("phased", c.path("strategy").asText());
                        assertEquals(1, c.path("wave").asInt());
                        assertEquals("#fraud", c.path("contact").asText());
                    }
                    default -> throw new AssertionError("unexpected consumer " + consumer);
                }
                assertTrue(data.path("validation").path("passed").asBoolean());
                assertEquals(checks, data.path("validation").path("checks").asInt());
                assertEquals(0, data.path("validation").path("failed").asInt());
                assertEquals(2_997, data.path("validation").path("rowsWritten").asLong());
                assertEquals(3, data.path("validation").path("rowsQuarantined").asLong());
                assertEquals("drover status " + run, data.path("readMore").asText());
            }
        }

        @Test
        @Order(4)
        void aRollbackBeforeWave2IsAnnouncedToTheThreeToldAndNeverToChurnModel() throws Exception {
            // Rolled back before wave 2 was released: the three told hear about it, churn-model never hears of the run.
            Cli rollback = Cli.run(ws.command("rollback", run));
            assertEquals(0, rollback.exitCode(), rollback.err());
            assertTrue(rollback.out().contains("3 consumer(s) already told get a rolled-back event, 1 not yet told will not be"),
                    rollback.out());
            Cli second = runNotify(ws, kafka);
            assertEquals(0, second.exitCode(), second.err() + second.out());
            assertEquals(3, json(second).path("delivered").asInt());
            List<EventReader.Received> after = received(kafka, DEFAULT_TOPIC, ML_TOPIC, FRAUD_TOPIC);
            assertEquals(6, after.size());
            for (EventReader.Received r : after.stream().filter(r -> !records.stream().anyMatch(o -> o.topic().equals(r.topic())
                    && o.partition() == r.partition() && o.offset() == r.offset())).toList()) {
                JsonNode e = JSON.readTree(r.value());
                assertEquals("dev.drover.dataset.rolled-back", e.path("type").asText());
                assertEquals(run + ":" + r.key() + ":rolled-back", e.path("id").asText());
                assertEquals(run + ":" + r.key() + ":migrated", e.path("data").path("consumer").path("previousEventId").asText());
                assertTrue(e.path("data").path("rolledBack").path("message").asText().contains("emptied users-v2"), e.toString());
            }
            assertEquals(List.of(), received(kafka, ML_TOPIC), "churn-model was never told about the rolled-back run");
        }

        @Test
        @Order(5)
        void aNotifyWithNothingDueSendsNothingTwice() throws Exception {
            Cli third = runNotify(ws, kafka);
            assertEquals(0, third.exitCode(), third.err());
            assertEquals(0, json(third).path("due").asInt(), "nothing is sent twice");
            assertEquals(6, received(kafka, DEFAULT_TOPIC, ML_TOPIC, FRAUD_TOPIC).size());
        }
    }

    /** A failed consumer resent alone, and wave 2 released by wave 1's acknowledgement (see {@link Story}). */
    @Nested
    @Story
    class FailuresAndWaves {
        private LocalKafka kafka;
        private E2eWorkspace ws;
        private String run;

        @BeforeAll
        void brokerWithoutFraudTopicAndMigration(@TempDir Path dir) throws Exception {
            ws = workspace(dir);
            kafka = SharedKafka.fresh();
            kafka.createTopics(3, DEFAULT_TOPIC, ML_TOPIC, ACK_TOPIC); // fraud-rules' topic is missing
            run = migrate(ws);
        }

        @Test
        @Order(1)
        void aMissingTopicFailsOnlyItsConsumerExit4AndWave2WaitsForWave1() throws Exception {
            Cli first = runNotify(ws, kafka);
            assertEquals(4, first.exitCode(), "undelivered events: exit 4; " + first.out() + first.err());
            JsonNode r1 = json(first);
            assertEquals(Set.of("signup-dashboard", "billing-export"), consumers(r1.path("deliveries"), "delivered"));
            assertEquals(Set.of("fraud-rules"), consumers(r1.path("deliveries"), "failed"));
            assertTrue(r1.toString().contains("fraud.dataset-updates unavailable"), r1.toString());
            assertTrue(r1.path("held").get(0).path("reason").asText().contains("wave 2 waits for wave 1: 0 of 1 delivered"), r1.toString());
        }

        @Test
        @Order(2)
        void aNormalRunDoesNotResendAFailedEvent() throws Exception {
            kafka.createTopics(3, FRAUD_TOPIC);
            JsonNode r2 = json(runNotify(ws, kafka));
            assertEquals(0, r2.path("due").asInt(), "a normal run does not resend a failed event: " + r2);
        }

        @Test
        @Order(3)
        void retryFailedResendsOnlyTheFailedConsumerSoEachHasOneEvent() throws Exception {
            Cli retry = runNotify(ws, kafka, "--retry-failed");
            assertEquals(0, retry.exitCode(), retry.out() + retry.err());
            JsonNode r3 = json(retry);
            assertEquals(Set.of("fraud-rules"), consumers(r3.path("deliveries"), null), "only the failed consumer is re-sent");
            assertEquals(2, r3.path("deliveries").get(0).path("attempt").asInt());
            Map<String, Long> perConsumer = received(kafka, DEFAULT_TOPIC, FRAUD_TOPIC).stream()
                    .collect(Collectors.groupingBy(EventReader.Received::key, Collectors.counting()));
            assertEquals(Map.of("signup-dashboard", 1L, "billing-export", 1L, "fraud-rules", 1L), perConsumer);
        }

        @Test
        @Order(4)
        void wave2WaitsWhileWave1IsNeitherAcknowledgedNorOld() throws Exception {
            // Wave 1 delivered, but neither acknowledged nor 24 h old: wave 2 still waits.
            JsonNode r4 = json(runNotify(ws, kafka));
            assertEquals(0, r4.path("due").asInt(), r4.toString());
            assertTrue(r4.path("held").get(0).path("reason").asText().contains("or when all 1 acknowledge (0 so far)"), r4.toString());
            assertEquals(List.of(), received(kafka, ML_TOPIC));
        }

        @Test
        @Order(5)
        void anAcknowledgementReleasesWave2() throws Exception {
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of("bootstrap.servers", kafka.bootstrapServers()),
                    new StringSerializer(), new StringSerializer())) {
                producer.send(new ProducerRecord<>(ACK_TOPIC, "fraud-rules",
                        "{\"eventId\": \"" + run + ":fraud-rules:migrated\", \"consumer\": \"fraud-rules\"}")).get();
            }
            Cli released = runNotify(ws, kafka);
            assertEquals(0, released.exitCode(), released.out() + released.err());
            JsonNode r5 = json(released);
            assertEquals(1, r5.path("acksRead").asInt());
            assertEquals(Set.of("churn-model"), consumers(r5.path("deliveries"), "delivered"));
            List<EventReader.Received> ml = received(kafka, ML_TOPIC);
            assertEquals(1, ml.size());
            assertEquals("churn-model", ml.get(0).event().getSubject());
        }

        @Test
        @Order(6)
        void theLedgerKeepsEveryAttemptAndTheAcknowledgementReadOnce() throws Exception {
            // The ledger keeps every attempt and the acknowledgement.
            Outbox outbox = new Outbox(Ledger.open(SharedSpark.session(), stateDir(ws)));
            assertEquals(List.of("failed", "delivered"), outbox.deliveries().stream()
                    .filter(d -> d.consumer().equals("fraud-rules")).map(d -> d.status().label()).toList());
            assertEquals(Set.of(run + ":fraud-rules:migrated"), outbox.acked());
            assertEquals(0, json(runNotify(ws, kafka)).path("due").asInt(), "an ack read twice changes nothing");
        }

        @Test
        @Order(7)
        void statusShowsEachConsumersEventStateWithItsAttempts() throws Exception {
            // drover status shows each consumer's event state with its attempts.
            JsonNode status = JSON.readTree(Cli.run(ws.command("status", run, "--json")).out());
            Map<String, String> states = new java.util.TreeMap<>();
            status.path("events").forEach(e -> states.put(e.path("consumer").asText(), e.path("status").asText() + "/" + e.path("attempts").asInt()));
            assertEquals(Map.of("billing-export", "delivered/1", "churn-model", "delivered/1", "fraud-rules", "delivered/2",
                    "signup-dashboard", "delivered/1"), states);
            Cli text = Cli.run(ws.command("status", run));
            assertTrue(text.out().contains("consumer events: 4 delivered"), text.out());
        }
    }

    @Test
    void aBrokerOutageLosesNothingAndRetryFailedDeliversEachEventOnce() throws Exception {
        E2eWorkspace ws = workspace(tmp);
        try (LocalKafka kafka = LocalKafka.start(tmp.resolve("kafka"), false)) {
            kafka.createTopics(3, DEFAULT_TOPIC, ML_TOPIC, FRAUD_TOPIC, ACK_TOPIC);
            String run = migrate(ws);
            kafka.stop();

            List<String> withSecret = new ArrayList<>(List.of("--conf", "drover.notify.kafka.\"sasl.jaas.config\"="
                    + "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"u\" password=\"" + SECRET + "\";"));
            String[] extra = withSecret.toArray(String[]::new);
            List<String> command = ws.command(extra);
            command.addAll(List.of("--conf", "drover.notify.bootstrap-servers=" + kafka.bootstrapServers(),
                    "--conf", "drover.notify.max-block=2s", "--conf", "drover.notify.delivery-timeout=3s", "notify", "--json"));
            Cli down = Cli.run(command);
            assertEquals(4, down.exitCode(), "a broker outage fails cleanly: " + down.out() + down.err());
            JsonNode r1 = json(down);
            assertEquals(Set.of("signup-dashboard", "billing-export", "fraud-rules"), consumers(r1.path("deliveries"), "failed"));
            assertFalse((down.out() + down.err()).contains(SECRET), "the SASL password never shows");
            Outbox outbox = new Outbox(Ledger.open(SharedSpark.session(), stateDir(ws)));
            assertEquals(4, outbox.events(run).size(), "nothing lost: the events stay in the outbox");
            for (Row row : SharedSpark.session().read().format("delta").load(outbox.location()).collectAsList()) {
                assertFalse(row.mkString(" ").contains(SECRET), "the ledger never holds the password: " + row);
            }

            kafka.restart();
            Cli retry = runNotify(ws, kafka, "--retry-failed");
            assertEquals(0, retry.exitCode(), retry.out() + retry.err());
            assertEquals(3, json(retry).path("delivered").asInt());
            assertEquals(0, json(runNotify(ws, kafka, "--retry-failed")).path("due").asInt());

            List<EventReader.Received> records = received(kafka, DEFAULT_TOPIC, FRAUD_TOPIC);
            Map<String, Long> byId = records.stream().collect(Collectors.groupingBy(r -> r.event().getId(), Collectors.counting()));
            assertEquals(Set.of(run + ":signup-dashboard:migrated", run + ":billing-export:migrated", run + ":fraud-rules:migrated"),
                    byId.keySet(), "none lost");
            assertTrue(byId.values().stream().allMatch(n -> n == 1), "each event once: " + byId);
        }
    }
}
