package dev.drover.wave;

import static java.util.Objects.requireNonNull;

import dev.drover.error.SpecError;
import dev.drover.spec.MigrationSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The migrations of a wave in an order they can run in: a migration that reads (as its source or
 * a lookup) another's target waits for it, and migrations writing the same dataset run one after the other (by
 * family and version); all others may run at once. Waiting in a circle is bad input.
 */
public record WavePlan(List<Item> items) {
    /** A migration and the ids of the migrations of this wave it waits for. */
    public record Item(MigrationSpec spec, List<String> after) {
        public Item {
            requireNonNull(spec, "spec is null");
            after = List.copyOf(requireNonNull(after, "after is null"));
        }

        public String id() {
            return spec.id();
        }
    }

    public WavePlan {
        items = List.copyOf(requireNonNull(items, "items is null"));
    }

    /** Orders {@code specs} (given by family and version) so every migration comes after those it waits for. */
    public static WavePlan of(List<MigrationSpec> specs) {
        Map<String, Set<String>> after = new LinkedHashMap<>();
        for (MigrationSpec spec : specs) {
            Set<String> waits = new LinkedHashSet<>();
            for (MigrationSpec other : specs) {
                if (other == spec) {
                    continue;
                }
                boolean mustWait = spec.target().equals(other.target())
                        ? specs.indexOf(other) < specs.indexOf(spec)
                        : reads(spec).contains(other.target());
                if (mustWait) {
                    waits.add(other.id());
                }
            }
            after.put(spec.id(), waits);
        }
        List<Item> ordered = new ArrayList<>();
        Set<String> placed = new LinkedHashSet<>();
        List<MigrationSpec> left = new ArrayList<>(specs);
        while (!left.isEmpty()) {
            MigrationSpec next = left.stream().filter(s -> placed.containsAll(after.get(s.id()))).findFirst().orElse(null);
            if (next == null) {
                MigrationSpec stuck = left.get(0);
                throw new SpecError(stuck.file().toString(), "source", stuck.id() + " and " + String.join(", ", after.get(stuck.id()))
                        + " wait for each other (each reads what another writes); a wave cannot order them");
            }
            left.remove(next);
            placed.add(next.id());
            ordered.add(new Item(next, List.copyOf(after.get(next.id()))));
        }
        return new WavePlan(ordered);
    }

    /** The datasets a migration reads: its source and its lookups. */
    static Set<String> reads(MigrationSpec spec) {
        Set<String> reads = new LinkedHashSet<>();
        reads.add(spec.source());
        spec.steps().forEach(step -> reads.addAll(step.lookups()));
        return reads;
    }

    public List<String> ids() {
        return items.stream().map(Item::id).toList();
    }
}
