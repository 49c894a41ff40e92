package dev.drover.spec;

/** Where a migration writes: a new versioned table, or the source table itself. */
public enum TargetMode {
    NEW_TABLE("new-table"), IN_PLACE("in-place");

    private final String label;

    TargetMode(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
