package dev.drover.model;

/** How one stage of a run ended (the ledger's {@code stages.outcome}). */
public enum StageOutcome implements Labelled {
    SUCCEEDED, FAILED;

    public static StageOutcome of(boolean passed) {
        return passed ? SUCCEEDED : FAILED;
    }
}
