package dev.drover.outbox;

import static java.util.Objects.requireNonNull;

import dev.drover.ledger.LedgerTable;
import dev.drover.model.Labelled;
import dev.drover.model.UpdateStrategy;
import java.time.Instant;
import java.util.Optional;

/** A row of the outbox table; {@code record} says which of five kinds it is (see {@link Outbox}). */
public record OutboxRow(String eventId, Kind record, String runId, Optional<String> migration, Optional<String> dataset,
                        Optional<String> consumer, Optional<EventType> eventType, Optional<String> topic,
                        Optional<UpdateStrategy> strategy, Optional<Integer> wave, Optional<String> deadline,
                        Optional<String> payload, String status, int attempt, int kafkaPartition, long kafkaOffset,
                        String error, Instant eventTime, Optional<String> detail) {
    public static final LedgerTable<OutboxRow> TABLE = new LedgerTable<>("outbox", OutboxRow.class);

    /** What an outbox row is. */
    public enum Kind implements Labelled {
        /** a consumer event (written by deploy or rollback) */
        EVENT,
        /** one delivery attempt, or a cancellation */
        DELIVERY,
        /** a consumer's acknowledgement */
        ACK,
        /** the run's deploy finished: its events may go out */
        PUBLISHED,
        /** what every consumer event of a run shares, stored once */
        DATA
    }

    public OutboxRow {
        requireNonNull(eventId, "eventId is null");
        requireNonNull(record, "record is null");
        runId = runId == null ? "" : runId;
        status = status == null ? "" : status;
        error = error == null ? "" : error;
        requireNonNull(eventTime, "eventTime is null");
        detail = detail == null ? Optional.empty() : detail;
    }
}
