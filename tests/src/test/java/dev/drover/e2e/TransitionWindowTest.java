package dev.drover.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.drover.delta.CommitTag;
import dev.drover.delta.DeltaTables;
import dev.drover.model.Stage;
import dev.drover.notify.EventReader;
import dev.drover.notify.LocalKafka;
import dev.drover.testing.SharedSpark;
import dev.drover.view.Render;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A transition window with real processes: a producer process keeps writing users-v1 (updates,
 * deletes, inserts) during and after the migration; syncs between its commits keep users-v2 equal
 * to the spec over users-v1 at each synced version (computed here in SQL); retire waits for every
 * consumer (exit 3), reads their acknowledgements from a real Kafka broker, and tells them.
 */
class TransitionWindowTest {
    private static final List<String> TOPICS = List.of("drover.dataset-updates", "ml.dataset-updates");
    private static final String ACK_TOPIC = "drover.dataset-acks";

    @TempDir
    Path tmp;

    private static long latest(String location) {
        return new DeltaTables(SharedSpark.session()).latestVersion(location);
    }

    private static JsonNode json(Cli cli) throws Exception {
        return Render.JSON.readTree(cli.out());
    }

    @Test
    void syncsKeepV2InStepWithAProducerProcessAndRetireWaitsForEveryConsumer() throws Exception {
        SparkSession spark = SharedSpark.session();
        E2eWorkspace ws = new E2eWorkspace(tmp.resolve("ws"), 6_000, 3, 0, 2_000);
        String warehouse = ws.warehouse.toUri().toString().replaceAll("/$", "");
        List<String> producer = Project.javaCommand(Project.testClasspath(), List.of());
        producer.addAll(List.of("dev.drover.e2e.V1Producer", warehouse, "8", "4000", "20261204"));
        Path produced = tmp.resolve("producer.out");
        try (Driver writer = Driver.start(producer, produced)) {
            Cli migrate = Cli.run(ws.command("migrate", "users/V2"));
            assertEquals(0, migrate.exitCode(), migrate.err() + migrate.out());
            long pinned = new dev.drover.ledger.LedgerReader(spark, warehouse + "/_drover").runsOf("users/V2").get(0).sourceVersion();
            List<Long> synced = new ArrayList<>();
            for (int round = 0; round < 3; round++) {
                awaitCommits(produced, 2 * (round + 1));
                synced.add(syncAndCompare(ws, spark, warehouse));
            }
            assertEquals(0, writer.waitFor(300), writer.stderr());
            synced.add(syncAndCompare(ws, spark, warehouse));
            assertEquals(latest(warehouse + "/users_v1"), synced.get(synced.size() - 1), "the last sync reached v1's last commit");
            assertTrue(synced.get(0) > pinned, "the producer wrote after the migration pinned v" + pinned + ": " + synced);
            assertTrue(synced.get(0) < synced.get(synced.size() - 1), "a sync ran while the producer was still writing: " + synced);
        }

        JsonNode windows = json(Cli.run(ws.command("transition", "--json")));
        assertEquals(1, windows.size(), windows.toString());
        JsonNode window = windows.get(0);
        assertEquals(0, window.path("lagVersions").asInt(), window.toString());
        assertTrue(window.path("syncsDone").asInt() >= 2, window.toString());
        assertEquals(3, window.path("consumers").size());

        // nobody moved yet: retire refuses and changes nothing
        String v1 = warehouse + "/users_v1";
        long v1Before = latest(v1);
        Cli refused = Cli.run(ws.command("retire", "users/V2"));
        assertEquals(3, refused.exitCode(), refused.err() + refused.out());
        assertEquals(1, refused.errLines().size(), refused.err());
        assertTrue(refused.err().contains("3 consumer(s) have not moved"), refused.err());
        assertEquals(v1Before, latest(v1), "v1 untouched");
        assertFalse(Files.readString(ws.conf.resolve("catalog/users.yaml")).contains("lifecycle: deprecated"));

        LocalKafka kafka = SharedKafka.fresh();
        kafka.createTopics(1, "drover.dataset-updates", "ml.dataset-updates", ACK_TOPIC);
        String run = new dev.drover.ledger.LedgerReader(spark, warehouse + "/_drover").runsOf("users/V2").get(0).runId();
        acknowledge(kafka, run, List.of("billing-export", "churn-model"));
        List<String> broker = List.of("--conf", "drover.notify.bootstrap-servers=" + kafka.bootstrapServers(),
                "--conf", "drover.notify.max-block=5s");
        List<String> moved = new ArrayList<>(ws.command(broker.toArray(String[]::new)));
        moved.addAll(List.of("transition", "users/V2", "--moved", "signup-dashboard", "--by", "alice", "--json"));
        JsonNode after = json(Cli.run(moved)).get(0);
        for (JsonNode c : after.path("consumers")) {
            assertTrue(c.path("moved").asBoolean(), c.toString());
            assertEquals(c.path("name").asText().equals("signup-dashboard") ? "declared" : "acknowledged", c.path("how").asText());
        }

        List<String> retire = new ArrayList<>(ws.command(broker.toArray(String[]::new)));
        retire.add("retire");
        retire.add("users/V2");
        Cli retired = Cli.run(retire);
        assertEquals(0, retired.exitCode(), retired.err() + retired.out());
        Map<String, String> properties = new DeltaTables(spark).properties(v1, latest(v1));
        assertEquals("true", properties.get("drover.retired"));
        assertEquals("users-v2", properties.get("drover.successor"));
        assertTrue(Files.readString(ws.conf.resolve("catalog/users.yaml")).contains("  lifecycle: deprecated"), "the catalog says so");

        List<String> notify = new ArrayList<>(ws.command(broker.toArray(String[]::new)));
        notify.add("notify");
        Cli told = Cli.run(notify);
        assertEquals(0, told.exitCode(), told.err() + told.out());
        List<String> retiredTo = new ArrayList<>();
        for (EventReader.Received r : EventReader.readAll(kafka.bootstrapServers(), Map.of(), TOPICS)) {
            if (r.event().getType().equals("dev.drover.dataset.retired")) {
                retiredTo.add(r.key());
                assertEquals(run + ":" + r.key() + ":retired", r.event().getId());
                JsonNode data = Render.JSON.readTree(r.event().getData().toBytes());
                assertEquals("users-v2", data.path("successor").path("dataset").asText());
            }
        }
        assertEquals(List.of("billing-export", "churn-model", "signup-dashboard"), retiredTo.stream().sorted().toList());

        // retired: no more syncs, and a second retire tells no one twice
        Cli after2 = Cli.run(ws.command("sync", "users/V2"));
        assertEquals(2, after2.exitCode(), after2.err());
        assertTrue(after2.err().contains("was retired"), after2.err());
    }

