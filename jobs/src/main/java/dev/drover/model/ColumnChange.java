package dev.drover.model;

import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * How one column moves from the old version to the new, as a set of kinds (a column may be
 * renamed and widened at once; an empty set means unchanged). Types are Spark SQL type strings;
 * nullability is the catalog's declared one. A value object the test stage records and the
 * consumer events carry.
 */
public record ColumnChange(String from, String to, String fromType, String toType, Boolean fromNullable,
                           Boolean toNullable, Set<Kind> kinds) {
    /** Kinds of change. Breaking ones can break a reader of the old version. */
    public enum Kind implements Labelled {
        ADDED(false), REMOVED(true), RENAMED(true), WIDENED(false), NARROWED(true), RETYPED(true),
        /** non-null became nullable: readers may now meet nulls */
        NULLABLE(true),
        /** nullable became non-null */
        NOT_NULL(false);

        private final boolean breaking;

        Kind(boolean breaking) {
            this.breaking = breaking;
        }

        public boolean breaking() {
            return breaking;
        }
    }

    public ColumnChange {
        kinds = kinds.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(kinds));
    }

    public boolean breaking() {
        return kinds.stream().anyMatch(Kind::breaking);
    }

    public boolean unchanged() {
        return kinds.isEmpty();
    }

    /** The kinds as text, in declaration order: "renamed+widened", or "unchanged". */
    public String kind() {
        if (kinds.isEmpty()) {
            return "unchanged";
        }
        return EnumSet.copyOf(kinds).stream().map(Kind::label).collect(Collectors.joining("+"));
    }

    /** Carried over with its values intact (same type; maybe renamed or nullability-changed). */
    public boolean carried() {
        return from != null && to != null && fromType.equals(toType);
    }
}
