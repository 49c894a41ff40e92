package dev.drover.notify;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;

/**
 * A real single-node Kafka broker (KRaft, no ZooKeeper) in a process of its own, listening on
 * 127.0.0.1 only: what {@code drover demo} starts when no bootstrap servers are configured, and
 * what the tests publish to. Its jars are resolved by Maven once (an embedded throwaway pom,
 * {@code mvn dependency:copy-dependencies}) into {@code ~/.cache/drover/kafka-<version>}, or the
 * folder named by {@code DROVER_KAFKA_HOME}.
 */
public final class LocalKafka extends dev.drover.local.LocalServer {
    public static final String VERSION = "4.1.1";

    private final int controllerPort;
    private final boolean autoCreateTopics;

    private LocalKafka(Path dir, int port, int controllerPort, boolean autoCreateTopics) {
        super(dir, port);
        this.controllerPort = controllerPort;
        this.autoCreateTopics = autoCreateTopics;
    }

    /** Formats a log folder under {@code dir} and starts the broker; returns once it answers. */
    public static LocalKafka start(Path dir, boolean autoCreateTopics) {
        try {
            Files.createDirectories(dir);
            LocalKafka kafka = new LocalKafka(dir.toAbsolutePath(), freePort(), freePort(), autoCreateTopics);
            kafka.writeProperties();
            kafka.run(List.of("kafka.tools.StorageTool", "format", "-t", Uuid.randomUuid().toString(), "-c",
                    kafka.properties().toString(), "--ignore-formatted"), dir.resolve("format.log"), true);
            kafka.launch();
            return kafka;
        } catch (IOException e) {
            throw new UncheckedIOException("could not start a local Kafka broker in " + dir, e);
        }
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    public void createTopics(int partitions, String... topics) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()))) {
            List<NewTopic> fresh = new ArrayList<>();
            for (String topic : topics) {
                fresh.add(new NewTopic(topic, partitions, (short) 1));
            }
            admin.createTopics(fresh).all().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("could not create topics " + List.of(topics) + " on " + bootstrapServers(), e);
        }
    }

    private Path properties() {
        return dir.resolve("server.properties");
    }

    private void writeProperties() throws IOException {
        Properties p = new Properties();
        p.setProperty("process.roles", "broker,controller");
        p.setProperty("node.id", "1");
        p.setProperty("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        p.setProperty("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
        p.setProperty("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
        p.setProperty("controller.listener.names", "CONTROLLER");
        p.setProperty("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.setProperty("log.dirs", dir.resolve("data").toString());
        p.setProperty("num.partitions", "3");
        p.setProperty("offsets.topic.replication.factor", "1");
        p.setProperty("offsets.topic.num.partitions", "3");
        p.setProperty("transaction.state.log.replication.factor", "1");
        p.setProperty("transaction.state.log.min.isr", "1");
        p.setProperty("group.initial.rebalance.delay.ms", "0");
        p.setProperty("auto.create.topics.enable", String.valueOf(autoCreateTopics));
        try (var out = Files.newOutputStream(properties())) {
            p.store(out, "drover local Kafka broker");
        }
    }

    @Override
    protected String name() {
        return "the local Kafka broker";
    }

    @Override
    protected Path log() {
        return dir.resolve("broker.log");
    }

    @Override
    protected long startSeconds() {
        return 90;
    }

    @Override
    protected List<String> command() throws IOException {
        List<String> command = new ArrayList<>(List.of(java(), "-Xms256m", "-Xmx512m"));
        command.addAll(SMALL_LOAD);
        command.addAll(List.of("-cp", jars().resolve("*").toString(), "kafka.Kafka", properties().toString()));
        return command;
    }

    @Override
    protected boolean answers() {
        if (!listening(port)) {
            return false;
        }
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5000, AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5000))) {
            admin.describeCluster().nodes().get(5, TimeUnit.SECONDS);
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    private Process run(List<String> args, Path log, boolean wait) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(java());
        command.addAll(SMALL_LOAD);
        command.add("-cp");
        command.add(jars().resolve("*").toString());
        command.addAll(args);
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        if (wait) {
            try {
                if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
                    throw new IllegalStateException(args.get(0) + " failed; see " + log);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        }
        return p;
    }

    /** The broker's jars, resolved by Maven on first use. */
    static Path jars() throws IOException {
        return dev.drover.local.ToolJars.resolve("kafka", VERSION, "kafka-broker-pom.xml", "DROVER_KAFKA_HOME");
    }
}
