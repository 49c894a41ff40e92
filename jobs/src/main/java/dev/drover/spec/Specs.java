package dev.drover.spec;

import static java.util.Objects.requireNonNull;

import dev.drover.error.SpecError;
import java.nio.file.Path;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Every migration spec of a conf folder, loaded and checked once per application; lookups by
 * id ({@code users/V2}), id with description, or path read from here, not from disk again.
 */
public final class Specs {
    private final Path migrationsDir;
    private final Map<String, MigrationSpec> byId;

    public Specs(Path migrationsDir, Map<String, MigrationSpec> byId) {
        this.migrationsDir = requireNonNull(migrationsDir, "migrationsDir is null");
        this.byId = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(byId));
    }

    public static Specs load(SpecLoader loader, Path migrationsDir) {
        return new Specs(migrationsDir, loader.loadAll(migrationsDir));
    }

    public Collection<MigrationSpec> all() {
        return byId.values();
    }

    public Map<String, MigrationSpec> byId() {
        return byId;
    }

    /** A spec by id ({@code users/V2}), id with description, or path; an unknown one is bad input. */
    public MigrationSpec find(String reference) {
        String ref = reference.replace('\\', '/');
        Path asPath = Path.of(reference).toAbsolutePath().normalize();
        for (MigrationSpec spec : byId.values()) {
            String withDescription = spec.id() + "__" + spec.description();
            if (spec.id().equals(ref) || withDescription.equals(ref) || (withDescription + ".conf").equals(ref)
                    || spec.file().toString().equals(reference) || spec.file().toAbsolutePath().normalize().equals(asPath)) {
                return spec;
            }
        }
        throw new SpecError(migrationsDir.toString(), "migration", "no migration '" + reference + "'; known: " + byId.keySet());
    }
}
