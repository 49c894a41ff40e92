package dev.drover.sync;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * How the source's schema changed across a sync's range. A new nullable column is additive: the
 * sync carries it when the steps pass it through, else leaves it out with a warning. Anything else
 * (a column removed, retyped, made non-null, or a new non-null column) stops the sync until a new
 * spec version says what to do; {@code incompatible} names each such column and what happened to it.
 */
public record SourceSchemaChange(List<StructField> added, List<String> incompatible) {
    public static final SourceSchemaChange NONE = new SourceSchemaChange(List.of(), List.of());

    public SourceSchemaChange {
        added = List.copyOf(added);
        incompatible = List.copyOf(incompatible);
    }

    public static SourceSchemaChange between(StructType before, StructType after) {
        Map<String, StructField> old = new LinkedHashMap<>();
        for (StructField f : before.fields()) {
            old.put(f.name(), f);
        }
        List<StructField> added = new ArrayList<>();
        List<String> incompatible = new ArrayList<>();
        for (StructField f : after.fields()) {
            StructField was = old.remove(f.name());
            if (was == null) {
                if (f.nullable()) {
                    added.add(f);
                } else {
                    incompatible.add(f.name() + " added as non-null");
                }
            } else if (!was.dataType().equals(f.dataType())) {
                incompatible.add(f.name() + " retyped " + was.dataType().simpleString() + " -> " + f.dataType().simpleString());
            } else if (was.nullable() && !f.nullable()) {
                incompatible.add(f.name() + " made non-null");
            }
        }
        old.keySet().forEach(name -> incompatible.add(name + " removed"));
        return new SourceSchemaChange(added, incompatible);
    }

    public boolean none() {
        return added.isEmpty() && incompatible.isEmpty();
    }

    public List<String> addedNames() {
        return added.stream().map(StructField::name).toList();
    }
}
