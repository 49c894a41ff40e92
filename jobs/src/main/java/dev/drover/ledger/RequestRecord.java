package dev.drover.ledger;

import static java.util.Objects.requireNonNull;

import dev.drover.model.RequestStatus;
import java.time.Instant;

/**
 * One state of a request to the agent (the ledger's {@code requests} table; the latest row per
 * request id is its state). {@code request} is the request as it came (CloudEvent JSON), so an
 * agent that restarts can run what was accepted and not ended; {@code kind} is its type's last
 * part (migrate, wave, rollback, validate); {@code target} what it names (a migration, a run id,
 * a wave's selection). {@code partition} and {@code offset} say where on the requests topic it
 * was read; {@code exitCode} is what the same command would have exited with; {@code replied}
 * that the reply of this state was delivered (an ended request not replied to is answered again
 * when an agent starts).
 */
public record RequestRecord(String requestId, String kind, String requester, String target, RequestStatus status,
                            String runId, String message, long exitCode, boolean replied, String request, long partition,
                            long offset, Instant eventTime, String host, long pid) {
    public RequestRecord {
        requireNonNull(requestId, "requestId is null");
        requireNonNull(status, "status is null");
        // as the ledger keeps it (microseconds), so a record reads back equal
        eventTime = requireNonNull(eventTime, "eventTime is null").truncatedTo(java.time.temporal.ChronoUnit.MICROS);
        kind = kind == null ? "" : kind;
        requester = requester == null ? "" : requester;
        target = target == null ? "" : target;
        runId = runId == null ? "" : runId;
        message = message == null ? "" : message;
        request = request == null ? "" : request;
    }

    /** The same request in another state, now, by this process. */
    public RequestRecord with(RequestStatus next, String run, String why, long exit) {
        return new RequestRecord(requestId, kind, requester, target, next, run, why, exit, false, request, partition, offset,
                Instant.now(), dev.drover.common.Hosts.name(), ProcessHandle.current().pid());
    }

    /** This state, its reply delivered. */
    public RequestRecord asReplied() {
        return new RequestRecord(requestId, kind, requester, target, status, runId, message, exitCode, true, request, partition,
                offset, Instant.now(), dev.drover.common.Hosts.name(), ProcessHandle.current().pid());
    }
}
