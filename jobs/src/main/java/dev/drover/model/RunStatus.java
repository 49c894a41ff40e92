package dev.drover.model;

/** Where a run stands. */
public enum RunStatus implements Labelled {
    RUNNING, SUCCEEDED, FAILED, ROLLED_BACK;

    public static RunStatus parse(String label) {
        return Labelled.parse(RunStatus.class, label);
    }
}
