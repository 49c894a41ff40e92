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

    /**
     * How {@code actual} differs from this dataset's declared columns and types (order aside):
     * "missing c", "c is int, declared bigint", "c has 3 nulls, declared non-null" (from
     * {@code nulls}, by column), "undeclared c" (unless {@code extra} names it). Empty when as declared.
     */
    public List<String> schemaProblems(StructType actual, java.util.function.ToLongFunction<String> nulls, java.util.Set<String> extra) {
        java.util.Map<String, StructField> have = new java.util.HashMap<>();
        for (StructField f : actual.fields()) {
            have.put(f.name(), f);
        }
        List<String> problems = new java.util.ArrayList<>();
        for (ColumnSpec c : schema) {
            StructField f = have.remove(c.name());
            if (f == null) {
                problems.add("missing " + c.name());
            } else if (!f.dataType().equals(c.type())) {
                problems.add(c.name() + " is " + f.dataType().simpleString() + ", declared " + c.type().simpleString());
            } else if (!c.nullable() && nulls.applyAsLong(c.name()) > 0) {
                problems.add(c.name() + " has " + nulls.applyAsLong(c.name()) + " nulls, declared non-null");
            }
        }
        have.keySet().stream().filter(c -> !extra.contains(c)).sorted().forEach(c -> problems.add("undeclared " + c));
        return problems;
    }
}
