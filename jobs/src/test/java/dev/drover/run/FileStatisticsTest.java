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
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The one-pass check that sets the statistics Delta recorded for the committed files (record
 * counts, null counts, value ranges) against what the batch writes observed: it passes on a real
 * run, and fails, naming the batch and the column, when the log's statistics of one committed
 * file no longer say what was written (a writer that recorded wrong statistics, a log edited
 * by hand).
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

        // batch 0's commit now says one of its files holds one record fewer and a greater user_id
        long greatest = observed.get(dev.drover.measure.MetricPlan.rangeMax("user_id")).longValueExact();
        tamperFirstFileOfBatch(Path.of(URI.create(plan.targetLocation())), result.runId(), 0, stats -> {
            stats.put("numRecords", stats.get("numRecords").asLong() - 1);
            ((ObjectNode) stats.get("maxValues")).put("user_id", greatest + 1000);
        });
        CheckResult tampered = DeltaStatistics.check(delta, plan, result.runId(), run.snapshotVersion(), batches, observed);
        assertFalse(tampered.passed(), tampered.toString());
        assertTrue(tampered.observed().contains("batch 0: "), tampered.observed());
        assertTrue(tampered.observed().contains("user_id: greatest value " + (greatest + 1000) + " in its files, " + greatest + " written"),
                tampered.observed());
    }

    private interface StatsEdit {
        void apply(ObjectNode stats);
    }

    /** Rewrites the statistics of the first file that {@code batch} of {@code runId} added, in its commit's JSON. */
    private static void tamperFirstFileOfBatch(Path table, String runId, int batch, StatsEdit edit) throws IOException {
        List<Path> commits;
        try (Stream<Path> files = Files.list(table.resolve("_delta_log"))) {
            commits = files.filter(f -> f.getFileName().toString().matches("\\d{20}\\.json")).sorted().toList();
        }
        for (Path commit : commits) {
            List<String> lines = Files.readAllLines(commit);
            boolean ours = lines.stream().map(FileStatisticsTest::parse).anyMatch(a -> a.has("commitInfo")
                    && a.get("commitInfo").path("userMetadata").asText().contains("\"run\":\"" + runId + "\"")
                    && a.get("commitInfo").path("userMetadata").asText().contains("\"batch\":" + batch));
            if (!ours) {
                continue;
            }
            List<String> out = new ArrayList<>();
            boolean done = false;
            for (String line : lines) {
                JsonNode action = parse(line);
                if (!done && action.has("add")) {
                    ObjectNode stats = (ObjectNode) JSON.readTree(action.get("add").get("stats").asText());
                    edit.apply(stats);
                    ((ObjectNode) action.get("add")).put("stats", stats.toString());
                    line = action.toString();
                    done = true;
                }
                out.add(line);
            }
            Files.write(commit, out);
            Files.deleteIfExists(commit.resolveSibling("." + commit.getFileName() + ".crc"));
            return;
        }
        throw new AssertionError("no commit of batch " + batch + " of run " + runId + " in " + table);
    }

    private static JsonNode parse(String line) {
        try {
            return JSON.readTree(line);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
