package dev.drover.bench;

import dev.drover.api.Drover;
import dev.drover.config.DroverConfig;
import dev.drover.config.NotifySettings;
import dev.drover.demo.DemoData;
import dev.drover.model.MigrationResult;
import dev.drover.notify.LocalKafka;
import dev.drover.notify.Notifier;
import dev.drover.notify.NotifyResult;
import dev.drover.notify.Publisher;
import dev.drover.notify.Release;
import dev.drover.outbox.Delivery;
import dev.drover.outbox.Outbox;
import dev.drover.outbox.EventType;
import dev.drover.outbox.OutboxEvent;
import dev.drover.spark.Sessions;
import dev.drover.testing.TestFiles;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.spark.sql.SparkSession;

/**
 * Prints, from one run against a local single-node KRaft broker in its own process:
 * <ol>
 *   <li>events per second through Drover's publisher (CloudEvents, idempotent, acks=all, one
 *       delivery result per event) against a bare producer sending the same bytes;</li>
 *   <li>the time {@code drover notify} takes to tell the 1,800 consumers of one migration (read
 *       acks and ledger, release, publish, record every delivery), against a bare producer
 *       sending 1,800 such records, with a breakdown.</li>
 * </ol>
 * Usage: NotifyBenchmark EVENTS CONSUMERS ROUNDS WORKDIR
 */
public final class NotifyBenchmark {
    private static final String TOPIC = "drover.dataset-updates";

    private NotifyBenchmark() {}

    public static void main(String[] args) throws Exception {
        int events = Integer.parseInt(args[0]);
        int consumers = Integer.parseInt(args[1]);
        int rounds = Integer.parseInt(args[2]);
        Path work = Path.of(args[3]).toAbsolutePath();
        Path root = Path.of(System.getProperty("drover.root", ".")).toAbsolutePath().normalize();
        TestFiles.deleteTree(work);
        Files.createDirectories(work);

        try (LocalKafka kafka = LocalKafka.start(work.resolve("kafka"), false)) {
            kafka.createTopics(3, TOPIC, "bench.throughput", "bench.bare", "drover.dataset-acks");
            Path conf = work.resolve("conf");
            TestFiles.copyTree(root.resolve("conf"), conf);
            Files.delete(conf.resolve("catalog/consumers.yaml"));
            Files.writeString(conf.resolve("catalog/bench-consumers.yaml"), catalog(consumers));
            String warehouse = work.resolve("warehouse").toUri().toString().replaceAll("/$", "");
            List<String> overrides = new ArrayList<>(List.of("drover.warehouse=" + warehouse, "drover.progress=never",
                    "drover.notify.bootstrap-servers=" + kafka.bootstrapServers()));
            String extra = System.getProperty("bench.conf", "");   // -Dbench.conf=key=value,key=value
            if (!extra.isBlank()) {
                overrides.addAll(List.of(extra.split(",")));
            }
            DroverConfig config = Drover.config(conf, overrides);
            SparkSession spark = Sessions.create(config, null);
            PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
            DemoData.write(spark, warehouse, 10_000, 3, 0);
            Drover drover = Drover.open(spark, config, Drover.catalog(config), quiet);
            Notifier notifier = new Notifier(config, drover.ledger(), quiet);

            System.out.printf("local Kafka %s broker on %s; %,d consumers of users-v1%n", LocalKafka.VERSION,
                    kafka.bootstrapServers(), consumers);
            List<Double> notifyTimes = new ArrayList<>();
            List<Double> bareTimes = new ArrayList<>();
            String payload = null;
            for (int round = 0; round <= rounds; round++) {
                MigrationResult run = drover.migrate("users/V2").allowChangedSpec(true).execute();
                if (run.outcome() != MigrationResult.Outcome.SUCCEEDED) {
                    throw new IllegalStateException("benchmark migration did not succeed: " + run.message());
                }
                if (payload == null) {
                    payload = new Outbox(drover.ledger()).events(run.runId()).get(0).payload();
                }
                double bare = bareSend(kafka, "bench.bare", consumers, payload);
                NotifyResult told = notifier.run(false, false);
                if (told.delivered() != consumers) {
                    throw new IllegalStateException("expected " + consumers + " deliveries, got " + told.delivered());
                }
                String label = round == 0 ? "warm-up" : "round " + round;
                System.out.printf("%s: notify %,d consumers %.2f s (%s); bare producer %.2f s%n", label, consumers,
                        told.seconds(), phases(told), bare);
                if (round > 0) {
                    notifyTimes.add(told.seconds());
                    bareTimes.add(bare);
                }
                drover.rollback(run.runId(), true);
                NotifyResult rolled = notifier.run(false, false);
                System.out.printf("%s: rolled-back events to %,d consumers %.2f s%n", label, rolled.delivered(), rolled.seconds());
            }
            double notify = median(notifyTimes);
            double bare = median(bareTimes);
            System.out.printf("%nnotify %,d consumers of one migration: median %.2f s (target < 2 s) — %s%n", consumers, notify,
                    notify < 2 ? "met" : "MISSED");
            System.out.printf("bare producer, same %,d records: median %.2f s; ratio %.1f×%n", consumers, bare, notify / bare);

            // Throughput: Drover's publisher against a bare producer, same payload, same broker.
            NotifySettings settings = config.notifications();
            List<Release.Due> due = new ArrayList<>();
            Instant now = Instant.now();
            for (int i = 0; i < events; i++) {
                String consumer = "consumer-" + (i % consumers);
                due.add(new Release.Due(new OutboxEvent("bench-" + i + ":" + consumer + ":migrated", "bench-" + i, "users/V2",
                        "users-v1", consumer, EventType.MIGRATED, "bench.throughput", dev.drover.model.UpdateStrategy.IMMEDIATE, 0, "", payload, now), 1));
            }
            List<Double> drovers = new ArrayList<>();
            List<Double> bares = new ArrayList<>();
            for (int round = 0; round <= rounds; round++) {
                long start = System.nanoTime();
                List<Delivery> results;
                try (Publisher publisher = new Publisher(settings)) {
                    results = publisher.publish(due);
                }
                double seconds = (System.nanoTime() - start) / 1e9;
                long delivered = results.stream().filter(d -> d.status() == Delivery.Status.DELIVERED).count();
                if (delivered != events) {
                    throw new IllegalStateException("only " + delivered + " of " + events + " delivered");
                }
                double bareSeconds = bareSend(kafka, "bench.bare", events, payload);
                if (round > 0) {
                    drovers.add(seconds);
                    bares.add(bareSeconds);
                }
                System.out.printf("%s: publisher %,.0f events/s, bare producer %,.0f events/s%n", round == 0 ? "warm-up" : "round " + round,
                        events / seconds, events / bareSeconds);
            }
            double rate = events / median(drovers);
            double bareRate = events / median(bares);
            System.out.printf("%nevents per second to the local broker (%,d events of %,d bytes): median %,.0f/s (target ≥ 10,000/s) — %s%n",
                    events, payload.getBytes(StandardCharsets.UTF_8).length, rate, rate >= 10_000 ? "met" : "MISSED");
            System.out.printf("bare producer, same records: median %,.0f/s; Drover at %.2f× the bare rate%n", bareRate, rate / bareRate);
            spark.stop();
        }
    }

