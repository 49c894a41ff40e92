package dev.drover.run;

/**
 * How one column moves from the old version to the new: kind is unchanged, renamed, retyped,
 * renamed+retyped, added or removed. A value object later stages (tests, consumer events) read.
 */
public record ColumnChange(String kind, String from, String to, String fromType, String toType) {
    public boolean breaking() {
        return kind.equals("removed") || kind.startsWith("renamed") || kind.equals("retyped");
    }
}
