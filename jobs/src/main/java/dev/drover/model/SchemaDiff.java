package dev.drover.model;

import dev.drover.model.ColumnChange.Kind;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.types.ByteType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DateType;
import org.apache.spark.sql.types.DecimalType;
import org.apache.spark.sql.types.DoubleType;
import org.apache.spark.sql.types.FloatType;
import org.apache.spark.sql.types.IntegerType;
import org.apache.spark.sql.types.LongType;
import org.apache.spark.sql.types.ShortType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.types.TimestampNTZType;
import org.apache.spark.sql.types.TimestampType;

/**
 * The schema contract of a migration: the old → new column mapping, each column classified as
 * added, removed, renamed, widened, narrowed, retyped or nullability changed. Breaking when any
 * column change is breaking.
 */
public record SchemaDiff(List<ColumnChange> changes) {
    public SchemaDiff {
        changes = List.copyOf(changes);
    }

    /** Compares two schemas; {@code renames} (old → new) says which columns were renamed. */
    public static SchemaDiff between(StructType before, StructType after, Map<String, String> renames) {
        return between(before, after, renames, Map.of(), Map.of());
    }

    /**
     * Compares two schemas, taking nullability from the declared schemas when given (a Delta
     * table's own flags mostly say "nullable"; the catalog says what consumers were promised).
     */
    public static SchemaDiff between(StructType before, StructType after, Map<String, String> renames,
                                     Map<String, Boolean> declaredBefore, Map<String, Boolean> declaredAfter) {
        Map<String, StructField> next = new HashMap<>();
        for (StructField f : after.fields()) {
            next.put(f.name(), f);
        }
        Set<String> matched = new HashSet<>();
        List<ColumnChange> changes = new ArrayList<>();
        for (StructField old : before.fields()) {
            String newName = renames.getOrDefault(old.name(), old.name());
            StructField now = next.get(newName);
            boolean oldNullable = declaredBefore.getOrDefault(old.name(), old.nullable());
            if (now == null) {
                changes.add(new ColumnChange(old.name(), null, old.dataType().simpleString(), null, oldNullable, null,
                        Set.of(Kind.REMOVED)));
                continue;
            }
            matched.add(newName);
            boolean newNullable = declaredAfter.getOrDefault(newName, now.nullable());
            Set<Kind> kinds = EnumSet.noneOf(Kind.class);
            if (!newName.equals(old.name())) {
                kinds.add(Kind.RENAMED);
            }
            typeChange(old.dataType(), now.dataType()).ifPresent(kinds::add);
            if (oldNullable != newNullable) {
                kinds.add(newNullable ? Kind.NULLABLE : Kind.NOT_NULL);
            }
            changes.add(new ColumnChange(old.name(), newName, old.dataType().simpleString(), now.dataType().simpleString(),
                    oldNullable, newNullable, kinds));
        }
        for (StructField f : after.fields()) {
            if (!matched.contains(f.name())) {
                changes.add(new ColumnChange(null, f.name(), null, f.dataType().simpleString(), null,
                        declaredAfter.getOrDefault(f.name(), f.nullable()), Set.of(Kind.ADDED)));
            }
        }
        return new SchemaDiff(changes);
    }

    /** Widened when every old value fits the new type exactly; narrowed when the reverse holds. */
    static java.util.Optional<Kind> typeChange(DataType from, DataType to) {
        if (from.equals(to)) {
            return java.util.Optional.empty();
        }
        if (widens(from, to)) {
            return java.util.Optional.of(Kind.WIDENED);
        }
        if (widens(to, from)) {
            return java.util.Optional.of(Kind.NARROWED);
        }
        return java.util.Optional.of(Kind.RETYPED);
    }

    private static boolean widens(DataType from, DataType to) {
        int a = integralRank(from);
        int b = integralRank(to);
        if (a > 0 && b > 0) {
            return a < b;
        }
        if (a > 0 && to instanceof DecimalType d) {
            return d.precision() - d.scale() >= integralDigits(a);
        }
        if (from instanceof DecimalType x && to instanceof DecimalType y) {
            return y.scale() >= x.scale() && y.precision() - y.scale() >= x.precision() - x.scale();
        }
        if (from instanceof FloatType && to instanceof DoubleType) {
            return true;
        }
        // byte, short and int values are exact in a double; long values are not
        if (a > 0 && a <= 3 && to instanceof DoubleType) {
            return true;
        }
        if (from instanceof DateType && (to instanceof TimestampType || to instanceof TimestampNTZType)) {
            return true;
        }
        return false;
    }

    private static int integralRank(DataType t) {
        if (t instanceof ByteType) {
            return 1;
        }
        if (t instanceof ShortType) {
            return 2;
        }
        if (t instanceof IntegerType) {
            return 3;
        }
        if (t instanceof LongType) {
            return 4;
        }
        return 0;
    }

    private static int integralDigits(int rank) {
        return switch (rank) {
            case 1 -> 3;
            case 2 -> 5;
            case 3 -> 10;
            default -> 19;
        };
    }

    public boolean breaking() {
        return changes.stream().anyMatch(ColumnChange::breaking);
    }

    public List<ColumnChange> breakingChanges() {
        return changes.stream().filter(ColumnChange::breaking).toList();
    }

    /** Columns carried over with their values (same type, maybe renamed): old name → new name. */
    public Map<String, String> carried() {
        Map<String, String> out = new java.util.LinkedHashMap<>();
        changes.stream().filter(ColumnChange::carried).forEach(c -> out.put(c.from(), c.to()));
        return out;
    }

    public List<String> lines() {
        return changes.stream().map(c -> {
            if (c.kinds().contains(Kind.ADDED)) {
                return "  + " + c.to() + " " + c.toType();
            }
            if (c.kinds().contains(Kind.REMOVED)) {
                return "  - " + c.from() + " " + c.fromType();
            }
            if (c.unchanged()) {
                return "    " + c.from() + " " + c.fromType();
            }
            return "  ~ " + c.from() + " " + c.fromType() + " -> " + c.to() + " " + c.toType() + "  (" + c.kind()
                    + (c.breaking() ? ", breaking" : "") + ")";
        }).toList();
    }
}
