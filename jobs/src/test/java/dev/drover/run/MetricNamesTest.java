package dev.drover.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.drover.api.Drover;
import dev.drover.delta.DeltaTables;
import dev.drover.exec.Timings;
import dev.drover.ledger.BatchRecord;
import dev.drover.ledger.RunRecord;
import dev.drover.measure.MetricPlan;
import dev.drover.model.CheckResult;
import dev.drover.model.MetricKey;
import dev.drover.model.Metrics;
import dev.drover.model.MigrationResult;
import dev.drover.model.Proof;
import dev.drover.plan.MigrationPlan;
import dev.drover.quarantine.QuarantineTable;
import dev.drover.verify.VerifyStage;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Metric names are made in one place ({@link MetricKey}) and a count read but never written is an
 * error: if the writing side spelt a name otherwise than the test stage reads it, the test stage
 * fails loudly, naming the metric, instead of reading a zero ("0 rows with another key") and
 * passing. Each case renames one metric as a drifted writer would have written it.
 */
@org.junit.jupiter.api.extension.ExtendWith(Workspace.ClosesDrovers.class)
class MetricNamesTest {
    private static final String KEYS = "primary key preserved";

    @TempDir
    Path tmp;

    private Workspace ws;
    private Drover drover;
    private MigrationPlan plan;
    private RunRecord run;
    private List<BatchRecord> batches;

    @BeforeEach
    void migrate() {
        ws = new Workspace(tmp).withData(2_000, 4, 0);
        drover = ws.drover();
        MigrationResult result = drover.migrate("users/V2").execute();
        assertEquals(MigrationResult.Outcome.SUCCEEDED, result.outcome(), result.message());
        plan = drover.plan("users/V2");
        run = drover.ledger().read().run(result.runId()).orElseThrow();
        batches = drover.ledger().read().batches(result.runId());
    }

    @Test
    void onePassTheWritesKeyComparisonUnderAnotherNameFailsTheTestStage() {
        Metrics observed = batches.stream().map(BatchRecord::metricsValues).reduce(Metrics.EMPTY, Metrics::plus);
        assertTrue(check(test(observed, Proof.ONE_PASS), KEYS).passed(), "as written, the key check passes");

        Metrics drifted = renamed(observed, MetricKey.TARGET_KEY_DIFFERS, "target:keys_differ");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> test(drifted, Proof.ONE_PASS));
        assertTrue(e.getMessage().contains("metric target:key_differs was not measured"), e.getMessage());
        assertTrue(e.getMessage().contains("target:keys_differ"), "the message lists what was measured: " + e.getMessage());
    }

    @Test
    void readBackTheSourcesKeySumUnderAnotherNameFailsTheTestStage() {
        MetricPlan measured = new MetricPlan(plan);
        Metrics source = measured.aggregate(MetricPlan.withHidden(plan.sourceFrame(), plan.source().primaryKey()), "names", false);
        assertTrue(check(test(source, Proof.READ_BACK), KEYS).passed(), "as measured, the key check passes");

        Metrics drifted = renamed(source, MetricKey.KEY_XXHASH, "key_xxh");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> test(drifted, Proof.READ_BACK));
        assertTrue(e.getMessage().contains("metric key_xxhash was not measured"), e.getMessage());
    }

    @Test
    void aBatchsRowCountUnderAnotherNameFailsTheTestStage() {
        Metrics observed = batches.stream().map(BatchRecord::metricsValues).reduce(Metrics.EMPTY, Metrics::plus);
        Metrics drifted = renamed(observed, MetricKey.TARGET_ROWS, "written");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> test(drifted, Proof.ONE_PASS));
        assertTrue(e.getMessage().contains("metric reached was not measured"), e.getMessage());
    }

    @Test
    void aggregatesMayBeAbsentCountsMayNot() {
        Metrics none = Metrics.EMPTY;
        assertEquals(null, none.value(MetricKey.rangeMin("user_id")), "a least value over no rows is null");
        assertThrows(IllegalStateException.class, () -> none.count(MetricKey.FAILED));
        assertThrows(IllegalStateException.class, () -> none.value(MetricKey.columnHash("name")));
        assertThrows(IllegalArgumentException.class, () -> none.count(MetricKey.rangeMax("user_id")), "an aggregate is no count");
        assertEquals(0, Metrics.of(MetricKey.DROPPED, 0).count(MetricKey.DROPPED));
    }

    private VerifyStage.Outcome test(Metrics observed, Proof proof) {
        DeltaTables delta = new DeltaTables(ws.spark());
        Dataset<Row> table = delta.read(plan.targetLocation(), delta.latestVersion(plan.targetLocation()));
        VerifyStage.Audited audited = new VerifyStage.Audited(() -> table, table.schema(),
                new QuarantineTable(ws.spark(), plan.quarantineLocation()).rowsOf(run.runId()));
        VerifyStage.Policy policy = new VerifyStage.Policy(1.0, -1, -1, tmp.resolve("metrics.json").toString());
        return new VerifyStage(ws.spark(), new Timings()).run(new MetricPlan(plan), run.runId(), run.snapshotVersion(), policy,
                batches, observed, proof, audited);
    }

    private static CheckResult check(VerifyStage.Outcome outcome, String name) {
        return outcome.checks().stream().filter(c -> c.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no check '" + name + "' in " + outcome.checks()));
    }

    private static Metrics renamed(Metrics metrics, MetricKey key, String as) {
        Map<String, BigDecimal> values = new TreeMap<>(metrics.values());
        BigDecimal value = values.remove(key.name());
        assertTrue(value != null, key + " was measured before the rename");
        values.put(as, value);
        return new Metrics(values);
    }
}
