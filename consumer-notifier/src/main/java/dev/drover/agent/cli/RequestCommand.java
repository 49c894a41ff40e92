package dev.drover.agent.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.drover.agent.AgentRequest;
import dev.drover.agent.Replies;
import dev.drover.cli.DroverCli;
import dev.drover.cli.ExitCode;
import dev.drover.cli.ExtraCommand;
import dev.drover.common.Hosts;
import dev.drover.common.Messages;
import dev.drover.config.AgentSettings;
import dev.drover.config.NotifySettings;
import dev.drover.error.InputError;
import dev.drover.model.Labelled;
import dev.drover.model.RequestStatus;
import dev.drover.notify.Notifier;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "request", mixinStandardHelpOptions = true,
        description = {"Puts a request on the agent's queue (drover.agent.requests-topic): migrate MIGRATION, wave (with",
                "--dataset/--owner/--tag), rollback RUN_ID, validate RUN_ID, sync MIGRATION (or every open window, or those",
                "--dataset/--owner/--tag select) or retire MIGRATION. With --wait, follows the agent's replies to",
                "the end and exits as the command itself would: 0 succeeded, 1 failed its checks (rolled back), 2 refused",
                "(bad request), 3 held by another run; 1 also when --timeout passes first.",
                "Parameters: target-version=N, batching.max-rows=N, allow-changed-spec=true (migrate, wave); force=true (rollback,",
                "retire); verify=true (sync)."})
public final class RequestCommand implements Callable<Integer>, ExtraCommand {
    private static final ObjectMapper JSON = new ObjectMapper();

    @picocli.CommandLine.ParentCommand
    DroverCli root;

    @Parameters(index = "0", paramLabel = "KIND", description = "migrate, wave, rollback, validate, sync or retire.")
    String kind;

    @Parameters(index = "1", arity = "0..1", paramLabel = "TARGET", description = "The migration (migrate, sync, retire) or run id (rollback, validate).")
    String target;

    @Option(names = "--param", paramLabel = "KEY=VALUE", description = "A request parameter (repeatable).")
    List<String> params = new ArrayList<>();

    @Option(names = "--dataset", split = ",", paramLabel = "NAME", description = "wave: migrations of this dataset; migrate: the dataset to move to --param target-version.")
    List<String> datasets = new ArrayList<>();

    @Option(names = "--owner", split = ",", paramLabel = "OWNER", description = "wave: migrations whose target this owner owns.")
    List<String> owners = new ArrayList<>();

    @Option(names = "--tag", split = ",", paramLabel = "TAG", description = "wave: migrations whose target has this tag or key=value label.")
    List<String> tags = new ArrayList<>();

    @Option(names = "--id", paramLabel = "ID", description = "The request's id (default: a new UUID). The same id runs once.")
    String id;

    @Option(names = "--requester", paramLabel = "WHO", description = "Who asks (default: user@host).")
    String requester;

