package dev.drover.config;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * The {@code drover.agent} block: where {@code drover agent} takes migration requests from and
 * answers them, under which consumer group, and how it stops. Kafka connection settings are the
 * notifier's ({@code drover.notify.bootstrap-servers} and {@code drover.notify.kafka}).
 */
public record AgentSettings(String requestsTopic, String repliesTopic, String groupId, Duration pollInterval,
                            Duration drainTimeout, String replyTypePrefix) {
    public AgentSettings {
        requireNonNull(requestsTopic, "requestsTopic is null");
        requireNonNull(repliesTopic, "repliesTopic is null");
        requireNonNull(groupId, "groupId is null");
        requireNonNull(pollInterval, "pollInterval is null");
        requireNonNull(drainTimeout, "drainTimeout is null");
        requireNonNull(replyTypePrefix, "replyTypePrefix is null");
    }

    public String replyType(String status) {
        return replyTypePrefix + "." + status;
    }
}
