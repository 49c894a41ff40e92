package dev.drover.catalog;

import static java.util.Objects.requireNonNull;

import org.apache.spark.sql.types.DataType;

/** A declared column of a dataset. */
public record ColumnSpec(String name, DataType type, boolean nullable) {
    public ColumnSpec {
        requireNonNull(name, "name is null");
        requireNonNull(type, "type is null");
    }
}
