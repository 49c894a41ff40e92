package dev.drover.model;

/** Why an alert is raised (the ledger's {@code alerts.reason}, PagerDuty's {@code class}). */
public enum AlertReason implements Labelled {
    RUN_FAILED, SLOW_STAGE, QUARANTINE, UNDELIVERED, WAVE_FAILED, SYNC_FAILED, SYNC_LAG, DEADLINE_PASSED, DEADLINE_REMINDER,
    /** A consumer has queries the migration breaks and no proven rewrite can fix: its owner must look. */
    NEEDS_PERSON;
}
