package dev.drover.ledger;

import static java.util.Objects.requireNonNull;

import dev.drover.model.TransitionEvent;
import java.time.Instant;

/**
 * Something that happened to a migration's transition window, as the ledger's {@code transitions}
 * table holds it: v1's change data feed turned on (subject: the dataset), a consumer declared
 * moved (subject: the consumer), the window retired (subject: the retired dataset). {@code actor}
 * is who did it (the OS user, or the name given), {@code detail} says more in a line.
 */
public record TransitionRecord(String migration, TransitionEvent event, String subject, String actor, String detail,
                               Instant eventTime) {
    public TransitionRecord {
        requireNonNull(migration, "migration is null");
        requireNonNull(event, "event is null");
        requireNonNull(subject, "subject is null");
        requireNonNull(eventTime, "eventTime is null");
        actor = actor == null ? "" : actor;
        detail = detail == null ? "" : detail;
    }
}
