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
 * every batch (each new time-travel read would rebuild Delta's snapshot state). {@code carried}
 * maps each column carried over with its values (old name → new name): these are checksummed.
 */
public record MigrationPlan(MigrationSpec spec, MigrationTemplate template, DatasetEntity source, DatasetEntity target,
                            String sourceLocation, long sourceVersion, String targetLocation, long targetVersion,
                            Map<String, Long> lookupVersions, StructType sourceSchema, StructType targetSchema,
                            SchemaDiff diff, Map<String, String> carried, List<Batch> batches, List<ConsumerEntity> consumers,
                            Pipeline pipeline, Dataset<Row> sourceFrame) {
    public MigrationPlan {
        requireNonNull(spec, "spec is null");
        requireNonNull(template, "template is null");
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

    public long estimatedRows() {
        return batches.stream().mapToLong(Batch::estimatedRows).sum();
    }
}