    /** Syncs once, checks the result against our own SQL over v1 at the synced version; returns that version. */
    private static long syncAndCompare(E2eWorkspace ws, SparkSession spark, String warehouse) throws Exception {
        Cli sync = Cli.run(ws.command("sync", "users/V2", "--json"));
        assertEquals(0, sync.exitCode(), sync.err() + sync.out());
        JsonNode result = json(sync);
        long to = result.path("toVersion").asLong();
        assertArrayEquals(new long[] {0, 0}, UsersV2.difference(spark, warehouse, to), "v2 against the spec over v1@" + to);
        return to;
    }

    private static void awaitCommits(Path out, int commits) throws Exception {
        long deadline = System.nanoTime() + 240_000_000_000L;
        while (System.nanoTime() < deadline) {
            if (Files.exists(out) && Files.readAllLines(out).stream().filter(l -> l.startsWith("producer committed")).count() >= commits) {
                return;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("the producer did not make " + commits + " commits in time");
    }

    private static void acknowledge(LocalKafka kafka, String run, List<String> consumers) {
        Map<String, Object> c = Map.of("bootstrap.servers", kafka.bootstrapServers(),
                "key.serializer", "org.apache.kafka.common.serialization.StringSerializer",
                "value.serializer", "org.apache.kafka.common.serialization.StringSerializer");
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(c)) {
            for (String consumer : consumers) {
                producer.send(new ProducerRecord<>(ACK_TOPIC, consumer, "{\"eventId\": \"" + run + ":" + consumer + ":migrated\", \"consumer\": \""
                        + consumer + "\"}"));
            }
            producer.flush();
        }
    }

    @Test
    void aSyncKilledAfterItsMergeIsResumedAndAppliedExactlyOnce() throws Exception {
        SparkSession spark = SharedSpark.session();
        E2eWorkspace ws = new E2eWorkspace(tmp.resolve("ws"), 3_000, 3, 0, 3_000);
        String warehouse = ws.warehouse.toUri().toString().replaceAll("/$", "");
        assertEquals(0, Cli.run(ws.command("migrate", "users/V2")).exitCode());
        java.util.Random random = new java.util.Random(7);
        long next = 1_000_000;
        for (int i = 0; i < 3; i++) {
            next = V1Producer.commit(spark, warehouse, random, next);
        }
        List<String> command = Project.javaCommand(Project.testClasspath(), List.of("-Ddrover.test.announce=1", "-Ddrover.test.pause-at=sync-merged"));
        command.add("dev.drover.cli.DroverCli");
        command.addAll(ws.command("sync", "users/V2"));
        try (Driver driver = Driver.start(command, tmp.resolve("killed.out"))) {
            driver.awaitLine("drover-point sync-merged", 300);
            driver.kill();
        }
        String target = warehouse + "/users_v2";
        List<String> syncCommits = new ArrayList<>();
        for (DeltaTables.Change c : new DeltaTables(spark).changes(target, -1)) {
            c.tag().filter(t -> t.stage() == Stage.SYNC && t.sourceRange().isPresent()).ifPresent(t -> syncCommits.add(t.run()));
        }
        assertEquals(1, syncCommits.size(), "the killed sync's MERGE landed: " + syncCommits);

        Cli resumed = Cli.run(ws.command("sync", "users/V2", "--json"));
        assertEquals(0, resumed.exitCode(), resumed.err() + resumed.out());
        JsonNode result = json(resumed);
        assertTrue(result.path("resumed").asBoolean(), result.toString());
        assertEquals(syncCommits.get(0), result.path("sync").asText(), "the same sync, resumed");
        List<CommitTag> tags = new ArrayList<>();
        for (DeltaTables.Change c : new DeltaTables(spark).changes(target, -1)) {
            c.tag().filter(t -> t.stage() == Stage.SYNC && t.sourceRange().isPresent()).ifPresent(tags::add);
        }
        assertEquals(1, tags.size(), "one MERGE for the range, not two: " + tags);
        assertArrayEquals(new long[] {0, 0}, UsersV2.difference(spark, warehouse, result.path("toVersion").asLong()));
    }
}
