package dev.drover.ledger;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/**
 * One change of the fleet (the ledger's {@code fleet} table): an executor {@code added} or
 * {@code removed} (by Spark's dynamic allocation, with Spark's reason), or executors
 * {@code requested} by the step policy (with its reason). {@code backlog} is the pending
 * batches at that moment, {@code executors} the executors alive after the change; {@code waveId}
 * the wave running then, empty outside one.
 */
public record FleetRecord(Instant eventTime, String event, String executor, String host, int cores, String reason,
                          long backlog, int executors, String waveId, String app) {
    public static final String ADDED = "added";
    public static final String REMOVED = "removed";
    public static final String REQUESTED = "requested";

    public FleetRecord {
        eventTime = requireNonNull(eventTime, "eventTime is null").truncatedTo(java.time.temporal.ChronoUnit.MICROS);
        requireNonNull(event, "event is null");
        executor = executor == null ? "" : executor;
        host = host == null ? "" : host;
        reason = reason == null ? "" : reason;
        waveId = waveId == null ? "" : waveId;
        app = app == null ? "" : app;
    }
}
