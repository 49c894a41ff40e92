package dev.drover.config;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The {@code drover.notify} block: where consumer events go and how they are delivered. Kafka
 * client settings pass through as they are; the values of secret ones never leave this object
 * except to the Kafka client ({@link #redact(String)} removes them from any text).
 */
public record NotifySettings(String bootstrapServers, String topic, String ackTopic, String eventTypePrefix,
                             Duration deadline, Duration phasedInterval, String readMoreUrl,
                             Duration deliveryTimeout, Duration retryBackoff, Duration maxBlock,
                             Map<String, String> kafka) {
    /** Settings Drover sets itself; a user value for them would break delivery guarantees. */
    public static final Set<String> OWNED = Set.of("bootstrap.servers", "acks", "enable.idempotence",
            "key.serializer", "value.serializer", "key.deserializer", "value.deserializer");
    private static final Pattern SECRET_KEY = Pattern.compile("password|secret|jaas|token|credential", Pattern.CASE_INSENSITIVE);

    public NotifySettings {
        requireNonNull(bootstrapServers, "bootstrapServers is null");
        requireNonNull(topic, "topic is null");
        requireNonNull(ackTopic, "ackTopic is null");
        requireNonNull(eventTypePrefix, "eventTypePrefix is null");
        requireNonNull(deadline, "deadline is null");
        requireNonNull(phasedInterval, "phasedInterval is null");
        requireNonNull(readMoreUrl, "readMoreUrl is null");
        requireNonNull(deliveryTimeout, "deliveryTimeout is null");
        requireNonNull(retryBackoff, "retryBackoff is null");
        requireNonNull(maxBlock, "maxBlock is null");
        kafka = Map.copyOf(requireNonNull(kafka, "kafka is null"));
    }

    public boolean configured() {
        return !bootstrapServers.isBlank();
    }

    public NotifySettings withBootstrapServers(String servers) {
        return new NotifySettings(servers, topic, ackTopic, eventTypePrefix, deadline, phasedInterval, readMoreUrl,
                deliveryTimeout, retryBackoff, maxBlock, kafka);
    }

    public String eventType(String kind) {
        return eventTypePrefix + "." + kind;
    }

    /** A legal Kafka topic name: 1–249 letters, digits, '.', '_' or '-'. */
    public static boolean validTopic(String topic) {
        return topic != null && topic.matches("[A-Za-z0-9._-]{1,249}");
    }

    public static boolean secret(String key) {
        return SECRET_KEY.matcher(key).find();
    }

    /** The text with every secret setting's value (and a JAAS password in it) replaced by ***. */
    public String redact(String text) {
        if (text == null) {
            return null;
        }
        String out = text;
        for (Map.Entry<String, String> e : kafka.entrySet()) {
            if (secret(e.getKey()) && !e.getValue().isEmpty()) {
                out = out.replace(e.getValue(), "***");
            }
        }
        return out.replaceAll("(?i)(password\\s*=\\s*)(\"[^\"]*\"|\\S+)", "$1***");
    }

    /** The Kafka settings for display: secrets shown as ***. */
    public Map<String, String> kafkaForDisplay() {
        java.util.Map<String, String> shown = new java.util.TreeMap<>();
        kafka.forEach((k, v) -> shown.put(k, secret(k) ? "***" : v));
        return shown;
    }

    static String checkKafkaKey(String key) {
        String k = key.toLowerCase(Locale.ROOT);
        return OWNED.contains(k) ? k : null;
    }
}
