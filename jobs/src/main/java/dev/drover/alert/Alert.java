package dev.drover.alert;

import static java.util.Objects.requireNonNull;

import dev.drover.model.AlertReason;
import dev.drover.model.AlertSeverity;
import java.util.Map;

/**
 * Something an operator should hear about: {@code subject} is the run (or wave) it is about,
 * {@code group} the migration (or wave) it belongs to, so a later passing run of the same
 * migration can resolve it.
 */
public record Alert(String subject, String group, AlertReason reason, AlertSeverity severity, String summary, Map<String, String> details) {
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
        return "drover/" + group + "/" + reason.label();
    }
}
