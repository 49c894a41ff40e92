package dev.drover.model;

import static java.util.Objects.requireNonNull;

/**
 * One check of the test stage: its kind, what was expected, what was observed. A check that
 * passed may still be a {@code warning} worth a look (rows recovered by retrying, say).
 */
public record CheckResult(CheckKind kind, String name, boolean passed, boolean warning, String expected, String observed) {
    public CheckResult {
        requireNonNull(kind, "kind is null");
        requireNonNull(name, "name is null");
        requireNonNull(expected, "expected is null");
        requireNonNull(observed, "observed is null");
    }

    public static CheckResult of(CheckKind kind, String name, boolean passed, String expected, String observed) {
        return new CheckResult(kind, name, passed, false, expected, observed);
    }

    /** A check that passes but says something a reader should see. */
    public static CheckResult warning(CheckKind kind, String name, String expected, String observed) {
        return new CheckResult(kind, name, true, true, expected, observed);
    }

    /** The check as the CLI prints it: failed ones with what was expected. */
    public String line() {
        if (!passed) {
            return "FAIL  " + name + ": expected " + expected + ", observed " + observed;
        }
        return (warning ? "warn  " : "ok    ") + name + ": " + observed;
    }
}
