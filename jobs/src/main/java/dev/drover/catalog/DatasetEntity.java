package dev.drover.catalog;

import static java.util.Objects.requireNonNull;

import java.util.List;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/** A catalog {@code kind: Resource} with {@code spec.type: dataset}. */
public record DatasetEntity(String name, String file, String owner, String location, String format,
                            List<ColumnSpec> schema, List<String> primaryKey, List<String> partitionedBy,
                            List<dev.drover.model.ConstraintSpec> constraints, List<String> tags,
                            java.util.Map<String, String> labels) {
    public DatasetEntity {
        requireNonNull(name, "name is null");
        requireNonNull(file, "file is null");
        requireNonNull(owner, "owner is null");
        requireNonNull(location, "location is null");
        requireNonNull(format, "format is null");
        schema = List.copyOf(requireNonNull(schema, "schema is null"));
        primaryKey = List.copyOf(requireNonNull(primaryKey, "primaryKey is null"));
        partitionedBy = List.copyOf(requireNonNull(partitionedBy, "partitionedBy is null"));
        constraints = List.copyOf(requireNonNull(constraints, "constraints is null"));
        tags = List.copyOf(requireNonNull(tags, "tags is null"));
        labels = java.util.Map.copyOf(requireNonNull(labels, "labels is null"));
    }

    public StructType structType() {
        return DataTypes.createStructType(schema.stream()
                .map(c -> new StructField(c.name(), c.type(), c.nullable(), org.apache.spark.sql.types.Metadata.empty()))
                .toList());
    }

    /** The entity reference Backstage uses in {@code dependsOn}. */
    public String ref() {
        return "resource:default/" + name;
    }
}