    @Option(names = "--wait", description = "Follow the replies until the request ends; exit with its exit code.")
    boolean wait;

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "1h", description = "How long --wait waits (default: ${DEFAULT-VALUE}).")
    String timeout;

    @Option(names = "--json", description = "Print the replies as JSON lines (the CloudEvents as received).")
    boolean json;

    @Override
    public Integer call() throws Exception {
        var config = root.config();
        String text = request();
        AgentRequest request = AgentRequest.parse(text, "drover request");   // the agent's own checks of the fields' shapes
        Duration limit = AgentCommand.duration(timeout);
        Notifier.requireConfigured(config);
        NotifySettings kafka = config.notifications();
        AgentSettings agent = config.agent();
        try (KafkaConsumer<String, String> replies = wait ? new KafkaConsumer<>(Replies.consumer(kafka, null, "drover-request")) : null;
             KafkaProducer<String, String> producer = new KafkaProducer<>(Replies.producer(kafka, "drover-request"))) {
            if (replies != null) {
                // from the end as it is now: the replies to this request all come after. A replies topic
                // that does not exist yet (no agent has started) is looked for again while following.
                List<TopicPartition> partitions = replyPartitions(replies, agent.repliesTopic(), kafka.maxBlock());
                if (!partitions.isEmpty()) {
                    replies.assign(partitions);
                    replies.seekToEnd(partitions);
                    partitions.forEach(replies::position);
                }
            }
            RecordMetadata sent;
            try {
                sent = producer.send(new ProducerRecord<>(agent.requestsTopic(), request.id(), text))
                        .get(kafka.deliveryTimeout().toMillis() + 5_000, TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException | KafkaException e) {
                throw unreachable(kafka, "the request could not be put on " + agent.requestsTopic(), e.getCause() == null ? e : e.getCause());
            }
            if (!json) {
                root.out().printf("request %s: %s %s put on %s (partition %d, offset %d)%n", request.id(), request.kind().label(),
                        request.named(), sent.topic(), sent.partition(), sent.offset());
            }
            if (replies == null) {
                return ExitCode.OK.code();
            }
            return follow(replies, request.id(), limit);
        }
    }

    /**
     * A broker that does not answer, as one line: a metadata timeout is what Kafka says both for
     * an address where no broker listens and for a topic that does not exist.
     */
    private static InputError unreachable(NotifySettings kafka, String what, Throwable cause) {
        String why = cause instanceof org.apache.kafka.common.errors.TimeoutException || cause instanceof java.util.concurrent.TimeoutException
                ? "no broker answered within " + kafka.maxBlock().toSeconds() + " s, or the topic does not exist (the agent makes it when it starts)"
                : kafka.redact(Messages.firstLine(String.valueOf(cause)));
        return new InputError("", "drover.notify.bootstrap-servers", what + " at " + kafka.bootstrapServers() + ": " + why);
    }

    /** The replies topic's partitions; none when it does not exist (yet) or its metadata did not come in time. */
    private static List<TopicPartition> replyPartitions(KafkaConsumer<String, String> replies, String topic, Duration wait) {
        List<TopicPartition> partitions = new ArrayList<>();
        try {
            List<PartitionInfo> infos = replies.partitionsFor(topic, wait);
            if (infos != null) {
                infos.forEach(p -> partitions.add(new TopicPartition(p.topic(), p.partition())));
            }
        } catch (KafkaException e) {
            // not there yet, or the broker is away: sending the request says which, in one line
        }
        return partitions;
    }

    /**
     * The replies to {@code requestId} until an end one; its exit code. While the replies topic
     * does not exist, it is looked for every half second; once it appears it is read from its
     * start (it was made after the request was sent, so every reply on it is newer).
     */
    private int follow(KafkaConsumer<String, String> replies, String requestId, Duration limit) throws Exception {
        long until = System.nanoTime() + limit.toNanos();
        String topic = root.config().agent().repliesTopic();
        while (System.nanoTime() < until) {
            if (replies.assignment().isEmpty()) {
                List<TopicPartition> partitions = replyPartitions(replies, topic, Duration.ofMillis(500));
                if (partitions.isEmpty()) {
                    Thread.sleep(Math.max(0, Math.min(500, (until - System.nanoTime()) / 1_000_000)));
                    continue;
                }
                replies.assign(partitions);
                replies.seekToBeginning(partitions);
            }
            for (ConsumerRecord<String, String> r : replies.poll(Duration.ofMillis(500))) {
                if (!requestId.equals(r.key())) {
                    continue;
                }
                JsonNode reply = JSON.readTree(r.value());
                JsonNode data = reply.path("data");
                String status = data.path("status").asText();
                // a status this version does not know (a newer agent's) is taken for an end
                if (json) {
                    root.out().println(reply);
                } else {
                    root.out().printf("request %s: %s%s%s%n", requestId, status,
                            data.path("runId").isTextual() ? " (run " + data.path("runId").asText() + ")" : "",
                            data.path("message").asText().isEmpty() ? "" : ": " + data.path("message").asText());
                }
                if (Labelled.find(RequestStatus.class, status).map(RequestStatus::ended).orElse(true)) {
                    return data.path("exitCode").asInt(1);
                }
            }
        }
        System.err.printf("drover: request %s: no end reply within %s; it stays on the queue for the agent%n", requestId, timeout);
        return ExitCode.CHECKS_FAILED.code();
    }

    private Map<String, Object> selection() {
        Map<String, Object> selection = new LinkedHashMap<>();
        selection.put("dataset", datasets);
        selection.put("owner", owners);
        selection.put("tag", tags);
        return selection;
    }

    private String request() {
        AgentRequest.Kind k = switch (kind) {
            case "migrate" -> AgentRequest.Kind.MIGRATE;
            case "wave" -> AgentRequest.Kind.WAVE;
            case "rollback" -> AgentRequest.Kind.ROLLBACK;
            case "validate" -> AgentRequest.Kind.VALIDATE;
            case "sync" -> AgentRequest.Kind.SYNC;
            case "retire" -> AgentRequest.Kind.RETIRE;
            default -> throw new InputError("", "KIND", "expected migrate, wave, rollback, validate, sync or retire, got '" + kind + "'");
        };
        Map<String, Object> fields = new LinkedHashMap<>();
        switch (k) {
            case MIGRATE -> {
                if (target != null) {
                    fields.put("migration", target);
                } else if (datasets.size() == 1) {
                    fields.put("dataset", datasets.get(0));
                } else {
                    throw new InputError("", "TARGET", "expected the migration to run (users/V2), or one --dataset with --param target-version=N");
                }
            }
            case WAVE -> {
                if (target != null) {
                    throw new InputError("", "TARGET", "a wave takes no target; select with --dataset, --owner or --tag");
                }
                fields.put("selection", selection());
            }
            case SYNC -> {
                if (target != null) {
                    fields.put("migration", target);
                } else {
                    fields.put("selection", selection());
                }
            }
            case RETIRE -> fields.put("migration", Optional.ofNullable(target).orElseThrow(() ->
                    new InputError("", "TARGET", "expected the migration whose window to retire (users/V2)")));
            case ROLLBACK, VALIDATE -> fields.put("run", Optional.ofNullable(target).orElseThrow(() ->
                    new InputError("", "TARGET", "expected the run id to " + kind)));
        }
        Map<String, Object> values = new LinkedHashMap<>();
        for (String p : params) {
            int eq = p.indexOf('=');
            if (eq <= 0) {
                throw new InputError("", "--param", "expected KEY=VALUE, got '" + p + "'");
            }
            String value = p.substring(eq + 1).trim();
            values.put(p.substring(0, eq).trim(), value.matches("-?[0-9]{1,18}") ? (Object) Long.parseLong(value)
                    : value.equals("true") || value.equals("false") ? (Object) Boolean.parseBoolean(value) : value);
        }
        String who = requester != null ? requester : System.getProperty("user.name", "someone") + "@" + Hosts.name();
        return AgentRequest.create(k, id, "drover-cli", who, fields, values);
    }
}
