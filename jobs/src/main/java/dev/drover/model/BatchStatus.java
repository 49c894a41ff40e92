package dev.drover.model;

/**
 * A batch is planned at analyze and staged once its data files and metrics are recorded (its
 * files are published with the run's). {@code COMMITTED}: a batch of a ledger written before
 * staging, which committed to the target on its own.
 */
public enum BatchStatus implements Labelled {
    PLANNED, STAGED, COMMITTED;

    public static BatchStatus parse(String label) {
        return Labelled.parse(BatchStatus.class, label);
    }
}
