package dev.drover.impact;

import static java.util.Objects.requireNonNull;

import java.util.Map;

/**
 * One query a consumer declared: its name (the file's path in the repository, or the inline
 * query's name), its text, and values for its template parameters when the consumer gave some.
 */
public record ConsumerQuery(String consumer, String name, String text, Map<String, String> parameters) {
    public ConsumerQuery {
        requireNonNull(consumer, "consumer is null");
        requireNonNull(name, "name is null");
        requireNonNull(text, "text is null");
        parameters = Map.copyOf(requireNonNull(parameters, "parameters is null"));
    }
}
