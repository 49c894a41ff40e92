package dev.drover.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.drover.agent.AgentRequest;
import dev.drover.e2e.FleetFixture;
import dev.drover.notify.LocalKafka;
import dev.drover.testing.SharedSpark;
import dev.drover.testing.TestFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The agent, measured in one run on this machine against a real broker and a real agent process:
 * the time from request to succeeded reply for one small migration (the agent's session warm)
 * against one {@code drover migrate} process of the same, and the requests per minute the agent
 * sustains for N small migrations put on the queue at once.
 * {@code tests/bench/agent [N=40] [ROWS=10000] [PARALLEL=4]}.
 */
public final class AgentBenchmark {
    private static final ObjectMapper JSON = new ObjectMapper();

    private AgentBenchmark() {}

    public static void main(String[] args) throws Exception {
        Path root = Path.of(System.getProperty("drover.root", ".")).toAbsolutePath().normalize();
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 40;
        long rows = args.length > 1 ? Long.parseLong(args[1]) : 10_000;
        int parallel = args.length > 2 ? Integer.parseInt(args[2]) : 4;
        Path dir = root.resolve("tests/target/bench-agent");
        TestFiles.deleteTree(dir);
        FleetFixture fleet = FleetFixture.create(dir, SharedSpark.session(), n + 3, i -> rows, Set.of(), false);
        System.out.printf("generated %d datasets of %,d rows%n", n + 3, rows);

        // one drover migrate process, as without the agent
        List<String> migrate = new ArrayList<>(List.of("dev.drover.cli.DroverCli"));
        migrate.addAll(fleet.options());
        migrate.addAll(List.of("migrate", FleetFixture.id(n + 3)));
        double process = MigrationBenchmark.process(root, migrate).seconds();

        try (LocalKafka kafka = LocalKafka.start(dir.resolve("kafka"), false)) {
            List<String> command = MigrationBenchmark.javaCommand(root);
            command.add("dev.drover.cli.DroverCli");
            command.addAll(fleet.options());
            command.addAll(List.of("--conf", "drover.notify.bootstrap-servers=" + kafka.bootstrapServers(), "--conf",
                    "drover.wave.parallel=" + parallel, "--conf", "drover.agent.poll-interval=100ms", "agent"));
            Path log = dir.resolve("agent.out");
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
            builder.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
            long starting = System.nanoTime();
            Process agent = builder.start();
            try {
                awaitLine(log, "agent: taking requests", 300);
                System.out.printf("agent up in %.1f s%n", (System.nanoTime() - starting) / 1e9);
                try (Replies replies = new Replies(kafka); KafkaProducer<String, String> producer = producer(kafka)) {
                    double first = replies.timeOne(producer, FleetFixture.id(n + 1));
                    double warm = replies.timeOne(producer, FleetFixture.id(n + 2));
                    long burst = System.nanoTime();
                    List<String> ids = new ArrayList<>();
                    for (int i = 1; i <= n; i++) {
                        ids.add(replies.send(producer, FleetFixture.id(i)));
                    }
                    replies.awaitAll(ids, 3600);
                    double seconds = (System.nanoTime() - burst) / 1e9;
                    System.out.printf("request → succeeded reply, one small migration (%,d rows): first %.1f s, warm %.1f s; one drover migrate process: %.1f s (%.1fx)%n",
                            rows, first, warm, process, process / warm);
                    System.out.printf("%d requests put at once, %d at a time: all succeeded in %.1f s: %.1f requests per minute (%.2f s each)%n",
                            n, parallel, seconds, n / seconds * 60, seconds / n);
                }
            } finally {
                agent.destroy();
                if (!agent.waitFor(120, TimeUnit.SECONDS)) {
                    agent.destroyForcibly();
                }
            }
        }
    }

    private static void awaitLine(Path log, String text, int seconds) throws Exception {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < until) {
            if (Files.exists(log) && Files.readString(log).contains(text)) {
                return;
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("the agent did not start: " + (Files.exists(log) ? Files.readString(log) : ""));
    }

    private static KafkaProducer<String, String> producer(LocalKafka kafka) {
        Properties p = new Properties();
        p.put("bootstrap.servers", kafka.bootstrapServers());
        p.put("key.serializer", StringSerializer.class.getName());
        p.put("value.serializer", StringSerializer.class.getName());
        p.put("acks", "all");
        return new KafkaProducer<>(p);
    }

    /** The replies topic, read from its end as it was when this began; ends by request id. */
    private static final class Replies implements AutoCloseable {
        private final KafkaConsumer<String, String> consumer;
        private final Map<String, String> ended = new HashMap<>();

        Replies(LocalKafka kafka) {
            Properties p = new Properties();
            p.put("bootstrap.servers", kafka.bootstrapServers());
            p.put("key.deserializer", StringDeserializer.class.getName());
            p.put("value.deserializer", StringDeserializer.class.getName());
            consumer = new KafkaConsumer<>(p);
            List<TopicPartition> all = consumer.partitionsFor("drover.replies").stream()
                    .map(i -> new TopicPartition(i.topic(), i.partition())).toList();
            consumer.assign(all);
            consumer.seekToEnd(all);
            all.forEach(consumer::position);
        }

        String send(KafkaProducer<String, String> producer, String migration) throws Exception {
            String text = AgentRequest.create(AgentRequest.Kind.MIGRATE, null, "bench", "bench", Map.of("migration", migration), Map.of());
            String id = JSON.readTree(text).path("id").asText();
            producer.send(new ProducerRecord<>("drover.requests", id, text)).get(30, TimeUnit.SECONDS);
            return id;
        }

        double timeOne(KafkaProducer<String, String> producer, String migration) throws Exception {
            long start = System.nanoTime();
            awaitAll(List.of(send(producer, migration)), 600);
            return (System.nanoTime() - start) / 1e9;
        }

        void awaitAll(List<String> ids, int seconds) throws Exception {
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            while (!ended.keySet().containsAll(ids)) {
                if (System.nanoTime() > until) {
                    throw new IllegalStateException("replies missing after " + seconds + " s");
                }
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(100))) {
                    JsonNode data = JSON.readTree(r.value()).path("data");
                    String status = data.path("status").asText();
                    if (!status.equals("accepted") && !status.equals("started")) {
                        if (!status.equals("succeeded")) {
                            throw new IllegalStateException("request " + r.key() + " " + status + ": " + data.path("message").asText());
                        }
                        ended.put(r.key(), status);
                    }
                }
            }
        }

        @Override
        public void close() {
            consumer.close();
        }
    }
}