    /** A bare idempotent producer (acks=all, the same batching) sending n records of the payload's size; seconds. */
    private static double bareSend(LocalKafka kafka, String topic, int n, String payload) throws Exception {
        byte[] value = payload.getBytes(StandardCharsets.UTF_8);
        long start = System.nanoTime();
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of("bootstrap.servers", kafka.bootstrapServers(),
                "acks", "all", "enable.idempotence", true, "linger.ms", 5, "batch.size", 256 * 1024),
                new StringSerializer(), new ByteArraySerializer())) {
            List<Future<RecordMetadata>> sent = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                sent.add(producer.send(new ProducerRecord<>(topic, "consumer-" + i, value)));
            }
            producer.flush();
            for (Future<RecordMetadata> f : sent) {
                f.get();
            }
        }
        return (System.nanoTime() - start) / 1e9;
    }

    private static String catalog(int consumers) {
        StringBuilder yaml = new StringBuilder("# generated by NotifyBenchmark: immediate, dual-write and wave-1 phased consumers\n");
        for (int i = 0; i < consumers; i++) {
            String strategy = i % 6 == 4 ? "dual-write" : i % 6 == 5 ? "phased" : "immediate";
            yaml.append(i == 0 ? "" : "---\n").append("""
                    apiVersion: backstage.io/v1alpha1
                    kind: Component
                    metadata:
                      name: consumer-%d
                      annotations:
                        drover.dev/update-strategy: %s
                    %s
                    spec:
                      type: data-pipeline
                      lifecycle: production
                      owner: group:bench
                      dependsOn: [resource:default/users-v1]
                    """.formatted(i, strategy, switch (strategy) {
                        case "dual-write" -> "    drover.dev/dual-write-until: \"2027-06-30\"";
                        case "phased" -> "    drover.dev/rollout-wave: \"1\"";
                        default -> "    drover.dev/contact: \"#team-" + i + "\"";
                    }));
        }
        return yaml.toString();
    }

    private static String phases(NotifyResult r) {
        List<String> parts = new ArrayList<>();
        r.phases().forEach((k, v) -> parts.add(String.format("%s %.2f", k, v)));
        return String.join(", ", parts);
    }

    private static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        return sorted.get(sorted.size() / 2);
    }
}
