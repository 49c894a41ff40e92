package dev.drover.model;

/** How one migration of a wave ended. */
public enum WaveOutcome implements Labelled {
    /** Ran now and passed its checks. */
    PASSED,
    /** Applied before (by an earlier wave or run); nothing done. */
    ALREADY_APPLIED,
    /** Failed its checks (or could not run) and was rolled back; the others went on. */
    FAILED,
    /** Another run held its dataset. */
    HELD,
    /** Not started: a migration it waits for did not pass. */
    SKIPPED;

    public boolean passed() {
        return this == PASSED || this == ALREADY_APPLIED;
    }
}
