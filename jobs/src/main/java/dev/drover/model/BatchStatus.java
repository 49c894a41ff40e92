package dev.drover.model;

/** A batch is planned at analyze and committed once its Delta commit and metrics are recorded. */
public enum BatchStatus implements Labelled {
    PLANNED, COMMITTED;

    public static BatchStatus parse(String label) {
        return Labelled.parse(BatchStatus.class, label);
    }
}
