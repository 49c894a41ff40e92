package dev.drover.ledger;

import static java.util.Objects.requireNonNull;

import java.sql.Timestamp;
import java.time.Instant;

/** One stage of a run with the template's notes for it and what happened. */
public record StageRecord(String runId, String stage, Instant startedAt, Instant endedAt, String outcome,
                          String expectedRuntime, String rollback, String successCriteria, String detail) {
    public static final String DDL = "run_id STRING, stage STRING, started_at TIMESTAMP, ended_at TIMESTAMP, "
            + "outcome STRING, expected_runtime STRING, rollback STRING, success_criteria STRING, detail STRING, event_time TIMESTAMP";

    public StageRecord {
        requireNonNull(runId, "runId is null");
        requireNonNull(stage, "stage is null");
        requireNonNull(startedAt, "startedAt is null");
        requireNonNull(outcome, "outcome is null");
    }

    Object[] values() {
        return new Object[] {runId, stage, Timestamp.from(startedAt), endedAt == null ? null : Timestamp.from(endedAt),
                outcome, expectedRuntime, rollback, successCriteria, detail, Timestamp.from(Instant.now())};
    }

    static StageRecord from(org.apache.spark.sql.Row r) {
        return new StageRecord(r.getString(0), r.getString(1), r.getTimestamp(2).toInstant(),
                r.isNullAt(3) ? null : r.getTimestamp(3).toInstant(), r.getString(4), r.getString(5),
                r.getString(6), r.getString(7), r.getString(8));
    }
}
