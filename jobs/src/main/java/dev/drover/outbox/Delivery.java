package dev.drover.outbox;

import static java.util.Objects.requireNonNull;

import dev.drover.model.Labelled;
import java.time.Instant;

/**
 * One attempt to deliver an outbox event, or its cancellation; the latest per event is its state.
 * {@code topic} is the destination (a Kafka topic, an endpoint URL or a repository, see
 * {@link Channel}); {@code detail} what the channel reports back: the endpoint's HTTP status
 * ({@code HTTP 202}) or the branch and commit pushed ({@code drover/users-V2@<commit id>}).
 */
public record Delivery(String eventId, String runId, String consumer, Status status, int attempt, String topic,
                       int partition, long offset, String error, Instant at, String detail) {
    public enum Status implements Labelled {
        /** In the outbox, never attempted. */
        PENDING,
        /** The broker confirmed it (acks=all), the endpoint answered 2xx, or the branch was pushed. */
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
        detail = detail == null ? "" : detail;
    }

    /** A delivery with nothing to report beyond where it went (Kafka: partition and offset). */
    public Delivery(String eventId, String runId, String consumer, Status status, int attempt, String topic,
                    int partition, long offset, String error, Instant at) {
        this(eventId, runId, consumer, status, attempt, topic, partition, offset, error, at, "");
    }

    /** The branch a repository delivery pushed, from its detail ({@code branch@commit}); empty otherwise. */
    public java.util.Optional<String> branch() {
        int at = detail.lastIndexOf('@');
        return Channel.of(topic) == Channel.REPOSITORY && at > 0 ? java.util.Optional.of(detail.substring(0, at)) : java.util.Optional.empty();
    }

    /** The commit a repository delivery pushed, from its detail; empty otherwise. */
    public java.util.Optional<String> commit() {
        int at = detail.lastIndexOf('@');
        return Channel.of(topic) == Channel.REPOSITORY && at > 0 ? java.util.Optional.of(detail.substring(at + 1)) : java.util.Optional.empty();
    }

    public static Delivery cancelled(OutboxEvent e, String why) {
        return new Delivery(e.eventId(), e.runId(), e.consumer(), Status.CANCELLED, 0, e.topic(), -1, -1, why, Instant.now());
    }
}
