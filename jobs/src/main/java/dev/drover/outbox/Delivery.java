package dev.drover.outbox;

import static java.util.Objects.requireNonNull;

import dev.drover.model.Labelled;
import java.time.Instant;

/** One attempt to deliver an outbox event, or its cancellation; the latest per event is its state. */
public record Delivery(String eventId, String runId, String consumer, Status status, int attempt, String topic,
                       int partition, long offset, String error, Instant at) {
    public enum Status implements Labelled {
        /** In the outbox, never attempted. */
        PENDING,
        /** The broker confirmed it (acks=all). */
        DELIVERED,
        /** The send failed; kept for {@code --retry-failed}. */
        FAILED,
        /** Sent, but no confirmation arrived in time; kept for {@code --retry-failed}. */
        UNCONFIRMED,
        /** Never to be sent: its run was rolled back before this consumer was told. */
        CANCELLED;

        public static Status parse(String text) {
            return Labelled.parse(Status.class, text);
        }

        public boolean retryable() {
            return this == FAILED || this == UNCONFIRMED;
        }
    }

    public Delivery {
        requireNonNull(eventId, "eventId is null");
        requireNonNull(status, "status is null");
        requireNonNull(at, "at is null");
        error = error == null ? "" : error;
        topic = topic == null ? "" : topic;
    }

    public static Delivery cancelled(OutboxEvent e, String why) {
        return new Delivery(e.eventId(), e.runId(), e.consumer(), Status.CANCELLED, 0, e.topic(), -1, -1, why, Instant.now());
    }
}
