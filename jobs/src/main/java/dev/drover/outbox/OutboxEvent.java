package dev.drover.outbox;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/**
 * One consumer event waiting in the outbox. The id is deterministic (run, consumer, event
 * type), so writing the same event twice, or publishing it twice, is recognisable by id.
 * {@code payload} is the JSON the CloudEvent carries as its {@code data}.
 */
public record OutboxEvent(String eventId, String runId, String migration, String dataset, String consumer, String type,
                          String topic, String strategy, int wave, String deadline, String payload, Instant createdAt) {
    public static final String MIGRATED = "migrated";
    public static final String ROLLED_BACK = "rolled-back";

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

    public static String id(String runId, String consumer, String type) {
        return runId + ":" + consumer + ":" + type;
    }

    public boolean phased() {
        return strategy.equals("phased") && type.equals(MIGRATED);
    }
}
