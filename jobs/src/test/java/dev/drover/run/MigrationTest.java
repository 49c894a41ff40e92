package dev.drover.run;

import static dev.drover.testing.SharedSpark.assertSameRows;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.drover.api.Drover;
import dev.drover.delta.DeltaTables;
import dev.drover.ledger.RunStatus;
import java.nio.file.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MigrationTest {
    static final String SPEC = "migrations/users/V2__country_dimension.conf";

    @TempDir
    Path tmp;

    @Test
    void migratesUsersToV2WithQuarantineAndLedger() {
        Workspace ws = new Workspace(tmp).withData(4_000, 10, 1_000);
        ws.write(SPEC, ws.read(SPEC).replace("max-rows = 250000", "max-rows = 1200"));
        Drover drover = ws.drover();
        MigrationResult result = drover.migrate("users/V2").execute();

        assertEquals(MigrationResult.Outcome.SUCCEEDED, result.outcome(), result.message());
        assertEquals(3_996, result.rowsWritten());
        assertEquals(4, result.rowsQuarantined());
        DeltaTables delta = new DeltaTables(ws.spark());
        String target = ws.warehouse + "/users_v2";
        Dataset<Row> expected = ws.spark().read().format("delta").load(ws.warehouse + "/users_v1")
                .where("score <> 'n/a'")
                .selectExpr("user_id", "name AS display_name", "CAST(score AS INT) AS score",
                        "element_at(array(" + countryList() + "), country_id + 1) AS country", "dt");
        assertSameRows(expected, delta.read(target, delta.latestVersion(target)).select("user_id", "display_name", "score", "country", "dt"));

        RunView view = drover.status(result.runId());
        assertEquals(RunStatus.SUCCEEDED, view.run().status());
        assertEquals(view.batches().size(), view.committedBatches());
        assertTrue(view.batches().size() >= 3, "batches: " + view.batches().size());
        assertEquals(4, view.stages().size());
        assertEquals("under 1 minute", view.stages().get(0).expectedRuntime());
    }

    private static String countryList() {
        StringBuilder sb = new StringBuilder();
        String[] codes = java.util.Locale.getISOCountries();
        for (int i = 0; i < dev.drover.demo.DemoData.COUNTRIES; i++) {
            sb.append(i == 0 ? "" : ", ").append("'").append(codes[i]).append("'");
        }
        return sb.toString();
    }
}
