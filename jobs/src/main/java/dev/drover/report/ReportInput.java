package dev.drover.report;

import dev.drover.delta.DeltaTables;
import dev.drover.ledger.LedgerContents;
import dev.drover.outbox.EventState;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What a report shows, read once: the ledger grouped by run and wave, each run's consumer events
 * with their delivery state, the recent Delta versions of each target (by location), and the most
 * frequent quarantine errors of the runs that quarantined rows, and the transition windows.
 */
public record ReportInput(LedgerContents ledger, Map<String, List<EventState>> events,
                          Map<String, List<DeltaTables.Version>> history, Map<String, List<ErrorKind>> topErrors,
                          Instant generatedAt, List<dev.drover.transition.TransitionStatus> transitions) {
    public ReportInput {
        transitions = List.copyOf(transitions);
    }

    public ReportInput(LedgerContents ledger, Map<String, List<EventState>> events, Map<String, List<DeltaTables.Version>> history,
                       Map<String, List<ErrorKind>> topErrors, Instant generatedAt) {
        this(ledger, events, history, topErrors, generatedAt, List.of());
    }

    /** The same input with the transition windows as they stand. */
    public ReportInput withTransitions(List<dev.drover.transition.TransitionStatus> statuses) {
        return new ReportInput(ledger, events, history, topErrors, generatedAt, statuses);
    }

    /** Rows of a run's quarantine with one step and error. */
    public record ErrorKind(String step, String error, long rows) {}
}
