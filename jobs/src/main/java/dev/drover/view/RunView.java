package dev.drover.view;

import dev.drover.ledger.BatchRecord;
import dev.drover.ledger.RunRecord;
import dev.drover.ledger.StageRecord;
import dev.drover.model.CheckResult;
import java.util.List;
import org.apache.spark.sql.Row;

/**
 * Everything the ledger knows of one run. {@code checks} are its latest validation's (the test
 * stage, or a later validate); {@code schemaChanges} the contract rows of the ledger;
 * {@code events} its consumer events from the outbox with their delivery state.
 */
public record RunView(RunRecord run, List<StageRecord> stages, List<BatchRecord> batches, List<Row> quarantineByStep,
                      String lockHolder, List<CheckResult> checks, List<Row> schemaChanges,
                      List<dev.drover.outbox.EventState> events) {
    public long committedBatches() {
        return batches.stream().filter(b -> b.status().equals(BatchRecord.COMMITTED)).count();
    }
}
