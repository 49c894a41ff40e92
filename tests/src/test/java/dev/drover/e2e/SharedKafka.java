package dev.drover.e2e;

import dev.drover.notify.LocalKafka;
import dev.drover.testing.TestFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupListing;

/**
 * One real Kafka broker per test JVM (topic auto-creation off), for the tests that need a broker
 * but not one of their own: a broker's start costs about 8 s of CPU (its storage format and its
 * JVM), and a dozen tests started one each. {@link #fresh()} hands it over empty, as a new broker
 * would be: every topic of the tests before (and with it their committed offsets) is deleted and
 * every idle consumer group. Tests run one after another in a JVM, so a test has it to itself.
 *
 * <p>Tests that stop and restart their broker (an outage), need topic auto-creation, or run the
 * product's own demo start a broker of their own. The broker and its folder go with the JVM.
 */
final class SharedKafka {
    private static LocalKafka broker;

    private SharedKafka() {}

    /** The JVM's broker with no topics and no consumer groups; started on first use. */
    static synchronized LocalKafka fresh() {
        if (broker == null || !broker.running()) {
            try {
                Path dir = Files.createTempDirectory("drover-shared-kafka");
                LocalKafka started = LocalKafka.start(dir, false);
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    started.stop();
                    TestFiles.deleteTree(dir);
                }, "shared-kafka-stop"));
                broker = started;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return broker;
        }
        empty(broker);
        return broker;
    }

    private static void empty(LocalKafka kafka) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            Set<String> topics = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            if (!topics.isEmpty()) {
                admin.deleteTopics(topics).all().get(30, TimeUnit.SECONDS);
            }
            // a deleted topic's name is free again only once the controller has removed it
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!admin.listTopics().names().get(30, TimeUnit.SECONDS).isEmpty()) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("topics not deleted on " + kafka.bootstrapServers() + " within 30 s");
                }
                Thread.sleep(50);
            }
            for (ConsumerGroupListing group : admin.listConsumerGroups().all().get(30, TimeUnit.SECONDS)) {
                try {
                    admin.deleteConsumerGroups(Set.of(group.groupId())).all().get(30, TimeUnit.SECONDS);
                } catch (java.util.concurrent.ExecutionException stillActive) {
                    // a member of a killed process is still in its session: the group's offsets went with the topics
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (Exception e) {
            throw new IllegalStateException("could not empty the shared Kafka broker on " + kafka.bootstrapServers(), e);
        }
    }
}
