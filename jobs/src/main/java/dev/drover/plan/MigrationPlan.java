package dev.drover.plan;

import static java.util.Objects.requireNonNull;

import dev.drover.catalog.ConsumerEntity;
import dev.drover.catalog.DatasetEntity;
import dev.drover.catalog.MigrationTemplate;
import dev.drover.model.SchemaDiff;
import dev.drover.spec.MigrationSpec;
import dev.drover.transforms.Pipeline;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;

/**
 * What analyze found: the source pinned at one version (and each lookup at one version), the
 * schemas before and after, the batches, and the consumers affected. Nothing is written to
 * make a plan. {@code sourceFrame} is the source at the pinned version, read once and shared by
 * every batch (each new time-travel read would rebuild Delta's snapshot state). {@code targetVersion}
 * is the target's version before the run (its snapshot; -1 when there is no table yet);
 * {@code quarantineLocation} the target's quarantine table. {@code carried}
 * maps each column carried over with its values (old name → new name): these are checksummed.
 * {@code readBack}: the test stage reads the whole target back instead of proving it from what the
 * batch writes observed (the spec's {@code checks.read-back}, else the config's).
 */
public record MigrationPlan(MigrationSpec spec, MigrationTemplate template, DatasetEntity source, DatasetEntity target,
                            String sourceLocation, long sourceVersion, long sourceRecords, String targetLocation,
                            long targetVersion,
                            String quarantineLocation,
                            Map<String, Long> lookupVersions, StructType sourceSchema, StructType targetSchema,
                            SchemaDiff diff, Map<String, String> carried, List<Batch> batches, List<ConsumerEntity> consumers,
                            Pipeline pipeline, Dataset<Row> sourceFrame, boolean readBack) {
    public MigrationPlan {
        requireNonNull(spec, "spec is null");
        requireNonNull(template, "template is null");
        requireNonNull(quarantineLocation, "quarantineLocation is null");
        lookupVersions = Map.copyOf(lookupVersions);
        carried = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(carried));
        batches = List.copyOf(batches);
        consumers = List.copyOf(consumers);
        requireNonNull(pipeline, "pipeline is null");
        requireNonNull(sourceFrame, "sourceFrame is null");
    }

    /** Whether every primary-key column keeps its type from source to target (keys then hash natively). */
    public boolean keysKeepTypes() {
        for (int i = 0; i < source.primaryKey().size(); i++) {
            if (!sourceSchema.apply(source.primaryKey().get(i)).dataType()
                    .equals(targetSchema.apply(target.primaryKey().get(i)).dataType())) {
                return false;
            }
        }
        return true;
    }

    /** The target's version before the run, empty when the run creates the table. */
    public java.util.Optional<Long> snapshotVersion() {
        return targetVersion < 0 ? java.util.Optional.empty() : java.util.Optional.of(targetVersion);
    }

    public long estimatedRows() {
        return batches.stream().mapToLong(Batch::estimatedRows).sum();
    }
}
