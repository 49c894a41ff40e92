package dev.drover.catalog;

import static java.util.Objects.requireNonNull;

import dev.drover.model.UpdateStrategy;
import java.util.List;
import java.util.Optional;

/** A catalog {@code kind: Component} that depends on one or more datasets. */
public record ConsumerEntity(String name, String file, String owner, List<String> datasets, UpdateStrategy strategy,
                             int wave, Optional<String> dualWriteUntil, Optional<String> topic,
                             Optional<String> contact, ConsumerCode code) {
    public ConsumerEntity {
        requireNonNull(name, "name is null");
        requireNonNull(file, "file is null");
        requireNonNull(owner, "owner is null");
        datasets = List.copyOf(requireNonNull(datasets, "datasets is null"));
        requireNonNull(strategy, "strategy is null");
        requireNonNull(dualWriteUntil, "dualWriteUntil is null");
        requireNonNull(topic, "topic is null");
        requireNonNull(contact, "contact is null");
        requireNonNull(code, "code is null");
    }

    /**
     * Where this consumer is told about its datasets: its update endpoint when it names one
     * (instead of Kafka, unless it also names its own {@code drover.dev/topic}), else Kafka (its
     * topic, or {@code defaultTopic}).
     */
    public List<String> destinations(String defaultTopic) {
        List<String> out = new java.util.ArrayList<>();
        if (code.endpoint().isEmpty() || topic.isPresent()) {
            out.add(topic.orElse(defaultTopic));
        }
        code.endpoint().ifPresent(u -> out.add(u.toString()));
        return out;
    }

    public ConsumerEntity(String name, String file, String owner, List<String> datasets, UpdateStrategy strategy, int wave,
                          Optional<String> dualWriteUntil, Optional<String> topic, Optional<String> contact) {
        this(name, file, owner, datasets, strategy, wave, dualWriteUntil, topic, contact, ConsumerCode.NONE);
    }
}
