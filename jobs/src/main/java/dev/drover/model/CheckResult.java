package dev.drover.model;

import static java.util.Objects.requireNonNull;

/**
 * One check of the test stage: its kind (reconciliation, invariant, quarantine, schema,
 * constraint, anomaly), what was expected, what was observed.
 */
public record CheckResult(String kind, String name, boolean passed, String expected, String observed) {
    public CheckResult {
        requireNonNull(kind, "kind is null");
        requireNonNull(name, "name is null");
        requireNonNull(expected, "expected is null");
        requireNonNull(observed, "observed is null");
    }

    public static CheckResult of(String kind, String name, boolean passed, String expected, String observed) {
        return new CheckResult(kind, name, passed, expected, observed);
    }

    public String line() {
        return (passed ? "ok    " : "FAIL  ") + name + ": expected " + expected + ", observed " + observed;
    }
}
