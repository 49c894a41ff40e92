package dev.drover.spec;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.util.List;

/**
 * One migration, from {@code conf/migrations/<family>/V<n>__<description>.conf}. Its id is
 * {@code <family>/V<n>}; its checksum covers the file and any SQL file it names.
 */
public record MigrationSpec(String id, String family, int version, String description, Path file, String checksum,
                            String source, String target, TargetMode mode, String template, List<StepSpec> steps,
                            BatchingSpec batching, ChecksSpec checks, QuotaSpec quota) {
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
    }

    /**
     * The same migration cut into batches of at most {@code maxRows} rows (a request's batch
     * size). The checksum stays: batch size is how a run is cut, not what it does (the test
     * stage proves the same result), and a resumed run keeps the batches it recorded.
     */
    public MigrationSpec withBatchMaxRows(long maxRows) {
        return new MigrationSpec(id, family, version, description, file, checksum, source, target, mode, template, steps,
                new BatchingSpec(batching.by(), java.util.Optional.of(maxRows), batching.column()), checks, quota);
    }
}
