package dev.drover.wave;

import static java.util.Objects.requireNonNull;

import dev.drover.catalog.Catalog;
import dev.drover.catalog.DatasetEntity;
import dev.drover.error.InputError;
import dev.drover.spec.MigrationSpec;
import dev.drover.spec.Specs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Which migrations a wave considers: all of the conf folder, or those matching every kind of
 * filter given (any value within a kind): {@code --dataset} (the migration's source or target),
 * {@code --owner} (the target's owner, with or without its {@code group:} kind), {@code --tag}
 * (a tag of the target in the catalog, or a label as {@code key=value}), {@code --list} (a file
 * of migration ids, one per line, {@code #} for comments), {@code --version} (the spec's version
 * number: the migrations to that version of their dataset).
 */
public record WaveSelection(List<String> datasets, List<String> owners, List<String> tags, Optional<Path> list,
                            List<Integer> versions) {
    public static final WaveSelection ALL = new WaveSelection(List.of(), List.of(), List.of(), Optional.empty());

    public WaveSelection {
        datasets = List.copyOf(requireNonNull(datasets, "datasets is null"));
        owners = List.copyOf(requireNonNull(owners, "owners is null"));
        tags = List.copyOf(requireNonNull(tags, "tags is null"));
        requireNonNull(list, "list is null");
        versions = List.copyOf(requireNonNull(versions, "versions is null"));
    }

    public WaveSelection(List<String> datasets, List<String> owners, List<String> tags, Optional<Path> list) {
        this(datasets, owners, tags, list, List.of());
    }

    /** The selection as one line, the same for the same command: how a resumed wave finds the one it resumes. */
    public String key() {
        List<String> parts = new ArrayList<>();
        if (!datasets.isEmpty()) {
            parts.add("dataset=" + String.join(",", datasets.stream().sorted().toList()));
        }
        if (!owners.isEmpty()) {
            parts.add("owner=" + String.join(",", owners.stream().sorted().toList()));
        }
        if (!tags.isEmpty()) {
            parts.add("tag=" + String.join(",", tags.stream().sorted().toList()));
        }
        list.ifPresent(p -> parts.add("list=" + p.toAbsolutePath().normalize()));
        if (!versions.isEmpty()) {
            parts.add("version=" + String.join(",", versions.stream().sorted().map(String::valueOf).toList()));
        }
        return parts.isEmpty() ? "all" : String.join(" ", parts);
    }

    /** The migrations selected, by id; a filter naming nothing the catalog knows is bad input. */
    public List<MigrationSpec> select(Specs specs, Catalog catalog) {
        for (String dataset : datasets) {
            if (catalog.dataset(dataset).isEmpty()) {
                throw new InputError("", "--dataset", "unknown dataset '" + dataset + "'; the catalog has "
                        + catalog.datasets().keySet().stream().sorted().toList());
            }
        }
        Set<String> listed = list.map(p -> listed(p, specs)).orElse(null);
        List<MigrationSpec> selected = new ArrayList<>();
        for (MigrationSpec spec : specs.all()) {
            DatasetEntity target = catalog.dataset(spec.target()).orElseThrow();
            boolean matches = (datasets.isEmpty() || datasets.contains(spec.source()) || datasets.contains(spec.target()))
                    && (owners.isEmpty() || owners.stream().anyMatch(o -> ownedBy(target, o)))
                    && (tags.isEmpty() || tags.stream().anyMatch(t -> tagged(target, t)))
                    && (listed == null || listed.contains(spec.id()))
                    && (versions.isEmpty() || versions.contains(spec.version()));
            if (matches) {
                selected.add(spec);
            }
        }
        selected.sort(java.util.Comparator.comparing(MigrationSpec::family).thenComparingInt(MigrationSpec::version));
        return selected;
    }

    private static boolean ownedBy(DatasetEntity dataset, String owner) {
        String bare = dataset.owner().contains(":") ? dataset.owner().substring(dataset.owner().indexOf(':') + 1) : dataset.owner();
        return dataset.owner().equals(owner) || bare.equals(owner);
    }

    private static boolean tagged(DatasetEntity dataset, String tag) {
        int eq = tag.indexOf('=');
        if (eq > 0) {
            return tag.substring(eq + 1).equals(dataset.labels().get(tag.substring(0, eq)));
        }
        return dataset.tags().contains(tag);
    }

    /** The ids a list file names, each checked against the specs. */
    private static Set<String> listed(Path file, Specs specs) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file);
        } catch (IOException e) {
            throw new InputError(file.toString(), "--list", "cannot read the list of migrations: " + e.getMessage());
        }
        Set<String> ids = new LinkedHashSet<>();
        Map<String, MigrationSpec> byId = specs.byId();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).replaceAll("#.*", "").trim();
            if (line.isEmpty()) {
                continue;
            }
            if (!byId.containsKey(line)) {
                throw new InputError(file.toString(), "line " + (i + 1), "no migration '" + line + "'; expected an id such as "
                        + byId.keySet().stream().findFirst().orElse("users/V2") + " (the conf folder has " + byId.size() + ")");
            }
            ids.add(line);
        }
        return ids;
    }
}
