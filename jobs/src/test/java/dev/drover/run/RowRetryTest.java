package dev.drover.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.drover.api.Drover;
import dev.drover.delta.DeltaTables;
import dev.drover.ledger.BatchRecord;
import dev.drover.ledger.StageDetail;
import dev.drover.model.CheckKind;
import dev.drover.model.CheckResult;
import dev.drover.model.MigrationResult;
import dev.drover.model.Stage;
import dev.drover.view.Render;
import dev.drover.view.RunView;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A per-row ({@code map}) step whose function fails some rows' first tries: each row gets
 * {@code drover.transform.row-attempts} tries; rows that succeed after a retry are counted as
 * recovered (a warning in the checks, the ledger and status), rows that fail every try go to
 * quarantine with their last error and the number of tries.
 */
@org.junit.jupiter.api.extension.ExtendWith(Workspace.ClosesDrovers.class)
class RowRetryTest {
    static final String SPEC = "migrations/users/V2__country_dimension.conf";

    @TempDir
    Path tmp;

    @ParameterizedTest(name = "{0} tries")
    @CsvSource({
            // ids ending in 1 fail once, in 2 twice, in 03 always: 100 + 100 + 10 rows retried of 1,000
            "3, 200, 10",
            "2, 100, 110"})
    void rowsAreTriedAgainAndRecoveredOrQuarantined(int attempts, long recovered, long quarantined) {
        Workspace ws = new Workspace(tmp).withData(1_000, 4, 0);
        ws.write(SPEC, ws.read(SPEC)
                .replace("  { drop = [country_id, legacy_flag] }\n",
                        "  { drop = [country_id, legacy_flag] }\n  { map { class = \"dev.drover.defects.FlakyEnrich\" } }\n")
                .replace("quarantine { max-ratio = 0.001 }", "quarantine { max-ratio = 0.2 }")
                .replace("max-rows = 250000", "max-rows = 400"));
        Drover drover = ws.drover("drover.transform.row-attempts=" + attempts, "drover.transform.row-retry-backoff=1ms");
        MigrationResult result = drover.migrate("users/V2").execute();

        assertEquals(MigrationResult.Outcome.SUCCEEDED, result.outcome(), result.message());
        assertEquals(1_000 - quarantined, result.rowsWritten());
        assertEquals(quarantined, result.rowsQuarantined());
        assertEquals(210, result.rowsRetried());
        assertEquals(recovered, result.rowsRecovered());
        CheckResult warning = result.checks().stream().filter(c -> c.kind() == CheckKind.RETRY).findFirst().orElseThrow();
        assertTrue(warning.passed() && warning.warning(), warning.toString());
        assertEquals(recovered + " of 210 rows retried succeeded; " + (210 - recovered) + " failed every try (quarantined)",
                warning.observed());

        // the ledger: per batch and in the transform stage's detail, and the warning among the checks
        RunView view = drover.status(result.runId());
        assertTrue(view.batches().size() > 1, "several batches: " + view.batches().size());
        assertEquals(210, view.batches().stream().mapToLong(BatchRecord::rowsRetried).sum());
        assertEquals(recovered, view.batches().stream().mapToLong(BatchRecord::rowsRecovered).sum());
        StageDetail.Transform transform = view.stages().stream().filter(s -> s.stage() == Stage.TRANSFORM).findFirst()
                .orElseThrow().detail(StageDetail.Transform.class);
        assertEquals(List.of(210L, recovered), List.of(transform.rowsRetried(), transform.rowsRecovered()));
        assertTrue(view.checks().contains(warning), view.checks().toString());
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        Render.run(new PrintStream(text, true, StandardCharsets.UTF_8), view);
        assertTrue(text.toString(StandardCharsets.UTF_8).contains("warn  rows recovered by retrying: " + recovered + " of 210"),
                text.toString(StandardCharsets.UTF_8));

        // quarantined with the last error and the number of tries; recovered rows went through the step
        DeltaTables delta = new DeltaTables(ws.spark());
        String quarantine = ws.warehouse + "/users_v2_quarantine";
        Dataset<Row> rows = delta.read(quarantine, delta.latestVersion(quarantine));
        assertEquals(quarantined, rows.where("attempts = " + attempts
                + " AND error LIKE 'failed " + attempts + " of " + attempts + " tries: IllegalStateException: enrichment service timed out%'").count());
        Dataset<Row> target = delta.read(ws.warehouse + "/users_v2", delta.latestVersion(ws.warehouse + "/users_v2"));
        assertEquals(0, target.where("country <> upper(country)").count(), "every written row went through the step");
        assertEquals(recovered, target.where("user_id % 10 IN (1, 2)").count());
    }
}
