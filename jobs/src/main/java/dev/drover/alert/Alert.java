package dev.drover.alert;

import static java.util.Objects.requireNonNull;

import java.util.Map;

/**
 * Something an operator should hear about: {@code subject} is the run (or wave) it is about,
 * {@code group} the migration (or wave) it belongs to, so a later passing run of the same
 * migration can resolve it; {@code reason} one of the constants below.
 */
public record Alert(String subject, String group, String reason, String severity, String summary, Map<String, String> details) {
    public static final String RUN_FAILED = "run-failed";
    public static final String SLOW_STAGE = "slow-stage";
    public static final String QUARANTINE = "quarantine";
    public static final String UNDELIVERED = "undelivered";
    public static final String WAVE_FAILED = "wave-failed";
    public static final String SYNC_FAILED = "sync-failed";
    public static final String SYNC_LAG = "sync-lag";
    public static final String DEADLINE_PASSED = "deadline-passed";
    public static final String DEADLINE_REMINDER = "deadline-reminder";
    /** A consumer has queries the migration breaks and no proven rewrite can fix: its owner must look. */
    public static final String NEEDS_PERSON = "needs-person";

    public Alert {
        requireNonNull(subject, "subject is null");
        requireNonNull(group, "group is null");
        requireNonNull(reason, "reason is null");
        requireNonNull(severity, "severity is null");
        requireNonNull(summary, "summary is null");
        details = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(details));
    }

    /** PagerDuty's key for the incident: one per migration (or wave) and reason, so runs update and resolve it. */
    public String dedupKey() {
        return "drover/" + group + "/" + reason;
    }
}
