package dev.drover.spec;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * One migration, from {@code conf/migrations/<family>/V<n>__<description>.conf}. Its id is
 * {@code <family>/V<n>}; its checksum covers the file and any SQL file it names.
 */
public record MigrationSpec(String id, String family, int version, String description, Path file, String checksum,
                            String source, String target, TargetMode mode, String template, List<StepSpec> steps,
                            BatchingSpec batching, ChecksSpec checks, QuotaSpec quota,
                            Map<String, Object> rollout) {
    public MigrationSpec {
        requireNonNull(id, "id is null");
        requireNonNull(family, "family is null");
        requireNonNull(description, "description is null");
        requireNonNull(file, "file is null");
        requireNonNull(checksum, "checksum is null");
        requireNonNull(source, "source is null");
        requireNonNull(target, "target is null");
        requireNonNull(mode, "mode is null");
        requireNonNull(template, "template is null");
        steps = List.copyOf(requireNonNull(steps, "steps is null"));
        requireNonNull(batching, "batching is null");
        requireNonNull(checks, "checks is null");
        requireNonNull(quota, "quota is null");
        rollout = Map.copyOf(requireNonNull(rollout, "rollout is null"));
    }
}
