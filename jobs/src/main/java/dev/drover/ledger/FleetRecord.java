package dev.drover.ledger;

import static java.util.Objects.requireNonNull;

import dev.drover.model.FleetEvent;
import java.time.Instant;

/**
 * One change of the fleet (the ledger's {@code fleet} table), with Spark's or the step policy's
 * reason. {@code backlog} is the pending
 * batches at that moment, {@code executors} the executors alive after the change; {@code waveId}
 * the wave running then, empty outside one.
 */
public record FleetRecord(Instant eventTime, FleetEvent event, String executor, String host, int cores, String reason,
                          long backlog, int executors, String waveId, String app) {
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
