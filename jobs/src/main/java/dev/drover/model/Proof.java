package dev.drover.model;

/**
 * How the test stage proves a run's data. {@code ONE_PASS}: the target side is observed on the
 * rows handed to the Delta writer, in the batch writes, and cross-checked against the statistics
 * Delta recorded for the committed files. {@code READ_BACK}: the whole target is read once after
 * the last batch (as {@code drover validate} always does).
 */
public enum Proof implements Labelled {
    ONE_PASS, READ_BACK;

    public static Proof of(boolean readBack) {
        return readBack ? READ_BACK : ONE_PASS;
    }

    public static Proof parse(String label) {
        return Labelled.parse(Proof.class, label);
    }
}
