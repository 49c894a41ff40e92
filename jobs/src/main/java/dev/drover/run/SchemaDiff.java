package dev.drover.run;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/** The old → new column mapping of a migration, column by column. */
public record SchemaDiff(List<ColumnChange> changes) {
    public SchemaDiff {
        changes = List.copyOf(changes);
    }

    /** Compares two schemas; {@code renames} (old → new) says which columns were renamed. */
    public static SchemaDiff between(StructType before, StructType after, Map<String, String> renames) {
        Map<String, StructField> next = new HashMap<>();
        for (StructField f : after.fields()) {
            next.put(f.name(), f);
        }
        Set<String> matched = new HashSet<>();
        List<ColumnChange> changes = new ArrayList<>();
        for (StructField old : before.fields()) {
            String newName = renames.getOrDefault(old.name(), old.name());
            StructField now = next.get(newName);
            if (now == null) {
                changes.add(new ColumnChange("removed", old.name(), null, old.dataType().simpleString(), null));
                continue;
            }
            matched.add(newName);
            boolean renamed = !newName.equals(old.name());
            boolean retyped = !now.dataType().equals(old.dataType());
            String kind = renamed && retyped ? "renamed+retyped" : renamed ? "renamed" : retyped ? "retyped" : "unchanged";
            changes.add(new ColumnChange(kind, old.name(), newName, old.dataType().simpleString(), now.dataType().simpleString()));
        }
        for (StructField f : after.fields()) {
            if (!matched.contains(f.name())) {
                changes.add(new ColumnChange("added", null, f.name(), null, f.dataType().simpleString()));
            }
        }
        return new SchemaDiff(changes);
    }

    public List<String> lines() {
        return changes.stream().map(c -> switch (c.kind()) {
            case "added" -> "  + " + c.to() + " " + c.toType();
            case "removed" -> "  - " + c.from() + " " + c.fromType();
            case "unchanged" -> "    " + c.from() + " " + c.fromType();
            default -> "  ~ " + c.from() + " " + c.fromType() + " -> " + c.to() + " " + c.toType() + "  (" + c.kind() + ")";
        }).toList();
    }
}
