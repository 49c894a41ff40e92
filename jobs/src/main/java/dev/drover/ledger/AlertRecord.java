package dev.drover.ledger;

import static java.util.Objects.requireNonNull;

import dev.drover.model.AlertAction;
import dev.drover.model.AlertReason;
import dev.drover.model.AlertSinkKind;
import dev.drover.model.AlertStatus;
import java.time.Instant;

/**
 * One alert sent, or tried, to one sink (the ledger's {@code alerts} table): {@code subject} is
 * the run (or wave) it is about, {@code migration} the migration (or wave) it belongs to,
 * {@code action} trigger or resolve, {@code status} sent or failed after {@code attempts}. The sink
 * is named by kind ({@code slack}, {@code pagerduty}), never by its URL or key: those are secrets.
 */
public record AlertRecord(String subject, String migration, AlertReason reason, AlertAction action, AlertSinkKind sink,
                          AlertStatus status,
                          int attempts, String dedupKey, String summary, String error, Instant eventTime) {
    public AlertRecord {
        requireNonNull(subject, "subject is null");
        requireNonNull(migration, "migration is null");
        requireNonNull(reason, "reason is null");
        requireNonNull(action, "action is null");
        requireNonNull(sink, "sink is null");
        requireNonNull(status, "status is null");
        requireNonNull(dedupKey, "dedupKey is null");
        summary = summary == null ? "" : summary;
        error = error == null ? "" : error;
        eventTime = requireNonNull(eventTime, "eventTime is null").truncatedTo(java.time.temporal.ChronoUnit.MICROS);
    }

    public boolean sent() {
        return status == AlertStatus.SENT;
    }
}
