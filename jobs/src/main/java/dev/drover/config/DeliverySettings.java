package dev.drover.config;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * How the notifier delivers consumer updates beyond Kafka ({@code drover.notify.endpoint},
 * {@code drover.notify.repository}): an update endpoint is called with this timeout, a 5xx answer
 * or a timeout retried up to {@code endpointAttempts} attempts with the backoff doubling; a
 * consumer's rewritten queries are pushed on {@code branchPrefix + <family>-V<n>} by this author.
 */
public record DeliverySettings(Duration endpointTimeout, int endpointAttempts, Duration endpointBackoff, String branchPrefix,
                               String authorName, String authorEmail) {
    public static final DeliverySettings DEFAULTS = new DeliverySettings(Duration.ofSeconds(10), 4, Duration.ofSeconds(1),
            "drover/", "Drover", "drover@localhost");

    public DeliverySettings {
        requireNonNull(endpointTimeout, "endpointTimeout is null");
        requireNonNull(endpointBackoff, "endpointBackoff is null");
        requireNonNull(branchPrefix, "branchPrefix is null");
        requireNonNull(authorName, "authorName is null");
        requireNonNull(authorEmail, "authorEmail is null");
        if (endpointAttempts < 1) {
            throw new IllegalArgumentException("endpointAttempts must be at least 1");
        }
    }

    /** The branch a migration's rewrites go on: {@code users/V2} → {@code drover/users-V2}. */
    public String branch(String migrationId) {
        return branchPrefix + migrationId.replace('/', '-');
    }
}
