package dev.drover.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.drover.api.Drover;
import dev.drover.delta.DeltaTables;
import dev.drover.ledger.BatchRecord;
import dev.drover.ledger.RunRecord;
import dev.drover.model.CheckResult;
import dev.drover.model.Metrics;
import dev.drover.model.MigrationResult;
import dev.drover.plan.MigrationPlan;
import dev.drover.verify.DeltaStatistics;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The one-pass check that sets the statistics Delta's writer recorded for the staged files
 * (record counts, null counts, value ranges) against what the batch writes observed: it passes
 * on a real run, and fails, naming the batch and the column, when the recorded statistics of one
 * file no longer say what was written (a writer that recorded wrong statistics, a record edited).
 */
@org.junit.jupiter.api.extension.ExtendWith(Workspace.ClosesDrovers.class)
class FileStatisticsTest {
    private static final String CHECK = "Delta file statistics match the rows written";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    @Test
    void statisticsThatDisagreeWithTheRowsWrittenAreCaught() throws IOException {
        Workspace ws = new Workspace(tmp).withData(3_000, 6, 0);
        Drover drover = ws.drover();
        MigrationResult result = drover.migrate("users/V2").execute();
        assertEquals(MigrationResult.Outcome.SUCCEEDED, result.outcome(), result.message());
        CheckResult clean = result.checks().stream().filter(c -> c.name().equals(CHECK)).findFirst().orElseThrow();
        assertTrue(clean.passed(), clean.toString());
        // users-v2's bigint user_id and int score are compared by range; strings are not (Delta truncates them)
        assertTrue(clean.observed().contains("value ranges of 2 column(s)"), clean.observed());

        MigrationPlan plan = drover.plan("users/V2");
        RunRecord run = drover.ledger().read().run(result.runId()).orElseThrow();
        List<BatchRecord> batches = drover.ledger().read().batches(result.runId());
        Metrics observed = batches.stream().map(BatchRecord::metricsValues).reduce(Metrics.EMPTY, Metrics::plus);
        DeltaTables delta = new DeltaTables(ws.spark());
        CheckResult again = DeltaStatistics.check(delta, plan, result.runId(), run.snapshotVersion(), batches, observed);
        assertTrue(again.passed(), "the check is repeatable on the untouched log: " + again);

        // batch 0's record now says one of its files holds one record fewer and a greater user_id
        long greatest = observed.value(dev.drover.model.MetricKey.rangeMax("user_id")).longValueExact();
        List<BatchRecord> tamperedBatches = new ArrayList<>(batches);
        tamperedBatches.set(0, tamperFirstFile(batches.get(0), stats -> {
            stats.put("numRecords", stats.get("numRecords").asLong() - 1);
            ((ObjectNode) stats.get("maxValues")).put("user_id", greatest + 1000);
        }));
        CheckResult tampered = DeltaStatistics.check(delta, plan, result.runId(), run.snapshotVersion(), tamperedBatches, observed);
        assertFalse(tampered.passed(), tampered.toString());
        assertTrue(tampered.observed().contains("batch 0: "), tampered.observed());
        assertTrue(tampered.observed().contains("user_id: greatest value " + (greatest + 1000) + " in its files, " + greatest + " written"),
                tampered.observed());
    }

    private interface StatsEdit {
        void apply(ObjectNode stats);
    }

    /** The batch with the statistics of its first staged file rewritten. */
    private static BatchRecord tamperFirstFile(BatchRecord batch, StatsEdit edit) throws IOException {
        List<String> files = new ArrayList<>(batch.targetFiles());
        ObjectNode action = (ObjectNode) JSON.readTree(files.get(0));
        ObjectNode stats = (ObjectNode) JSON.readTree(action.get("add").get("stats").asText());
        edit.apply(stats);
        ((ObjectNode) action.get("add")).put("stats", stats.toString());
        files.set(0, action.toString());
        return new BatchRecord(batch.runId(), batch.batchId(), batch.predicate(), batch.estimatedRows(), batch.status(),
                batch.rowsWritten(), batch.rowsQuarantined(), batch.rowsRetried(), batch.rowsRecovered(), batch.targetVersion(),
                batch.eventTime(), batch.metrics(), String.join("\n", files), batch.quarantineFiles(), batch.filesRows());
    }

    private static JsonNode parse(String line) {
        try {
            return JSON.readTree(line);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
