package dev.drover.ledger;

import static java.util.Objects.requireNonNull;

import dev.drover.model.Stage;
import dev.drover.model.StageOutcome;
import java.time.Instant;
import java.util.Optional;

/**
 * One stage of a run with the template's notes for it and what happened. {@code detail} is the
 * stage's own record ({@link StageDetail}) as JSON.
 */
public record StageRecord(String runId, Stage stage, Instant startedAt, Optional<Instant> endedAt, StageOutcome outcome,
                          String expectedRuntime, String rollback, String successCriteria, String detail,
                          Instant eventTime) {
    public StageRecord {
        requireNonNull(runId, "runId is null");
        requireNonNull(stage, "stage is null");
        requireNonNull(startedAt, "startedAt is null");
        requireNonNull(endedAt, "endedAt is null");
        requireNonNull(outcome, "outcome is null");
        requireNonNull(eventTime, "eventTime is null");
    }

    /** The stage's detail as its record type. */
    public <T extends StageDetail> T detail(Class<T> type) {
        return StageDetail.parse(detail, type, runId);
    }
}
