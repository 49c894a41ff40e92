package dev.drover.catalog;

import static java.util.Objects.requireNonNull;

import dev.drover.model.UpdateStrategy;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Datasets, consumers and migration templates, by name. */
public record Catalog(Map<String, DatasetEntity> datasets, Map<String, ConsumerEntity> consumers,
                      Map<String, MigrationTemplate> templates) {
    public Catalog {
        datasets = Map.copyOf(requireNonNull(datasets, "datasets is null"));
        consumers = Map.copyOf(requireNonNull(consumers, "consumers is null"));
        templates = Map.copyOf(requireNonNull(templates, "templates is null"));
    }

    public static Catalog empty() {
        return new Catalog(Map.of(), Map.of(), Map.of());
    }

    public Optional<ConsumerEntity> consumer(String name) {
        return Optional.ofNullable(consumers.get(name));
    }

    public Optional<DatasetEntity> dataset(String name) {
        return Optional.ofNullable(datasets.get(name));
    }

    /** Consumers of a dataset, by reverse dependency (as Backstage lineage finds them). */
    public List<ConsumerEntity> consumersOf(String dataset) {
        return consumers.values().stream()
                .filter(c -> c.datasets().contains(dataset))
                .sorted(Comparator.comparingInt(ConsumerEntity::wave).thenComparing(ConsumerEntity::name))
                .toList();
    }

    /** Consumers of a dataset that asked to have old and new versions both maintained for a while. */
    public List<ConsumerEntity> dualWriteConsumersOf(String dataset) {
        return consumersOf(dataset).stream().filter(c -> c.strategy() == UpdateStrategy.DUAL_WRITE).toList();
    }
}
