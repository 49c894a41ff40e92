package dev.drover.ledger;

import static java.util.Objects.requireNonNull;

import dev.drover.model.CheckKind;
import dev.drover.model.CheckResult;
import dev.drover.model.Stage;
import java.time.Instant;

/** One check of one validation (the test stage, or a later validate) of a run. */
public record CheckRecord(String runId, Stage stage, CheckKind kind, String check, boolean passed, boolean warning,
                          String expected, String observed, Instant eventTime) {
    public CheckRecord {
        requireNonNull(runId, "runId is null");
        requireNonNull(stage, "stage is null");
        requireNonNull(kind, "kind is null");
        requireNonNull(eventTime, "eventTime is null");
    }

    public static CheckRecord of(String runId, Stage stage, CheckResult c, Instant at) {
        return new CheckRecord(runId, stage, c.kind(), c.name(), c.passed(), c.warning(), c.expected(), c.observed(), at);
    }

    public CheckResult result() {
        return new CheckResult(kind, check, passed, warning, expected, observed);
    }
}
