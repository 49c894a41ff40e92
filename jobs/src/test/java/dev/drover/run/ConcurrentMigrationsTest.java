package dev.drover.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.drover.api.Drover;
import dev.drover.delta.DeltaTables;
import dev.drover.ledger.LedgerReader;
import dev.drover.ledger.RunRecord;
import dev.drover.model.MigrationResult;
import dev.drover.model.RunStatus;
import dev.drover.model.Stage;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two migrations of different datasets at once in one application, through one run context and
 * one runner: both pass, the ledger holds each correctly, and every Spark job they start carries
 * its run's group and description and its migration's scheduler pool.
 */
@org.junit.jupiter.api.extension.ExtendWith(Workspace.ClosesDrovers.class)
class ConcurrentMigrationsTest {
    @TempDir
    Path tmp;

    /** Every job Spark starts, with the labels it carried. */
    static final class Jobs extends SparkListener {
        record Job(String group, String description, String pool) {}

        final List<Job> started = new CopyOnWriteArrayList<>();

        @Override
        public void onJobStart(SparkListenerJobStart job) {
            var p = job.properties();
            started.add(new Job(p == null ? null : p.getProperty("spark.jobGroup.id"),
                    p == null ? null : p.getProperty("spark.job.description"), p == null ? null : p.getProperty("spark.scheduler.pool")));
        }
    }

    @Test
    void twoMigrationsOfDifferentDatasetsRunAtOnceThroughOneRunner() throws Exception {
        Workspace ws = new Workspace(tmp).withData(3_000, 6, 1_000).withPayments(4_000);
        ws.write("migrations/payments/V1__cents.conf", """
                source = payments-v1
                target { dataset = payments-v2 }
                template = four-stage-dataset-migration
                steps = [ { derive { amount_cents = "CAST(amount * 100 AS DECIMAL(15,0))" } } ]
                batching { by = rows, max-rows = 1000 }
                checks.invariants = [ { name = cents, source = "sum(amount)", target = "sum(amount_cents) / 100" } ]
                """);

        Jobs jobs = new Jobs();
        ws.spark().sparkContext().addSparkListener(jobs);
        ExecutorService callers = Executors.newFixedThreadPool(2);
        try (Drover drover = ws.drover()) {
            MigrationRunner runner = drover.context().runner();
            Future<MigrationResult> users = callers.submit(() -> runner.migrate(drover.spec("users/V2"), false));
            Future<MigrationResult> payments = callers.submit(() -> runner.migrate(drover.spec("payments/V1"), false));
            MigrationResult u = users.get();
            MigrationResult p = payments.get();
            ws.spark().sparkContext().listenerBus().waitUntilEmpty();
            List<Jobs.Job> started = List.copyOf(jobs.started);
            assertEquals(MigrationResult.Outcome.SUCCEEDED, u.outcome(), u.message());
            assertEquals(MigrationResult.Outcome.SUCCEEDED, p.outcome(), p.message());
            assertEquals(2_997, u.rowsWritten());
            assertEquals(4_000, p.rowsWritten());

            // the ledger holds both runs, each with its own four stages and all its batches committed
            LedgerReader ledger = new LedgerReader(ws.spark(), drover.config().stateDir());
            Map<String, RunRecord> runs = ledger.runs().stream().collect(Collectors.toMap(RunRecord::migration, r -> r));
            assertEquals(Set.of("users/V2", "payments/V1"), runs.keySet());
            for (MigrationResult r : List.of(u, p)) {
                RunRecord run = runs.get(r.migration());
                assertEquals(r.runId(), run.runId());
                assertEquals(RunStatus.SUCCEEDED, run.status());
                assertEquals(Stage.TEMPLATE, ledger.stages(r.runId()).stream().map(s -> s.stage()).toList());
                assertTrue(ledger.batches(r.runId()).stream().allMatch(b -> b.isWritten() && b.runId().equals(r.runId())));
                assertFalse(ledger.checks(r.runId()).isEmpty());
            }
            assertEquals(4, ledger.batches(p.runId()).size(), "payments in batches of 1,000 rows");
            assertEquals(Map.of("step 2 (cast)", 3L), ledger.quarantineCounts(u.runId()));
            assertEquals(Map.of(), ledger.quarantineCounts(p.runId()));
            DeltaTables delta = new DeltaTables(ws.spark());
            assertEquals(4_000, delta.read(ws.warehouse + "/payments_v2", delta.latestVersion(ws.warehouse + "/payments_v2")).count());

            // the runner is reusable: a second call on the same runner finds the migration applied
            assertEquals(MigrationResult.Outcome.ALREADY_APPLIED, runner.migrate(drover.spec("payments/V1"), false).outcome());

            for (MigrationResult r : List.of(u, p)) {
                List<Jobs.Job> mine = started.stream().filter(j -> ("drover-" + r.runId()).equals(j.group())).toList();
                assertTrue(mine.size() >= 4, r.migration() + " started " + mine.size() + " labelled jobs");
                for (Jobs.Job j : mine) {
                    assertEquals(r.migration(), j.pool(), j.toString());
                    // Delta puts its own words around a description ("Delta: … : Filtering files"); ours stays in it
                    assertTrue(j.description().contains("drover " + r.migration() + " " + r.runId() + " "), j.toString());
                }
                assertTrue(mine.stream().anyMatch(j -> j.description().contains(" transform batch 0")), mine.toString());
            }
            List<Jobs.Job> unlabelled = started.stream().filter(j -> j.group() == null || !j.group().startsWith("drover-")).toList();
            assertEquals(List.of(), unlabelled, "every job the migrations started carries a drover group");
        } finally {
            ws.spark().sparkContext().removeSparkListener(jobs);
            callers.shutdownNow();
        }
    }
}
