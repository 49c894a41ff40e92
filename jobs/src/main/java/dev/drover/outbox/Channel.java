package dev.drover.outbox;

import dev.drover.model.Labelled;

/**
 * How an outbox event reaches its consumer, read from its destination: a Kafka topic (as
 * events always went), the consumer's HTTP update endpoint (an {@code http://} or
 * {@code https://} URL), or its git repository ({@code git+} followed by the repository's
 * location), where the notifier pushes the rewritten queries on a branch of their own.
 * A Kafka topic cannot hold {@code :} or {@code /}, so the three never overlap.
 */
public enum Channel implements Labelled {
    KAFKA,
    ENDPOINT,
    REPOSITORY;

    private static final String REPOSITORY_PREFIX = "git+";

    public static Channel of(String destination) {
        if (destination.startsWith(REPOSITORY_PREFIX)) {
            return REPOSITORY;
        }
        if (destination.startsWith("http://") || destination.startsWith("https://")) {
            return ENDPOINT;
        }
        return KAFKA;
    }

    /** The destination of a repository event: the repository's location (a path or URL) marked as git. */
    public static String repository(String location) {
        return REPOSITORY_PREFIX + location;
    }

    /** The repository location a repository destination names. */
    public static String repositoryLocation(String destination) {
        if (!destination.startsWith(REPOSITORY_PREFIX)) {
            throw new IllegalArgumentException("not a repository destination: " + destination);
        }
        return destination.substring(REPOSITORY_PREFIX.length());
    }

    /** What the channel adds to an event id: nothing for Kafka (ids written before channels existed stay valid). */
    public String idSuffix() {
        return this == KAFKA ? "" : ":" + label();
    }
}
