package dev.drover.verify;

import static dev.drover.testing.Frames.frame;
import static dev.drover.testing.Frames.row;
import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.drover.catalog.ColumnSpec;
import dev.drover.catalog.DatasetEntity;
import dev.drover.ledger.BatchRecord;
import dev.drover.measure.DeequSuite;
import dev.drover.measure.KeySums;
import dev.drover.model.CheckKind;
import dev.drover.model.CheckResult;
import dev.drover.model.MetricKey;
import dev.drover.model.Metrics;
import dev.drover.model.SchemaDiff;
import dev.drover.spec.ChecksSpec;
import dev.drover.spec.InvariantSpec;
import java.math.BigDecimal;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/**
 * The test stage's check groups one by one, on metrics made in memory and key sums of small
 * in-memory frames: what passes, what fails, and what each says when it fails.
 */
class CheckGroupsTest {
    private static final String KEY = "id BIGINT";

    private static Metrics metrics(Object... keysAndValues) {
        Map<String, Object> values = new HashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            values.put(((MetricKey) keysAndValues[i]).name(), keysAndValues[i + 1]);
        }
        return Metrics.of(values);
    }

    private static KeySums keys(Dataset<Row> frame) {
        return KeySums.of(frame, List.of(col("id")), false);
    }

    private static Dataset<Row> ids(long... ids) {
        Object[][] rows = new Object[ids.length][];
        for (int i = 0; i < ids.length; i++) {
            rows[i] = row(ids[i]);
        }
        return frame(KEY, rows);
    }

    @Test
    void rowCountHoldsWhenSourceIsTargetQuarantinedAndRemoved() {
        assertTrue(ReconciliationChecks.rowCount(new Counts(10, 7, 2, 1)).passed());
        CheckResult off = ReconciliationChecks.rowCount(new Counts(10, 7, 2, 0));
        assertFalse(off.passed());
        assertEquals("target 7 + quarantined 2 + removed 0 = 9", off.observed());
        assertFalse(ReconciliationChecks.sourceReadOnce(10, 9, 2).passed());
        assertTrue(ReconciliationChecks.sourceReadOnce(10, 10, 2).passed());
    }

    @Test
    void readBackKeysMustEachArriveOnceInTargetQuarantineOrRemovedRows() {
        KeySums source = keys(ids(1, 2, 3, 4, 5));
        Metrics sourceSide = metrics(MetricKey.KEY_XXHASH, source.xxhash(), MetricKey.KEY_MURMUR, source.murmur(),
                MetricKey.DROPPED_KEY_XXHASH, keys(ids(5)).xxhash(), MetricKey.DROPPED_KEY_MURMUR, keys(ids(5)).murmur());
        KeySums quarantine = keys(ids(3));
        AtomicInteger explained = new AtomicInteger();
        Supplier<String> difference = () -> explained.incrementAndGet() + " explanation";

        KeySums target = keys(ids(1, 2, 4));
        CheckResult whole = ReconciliationChecks.keysReadBack(new Counts(5, 3, 1, 1), sourceSide,
                metrics(MetricKey.TARGET_KEY_XXHASH, target.xxhash(), MetricKey.TARGET_KEY_MURMUR, target.murmur()), quarantine, difference);
        assertTrue(whole.passed(), whole.toString());
        assertEquals(0, explained.get(), "the exact comparison runs only on a mismatch");

        // key 4 lost, key 2 written twice: same row count, other sums
        KeySums wrong = keys(ids(1, 2, 2));
        CheckResult lost = ReconciliationChecks.keysReadBack(new Counts(5, 3, 1, 1), sourceSide,
                metrics(MetricKey.TARGET_KEY_XXHASH, wrong.xxhash(), MetricKey.TARGET_KEY_MURMUR, wrong.murmur()), quarantine, difference);
        assertFalse(lost.passed());
        assertEquals("1 explanation", lost.observed());
    }

    @Test
    void onePassKeysFailOnARowWithAnotherKeyOrOnKeySumsAStepChanged() {
        Supplier<String> difference = () -> "3 keys missing";
        assertTrue(ReconciliationChecks.keysOnePass(metrics(MetricKey.TARGET_KEY_DIFFERS, 0), true, difference).passed());
        CheckResult differs = ReconciliationChecks.keysOnePass(metrics(MetricKey.TARGET_KEY_DIFFERS, 2), true, difference);
        assertFalse(differs.passed());
        assertEquals("2 rows written with another key than their source row's", differs.observed());

        KeySums before = keys(ids(1, 2, 3));
        KeySums after = keys(ids(1, 2));
        CheckResult lost = ReconciliationChecks.keysOnePass(metrics(MetricKey.TARGET_KEY_DIFFERS, 0,
                MetricKey.KEY_XXHASH, before.xxhash(), MetricKey.KEY_MURMUR, before.murmur(),
                MetricKey.AFTER_KEY_XXHASH, after.xxhash(), MetricKey.AFTER_KEY_MURMUR, after.murmur()), false, difference);
        assertFalse(lost.passed(), "a step that may lose rows lost key 3");
        assertTrue(lost.observed().endsWith("; 3 keys missing"), lost.observed());
    }

    @Test
    void removingStepsAndCarriedColumnsAreCheckedOneByOne() {
        Map<String, Double> removing = new LinkedHashMap<>();
        removing.put("2:filter", 0.1);
        removing.put("3:dedup", -1.0);
        List<CheckResult> removed = ReconciliationChecks.removedBySteps(removing,
                metrics(MetricKey.droppedBy("2:filter"), 20, MetricKey.droppedBy("3:dedup"), 50), 100);
        assertFalse(removed.get(0).passed(), "20 % against at most 10 %");
        assertEquals("0.200000 (20 of 100 rows)", removed.get(0).observed());
        assertTrue(removed.get(1).passed(), "no share declared: any");

        Map<String, String> carried = Map.of("name", "display_name");
        List<CheckResult> onePass = ReconciliationChecks.carriedColumns(carried, metrics(MetricKey.targetDiffers("display_name"), 1),
                Metrics.EMPTY, false, 9);
        assertEquals("column display_name (was name) carried unchanged", onePass.get(0).name());
        assertFalse(onePass.get(0).passed());
        assertTrue(onePass.get(0).observed().startsWith("1 of 9 rows differ"), onePass.get(0).observed());

        Metrics source = metrics(MetricKey.columnHash("display_name"), 42, MetricKey.columnNulls("display_name"), 1);
        assertTrue(ReconciliationChecks.carriedColumns(carried, source, metrics(MetricKey.targetColumnHash("display_name"), 42,
                MetricKey.targetNulls("display_name"), 1), true, 9).get(0).passed());
        assertFalse(ReconciliationChecks.carriedColumns(carried, source, metrics(MetricKey.targetColumnHash("display_name"), 43,
                MetricKey.targetNulls("display_name"), 1), true, 9).get(0).passed());
    }

    @Test
    void eachBatchsQuarantineCommitMustHoldTheRowsItsWriteSawFail() {
        BatchRecord good = BatchRecord.planned("r", 0, "true", 5).staged(List.of(), 4, List.of("q0"), batchMetrics(1, 1));
        BatchRecord short1 = BatchRecord.planned("r", 1, "true", 5).staged(List.of(), 3, List.of("q1"), batchMetrics(2, 1));
        assertTrue(ReconciliationChecks.quarantineWrites(List.of(good)).passed());
        CheckResult off = ReconciliationChecks.quarantineWrites(List.of(good, short1));
        assertFalse(off.passed());
        assertEquals("batch 1: 1 rows in quarantine, 2 failed", off.observed());
    }

    private static Metrics batchMetrics(long failed, long quarantined) {
        return metrics(MetricKey.FAILED, failed, MetricKey.QUARANTINED, quarantined, MetricKey.TARGET_ROWS, 5 - failed,
                MetricKey.RETRIED, 0, MetricKey.RECOVERED, 0);
    }

    @Test
    void invariantsCompareWithinTheirToleranceAndTwoNullsAgree() {
        InvariantSpec total = new InvariantSpec("total", Optional.of("sum(score)"), "sum(score)", Optional.empty(), new BigDecimal("0.5"));
        InvariantSpec none = new InvariantSpec("none", Optional.empty(), "count_if(country IS NULL)", Optional.of(BigDecimal.ZERO),
                BigDecimal.ZERO);
        Metrics observed = metrics(MetricKey.invariantSource("total", "sum"), new BigDecimal("100.2"));
        Map<String, BigDecimal> target = Map.of("total", new BigDecimal("100.6"), "none", BigDecimal.ONE);
        List<CheckResult> checks = InvariantChecks.check(List.of(total, none), inv -> target.get(inv.name()), observed);
        assertTrue(checks.get(0).passed(), "0.4 apart, 0.5 allowed: " + checks.get(0));
        assertEquals(CheckKind.INVARIANT, checks.get(0).kind());
        assertFalse(checks.get(1).passed(), "1 country unknown, 0 expected");
        assertEquals("1", checks.get(1).observed());

        assertTrue(InvariantChecks.check(List.of(total), inv -> null, Metrics.EMPTY).get(0).passed(),
                "both aggregates over no rows are null: they agree");
        assertFalse(InvariantChecks.check(List.of(total), inv -> BigDecimal.ONE, Metrics.EMPTY).get(0).passed());
    }

    @Test
    void theQuarantinePolicyBoundsShareAndRowsAndWarnsOfRetries() {
        VerifyStage.Policy policy = new VerifyStage.Policy(0.01, 5, -1, "unused");
        Metrics noRetries = metrics(MetricKey.RETRIED, 0, MetricKey.RECOVERED, 0);
        List<CheckResult> within = QuarantinePolicy.check(policy, new Counts(1000, 995, 5, 0), noRetries);
        assertEquals(2, within.size());
        assertTrue(within.stream().allMatch(CheckResult::passed), within.toString());

        List<CheckResult> over = QuarantinePolicy.check(policy, new Counts(1000, 980, 20, 0),
                metrics(MetricKey.RETRIED, 7, MetricKey.RECOVERED, 4));
        assertFalse(over.get(0).passed(), "2 % against 1 %");
        assertFalse(over.get(1).passed(), "20 rows against 5");
        CheckResult retries = over.get(2);
        assertTrue(retries.passed() && retries.warning(), retries.toString());
        assertEquals("4 of 7 rows retried succeeded; 3 failed every try (quarantined)", retries.observed());

        List<CheckResult> noRowLimit = QuarantinePolicy.check(new VerifyStage.Policy(0.01, -1, -1, "unused"),
                new Counts(10, 10, 0, 0), noRetries);
        assertEquals(List.of("quarantine ratio"), noRowLimit.stream().map(CheckResult::name).toList());
    }

    @Test
    void theSchemaContractHoldsTheTargetToItsDeclarationAndItsDeclaredCompatibility() {
        StructType before = StructType.fromDDL("id BIGINT, name STRING, flag BOOLEAN");
        StructType written = StructType.fromDDL("id BIGINT, display_name STRING");
        DatasetEntity target = new DatasetEntity("users-v2", "users.yaml", "team", "users_v2", "delta",
                List.of(new ColumnSpec("id", DataTypes.LongType, false), new ColumnSpec("display_name", DataTypes.StringType, true)),
                List.of("id"), List.of(), List.of(), List.of(), Map.of());
        SchemaDiff planned = SchemaDiff.between(before, written, Map.of("name", "display_name"));
        SchemaDiff contract = SchemaContract.contract(before, written, planned, List.of(), target.schema());
        ChecksSpec nonBreaking = new ChecksSpec(-1, -1, Optional.of(ChecksSpec.Compatibility.NON_BREAKING), List.of(), List.of(), -1,
                List.of(), Optional.empty());

        List<CheckResult> checks = SchemaContract.check(target, written, metrics(MetricKey.targetNulls("id"), 0), nonBreaking, contract);
        assertTrue(checks.get(0).passed(), checks.get(0).toString());
        assertFalse(checks.get(1).passed(), "a rename and a drop are breaking, non-breaking was declared");
        assertTrue(checks.get(1).observed().startsWith("breaking: "), checks.get(1).observed());
        assertTrue(SchemaContract.check(target, written, metrics(MetricKey.targetNulls("id"), 0), ChecksSpec.NONE, contract)
                .get(1).passed(), "no compatibility declared: any change");

        CheckResult nulls = SchemaContract.check(target, written, metrics(MetricKey.targetNulls("id"), 3), ChecksSpec.NONE, contract).get(0);
        assertFalse(nulls.passed());
        assertEquals("id has 3 nulls, declared non-null", nulls.observed());
    }

    @Test
    void deequsOutcomesBecomeConstraintAndAnomalyChecks() {
        DeequSuite.Evaluation evaluation = new DeequSuite.Evaluation(List.of(
                new DeequSuite.Outcome("user_id complete", true, "completeness(user_id) = 1", "1.0", ""),
                new DeequSuite.Outcome("anomaly: row count", false, "change at most 0.5", "0.9", "was 100")), () -> { });
        List<CheckResult> checks = VerifyStage.constraintChecks(evaluation);
        assertEquals(CheckKind.CONSTRAINT, checks.get(0).kind());
        assertTrue(checks.get(0).passed());
        assertEquals(CheckKind.ANOMALY, checks.get(1).kind());
        assertFalse(checks.get(1).passed());
        assertEquals("0.9 (was 100)", checks.get(1).observed());
    }
}
