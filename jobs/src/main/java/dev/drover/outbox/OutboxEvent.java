package dev.drover.outbox;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.drover.model.UpdateStrategy;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.List;

/**
 * One consumer event waiting in the outbox. The id is deterministic (run, consumer, event
 * type), so writing the same event twice, or publishing it twice, is recognisable by id.
 * {@code payload} is the JSON the CloudEvent carries as its {@code data}.
 */
public record OutboxEvent(String eventId, String runId, String migration, String dataset, String consumer, EventType type,
                          String topic, UpdateStrategy strategy, int wave, String deadline, String payload, Instant createdAt) {
    private static final ObjectMapper JSON = new ObjectMapper();

    public OutboxEvent {
        requireNonNull(eventId, "eventId is null");
        requireNonNull(runId, "runId is null");
        requireNonNull(consumer, "consumer is null");
        requireNonNull(type, "type is null");
        requireNonNull(topic, "topic is null");
        requireNonNull(strategy, "strategy is null");
        requireNonNull(payload, "payload is null");
        requireNonNull(createdAt, "createdAt is null");
        deadline = deadline == null ? "" : deadline;
    }

    public static String id(String runId, String consumer, EventType type) {
        return runId + ":" + consumer + ":" + type.label();
    }

    /** The id of the event of that run, consumer and type that goes through {@code channel}. */
    public static String id(String runId, String consumer, EventType type, Channel channel) {
        return id(runId, consumer, type) + channel.idSuffix();
    }

    /** The same event carrying another payload (the notifier adds what it learnt while delivering). */
    public OutboxEvent withPayload(String replacement) {
        return new OutboxEvent(eventId, runId, migration, dataset, consumer, type, topic, strategy, wave, deadline, replacement,
                createdAt);
    }

    /** Kafka, the consumer's endpoint or its repository, as the destination says. */
    public Channel channel() {
        return Channel.of(topic);
    }

    public boolean phased() {
        return strategy == UpdateStrategy.PHASED && type == EventType.MIGRATED;
    }

    /**
     * One rolled-back event per migrated event already delivered: same consumer, destination
     * (channel) and strategy. A repository's rolled-back event reverts the commit it was given.
     */
    public static List<OutboxEvent> rolledBack(List<OutboxEvent> told, long restoredVersion, String message, Instant now) {
        return told.stream().map(e -> {
            ObjectNode data;
            try {
                data = (ObjectNode) JSON.readTree(e.payload());
            } catch (IOException ex) {
                throw new UncheckedIOException("outbox payload of " + e.eventId() + " is not JSON", ex);
            }
            ObjectNode rolled = data.putObject("rolledBack");
            rolled.put("restoredVersion", restoredVersion);
            rolled.put("message", message);
            // what differs between consumers lives under "consumer"
            ((ObjectNode) data.path("consumer")).put("previousEventId", e.eventId());
            return new OutboxEvent(OutboxEvent.id(e.runId(), e.consumer(), EventType.ROLLED_BACK, e.channel()), e.runId(), e.migration(),
                    e.dataset(), e.consumer(), EventType.ROLLED_BACK, e.topic(), e.strategy(), e.wave(), e.deadline(),
                    data.toString(), now);
        }).toList();
    }
}
