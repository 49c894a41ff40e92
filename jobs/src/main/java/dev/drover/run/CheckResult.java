package dev.drover.run;

import static java.util.Objects.requireNonNull;

/** One check of the test stage: what was expected, what was observed. */
public record CheckResult(String name, boolean passed, String expected, String observed) {
    public CheckResult {
        requireNonNull(name, "name is null");
        requireNonNull(expected, "expected is null");
        requireNonNull(observed, "observed is null");
    }

    public String line() {
        return (passed ? "ok    " : "FAIL  ") + name + ": expected " + expected + ", observed " + observed;
    }
}
