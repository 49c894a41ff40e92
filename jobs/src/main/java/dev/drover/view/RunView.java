package dev.drover.view;

import dev.drover.ledger.BatchRecord;
import dev.drover.ledger.RunRecord;
import dev.drover.ledger.SchemaChangeRecord;
import dev.drover.ledger.StageRecord;
import dev.drover.model.CheckResult;
import dev.drover.outbox.EventState;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Everything the ledger knows of one run. {@code checks} are its latest validation's (the test
 * stage, or a later validate); {@code schemaChanges} the contract rows of the ledger;
 * {@code quarantineByStep} quarantined rows per step, most first; {@code events} its consumer
 * events from the outbox with their delivery state; {@code lockHolder} the run holding the
 * target's lock now, if any.
 */
public record RunView(RunRecord run, List<StageRecord> stages, List<BatchRecord> batches, Map<String, Long> quarantineByStep,
                      Optional<String> lockHolder, List<CheckResult> checks, List<SchemaChangeRecord> schemaChanges,
                      List<EventState> events) {
    public RunView {
        stages = List.copyOf(stages);
        batches = List.copyOf(batches);
        quarantineByStep = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(quarantineByStep));
        checks = List.copyOf(checks);
        schemaChanges = List.copyOf(schemaChanges);
        events = List.copyOf(events);
    }

    public long committedBatches() {
        return batches.stream().filter(BatchRecord::isWritten).count();
    }

    /** This run holds its target's lock now. */
    public boolean active() {
        return lockHolder.filter(run.runId()::equals).isPresent();
    }
}
