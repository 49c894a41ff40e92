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
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent as a real process against a real broker: requests put on the queue with
 * {@code drover request}, run once per id, answered on the replies topic; kill -9 in the middle
 * of a run and SIGTERM with one running and one waiting, each followed by a restart that finishes
 * the work exactly once; a duplicate, a bad request and a message that is not a request at all.
 */
class AgentTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    /** Requests run once through a kill -9, a drain and two restarts (see {@link Story}). */
    @Nested
    @Story
    class KillsAndDrains {
        private LocalKafka kafka;
        private E2eWorkspace ws;
        private Path tmp;
        private List<String> options;
        private LedgerReader ledger;
        private String run1;
        private String run2;

        @BeforeAll
        void brokerAndWorkspace(@TempDir Path dir) throws Exception {
            tmp = dir;
            ws = new E2eWorkspace(tmp.resolve("ws"), 3_000, 3, 1_000, 1_000);
            kafka = SharedKafka.fresh();
            options = ws.options();
            options.addAll(List.of("--conf", "drover.notify.bootstrap-servers=" + kafka.bootstrapServers(),
                    "--conf", "drover.wave.parallel=1", "--conf", "drover.agent.poll-interval=200ms",
                    "--conf", "drover.agent.drain-timeout=3s"));
            ledger = new LedgerReader(SharedSpark.session(), ws.warehouse.toUri().toString().replaceAll("/$", "") + "/_drover");
        }

        @Test
        @Order(1)
        void anAgentKilledMidRunLeavesTheRequestStartedAndItsRunRunning() throws Exception {
            // 1. kill -9 while users/V2 runs (paused after analyze, its run and batches recorded)
            Path first = tmp.resolve("agent-1.out");
            try (Driver agent = Driver.start(agentCommand(options, List.of("-Ddrover.test.announce=1", "-Ddrover.test.pause-at=analyzed")), first)) {
                awaitFile(first, "agent: taking requests", 180);
                Cli sent = Cli.run(concat(options, "request", "migrate", "users/V2", "--id", "r1", "--requester", "user:default/jane",
                        "--param", "batching.max-rows=3000"));
                assertEquals(0, sent.exitCode(), sent.err());
                assertTrue(sent.out().contains("request r1: migrate users/V2 put on drover.requests"), sent.out());
                agent.awaitLine("drover-point analyzed", 300);
                agent.kill();
            }
            RequestRecord killed = requests(ledger).get("r1");
            assertEquals(RequestStatus.STARTED, killed.status(), killed.toString());
            run1 = killed.runId();
            assertEquals(RunStatus.RUNNING, ledger.run(run1).orElseThrow().status());
            assertEquals("user:default/jane", killed.requester());
        }

        @Test
        @Order(2)
        void aRestartResumesItThenSigtermDrainsLeavingTheRunningOneToResumeAndTheWaitingOneUnstarted() throws Exception {
            // 2. the restart finishes r1 (same run, resumed); countries/V2 then pauses after analyze, a validate of
            //    r1's run waits behind it (one at once); SIGTERM drains: nothing new starts, the paused run is left
            Path second = tmp.resolve("agent-2.out");
            try (Driver agent = Driver.start(agentCommand(options, List.of("-Ddrover.test.announce=1", "-Ddrover.test.pause-at=analyzed")), second)) {
                awaitFile(second, "request r1: succeeded (run " + run1 + ")", 300);
                assertTrue(Files.readString(second).contains("request r1: resumed (started when the last agent stopped)"), Files.readString(second));
                assertEquals(0, Cli.run(concat(options, "request", "migrate", "countries/V2", "--id", "r2")).exitCode());
                agent.awaitLine("drover-point analyzed", 300);
                assertEquals(0, Cli.run(concat(options, "request", "validate", run1, "--id", "r3")).exitCode());
                awaitFile(second, "request r3: accepted", 60);
                agent.terminate();
                assertTrue(agent.endedWithin(90_000), "SIGTERM ends the agent after the drain timeout: " + agent.stderr());
            }
            String drained = Files.readString(second);
            assertTrue(drained.contains("agent: stopping: no new requests; 1 running"), drained);
            assertTrue(drained.contains("still running after 3.0 s; left to resume"), drained);
            Map<String, RequestRecord> afterDrain = requests(ledger);
            assertEquals(RequestStatus.STARTED, afterDrain.get("r2").status());
            assertEquals(RequestStatus.ACCEPTED, afterDrain.get("r3").status(), "the waiting request never started");
            run2 = afterDrain.get("r2").runId();
        }

        @Test
        @Order(3)
        void aThirdAgentResumesBothBeforeAnythingNewAndAnswersADuplicateABadRequestAndGarbage() throws Exception {
            // 3. a third agent resumes both before anything new, then answers a duplicate, a bad request and garbage
            Path third = tmp.resolve("agent-3.out");
            try (Driver agent = Driver.start(agentCommand(options, List.of()), third)) {
                awaitFile(third, "request r3: succeeded", 300);
                Cli again = Cli.run(concat(options, "request", "migrate", "users/V2", "--id", "r1", "--wait", "--timeout", "2m"));
                assertEquals(0, again.exitCode(), again.out() + again.err());
                assertTrue(again.out().contains("request r1: succeeded (run " + run1 + ")"), again.out());
                Cli bad = Cli.run(concat(options, "request", "migrate", "nope/V9", "--id", "r4", "--wait", "--timeout", "2m"));
                assertEquals(2, bad.exitCode(), bad.out() + bad.err());
                assertTrue(bad.out().contains("request r4: refused: request r4: data.migration: no migration 'nope/V9'"), bad.out());
                try (KafkaProducer<String, String> producer = producer(kafka)) {
                    producer.send(new ProducerRecord<>("drover.requests", "x", "this is not JSON")).get(30, TimeUnit.SECONDS);
                }
                awaitFile(third, "not a JSON CloudEvent", 60);
                Cli badParam = Cli.run(concat(options, "request", "migrate", "users/V2", "--param", "batching.max-rows=lots"));
                assertEquals(2, badParam.exitCode(), "a bad parameter is refused before anything is sent");
                assertTrue(badParam.err().contains("data.params.batching.max-rows: expected a whole number of rows above 0"), badParam.err());
                agent.terminate();
                assertTrue(agent.endedWithin(120_000), "SIGTERM with nothing running ends the agent: " + agent.stderr());
            }
            String out3 = Files.readString(third);
            assertTrue(out3.indexOf("request r2: resumed") < out3.indexOf("agent: taking requests"), "resumed before new requests: " + out3);
        }

        @Test
        @Order(4)
        void everyRequestEndedAsExpectedAndEveryEndWasRepliedTo() throws Exception {
            Map<String, RequestRecord> end = requests(ledger);
            assertEquals(RequestStatus.SUCCEEDED, end.get("r1").status());
            assertEquals(RequestStatus.SUCCEEDED, end.get("r2").status());
            assertEquals(run2, end.get("r2").runId(), "the drained run was resumed, not started again");
            assertEquals(RequestStatus.SUCCEEDED, end.get("r3").status());
            assertEquals(run1, end.get("r3").runId());
            assertEquals(RequestStatus.REFUSED, end.get("r4").status());
            assertTrue(end.values().stream().anyMatch(r -> r.status() == RequestStatus.REFUSED && r.requestId().startsWith("drover.requests[")
                    && r.message().contains("not a JSON CloudEvent")), end.toString());
            assertTrue(end.values().stream().filter(r -> r.status().ended()).allMatch(RequestRecord::replied), "every end was replied to");
        }

        @Test
        @Order(5)
        void eachMigrationRanExactlyOnceAndTheRequestsBatchSizeWon() throws Exception {
            // exactly once: one run per migration, each succeeded, the users one with the request's batch size
            Map<String, List<RunRecord>> runs = ledger.runs().stream().collect(Collectors.groupingBy(RunRecord::migration));
            assertEquals(1, runs.get("users/V2").size(), runs.toString());
            assertEquals(1, runs.get("countries/V2").size(), runs.toString());
            assertEquals(RunStatus.SUCCEEDED, runs.get("users/V2").get(0).status());
            assertEquals(RunStatus.SUCCEEDED, runs.get("countries/V2").get(0).status());
            assertEquals(3_000 - 3, ws.table("users_v2").count(), "one score in 1,000 is not a number: quarantined");
            assertEquals(1, ledger.batches(run1).size(), "the request's batch size (3,000 rows) over the spec's (1,000: three batches)");
        }

        @Test
        @Order(6)
        void statusRequestsShowsTheSameNewestFirst() throws Exception {
            Map<String, RequestRecord> end = requests(ledger);
            // drover status --requests shows the same, newest first
            Cli listed = Cli.run(concat(options, "status", "--requests", "--json"));
            assertEquals(0, listed.exitCode(), listed.err());
            JsonNode rows = new com.fasterxml.jackson.databind.ObjectMapper().readTree(listed.out());
            assertEquals(end.size(), rows.size());
            Map<String, JsonNode> byId = new java.util.HashMap<>();
            rows.forEach(r -> byId.put(r.path("request").asText(), r));
            assertEquals("succeeded", byId.get("r2").path("status").asText());
            assertEquals(run2, byId.get("r2").path("run").asText());
            assertEquals("refused", byId.get("r4").path("status").asText());
            assertEquals(2, byId.get("r4").path("exitCode").asInt());
            Cli text = Cli.run(concat(options, "status", "--requests"));
            assertTrue(text.out().startsWith("REQUEST") && text.out().contains(run1), text.out());
        }

        @Test
        @Order(7)
        void theRepliesTopicHoldsEachRequestsStatusesInOrderAndTheDuplicateGotTheSameEnd() throws Exception {
            // the replies as a consumer sees them: per request, in order, each end once per delivery
            List<JsonNode> replies = replies(kafka);
            List<String> r2 = replies.stream().filter(r -> r.path("subject").asText().equals("r2")).map(r -> r.path("data").path("status").asText()).toList();
            assertEquals(List.of("accepted", "started", "started", "succeeded"), r2, "started again when resumed");
            JsonNode r1End = replies.stream().filter(r -> r.path("id").asText().equals("r1/succeeded")).findFirst().orElseThrow();
            assertEquals("dev.drover.reply.succeeded", r1End.path("type").asText());
            assertEquals(run1, r1End.path("data").path("runId").asText());
            assertEquals(0, r1End.path("data").path("exitCode").asInt());
            assertEquals(2, replies.stream().filter(r -> r.path("id").asText().equals("r1/succeeded")).count(), "the duplicate got the same reply");
        }
    }

    /**
     * The other two kinds through a real agent, each followed with --wait: a wave request whose
     * batch size cuts its migration finer than the spec does, then a rollback request of that run.
     */
    @Test
    void aWaveRequestWithABatchSizeThenARollbackRequest() throws Exception {
        E2eWorkspace ws = new E2eWorkspace(tmp.resolve("ws"), 3_000, 6, 0, 1_000);
        LocalKafka kafka = SharedKafka.fresh();
        List<String> options = ws.options();
        options.addAll(List.of("--conf", "drover.notify.bootstrap-servers=" + kafka.bootstrapServers(),
                "--conf", "drover.agent.poll-interval=200ms"));
        LedgerReader ledger = new LedgerReader(SharedSpark.session(), ws.warehouse.toUri().toString().replaceAll("/$", "") + "/_drover");
        Path out = tmp.resolve("agent.out");
        try (Driver agent = Driver.start(agentCommand(options, List.of()), out)) {
            awaitFile(out, "agent: taking requests", 180);
            Cli wave = Cli.run(concat(options, "request", "wave", "--dataset", "users-v2", "--param", "batching.max-rows=500",
                    "--id", "w1", "--wait", "--timeout", "5m"));
            assertEquals(0, wave.exitCode(), wave.out() + wave.err());
            assertTrue(wave.out().contains("request w1: succeeded"), wave.out());
            assertTrue(wave.out().contains(": 1 passed, 0 failed, 0 held"), wave.out());
            List<RunRecord> runs = ledger.runsOf("users/V2");
            assertEquals(1, runs.size(), runs.toString());
            RunRecord run = runs.get(0);
            assertEquals(RunStatus.SUCCEEDED, run.status());
            assertEquals(6, ledger.batches(run.runId()).size(), "a day of 500 rows a batch (the spec's 1,000: two days a batch, 3 batches)");
            assertEquals(3_000, ws.table("users_v2").count());
            String waveId = ledger.waves().get(0).waveId();
            assertEquals(waveId, requests(ledger).get("w1").runId(), "a wave request's reply carries the wave id");

            Cli rollback = Cli.run(concat(options, "request", "rollback", run.runId(), "--id", "b1", "--wait", "--timeout", "5m"));
            assertEquals(0, rollback.exitCode(), rollback.out() + rollback.err());
            assertTrue(rollback.out().contains("request b1: succeeded (run " + run.runId() + ")"), rollback.out());
            assertEquals(RunStatus.ROLLED_BACK, ledger.run(run.runId()).orElseThrow().status());
            assertEquals(0, ws.table("users_v2").count(), "the target back at its snapshot: empty before the run");
            long commits = ws.history("users_v2").count();
            Cli again = Cli.run(concat(options, "request", "rollback", run.runId(), "--id", "b1", "--wait", "--timeout", "2m"));
            assertEquals(0, again.exitCode(), again.out() + again.err());
            assertTrue(again.out().contains("request b1: succeeded (run " + run.runId() + ")"), again.out());
            assertEquals(commits, ws.history("users_v2").count(), "the resent click ran once");
            agent.terminate();
            assertTrue(agent.endedWithin(120_000), "SIGTERM with nothing running ends the agent: " + agent.stderr());
        }
        Map<String, RequestRecord> end = requests(ledger);
        assertEquals(RequestStatus.SUCCEEDED, end.get("w1").status());
        assertEquals(RequestStatus.SUCCEEDED, end.get("b1").status());
        assertEquals(2, end.size(), end.toString());
    }

    private static Map<String, RequestRecord> requests(LedgerReader ledger) {
        return ledger.requests().stream().collect(Collectors.toMap(RequestRecord::requestId, Function.identity()));
    }

    private static List<JsonNode> replies(LocalKafka kafka) throws Exception {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        List<JsonNode> out = new ArrayList<>();
        try (KafkaConsumer<String, String> c = new KafkaConsumer<>(p)) {
            List<TopicPartition> all = c.partitionsFor("drover.replies").stream().map(i -> new TopicPartition(i.topic(), i.partition())).toList();
            c.assign(all);
            c.seekToBeginning(all);
            Map<TopicPartition, Long> end = c.endOffsets(all);
            while (all.stream().anyMatch(tp -> c.position(tp) < end.get(tp))) {
                for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(500))) {
                    out.add(JSON.readTree(r.value()));
                }
            }
        }
        return out;
    }

    private static KafkaProducer<String, String> producer(LocalKafka kafka) {
        Properties p = new Properties();
        p.put("bootstrap.servers", kafka.bootstrapServers());
        p.put("key.serializer", StringSerializer.class.getName());
        p.put("value.serializer", StringSerializer.class.getName());
        return new KafkaProducer<>(p);
    }

    static List<String> agentCommand(List<String> options, List<String> props) {
        List<String> command = Project.javaCommand(Project.testClasspath(), props);
        command.add("dev.drover.cli.DroverCli");
        command.addAll(options);
        command.add("agent");
        return command;
    }

    static void awaitFile(Path file, String text, long seconds) throws Exception {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < until) {
            if (Files.exists(file) && Files.readString(file).contains(text)) {
                return;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("no '" + text + "' in " + file + " within " + seconds + " s:\n" + (Files.exists(file) ? Files.readString(file) : ""));
    }

    private static List<String> concat(List<String> first, String... more) {
        List<String> all = new ArrayList<>(first);
        all.addAll(List.of(more));
        return all;
    }
}
