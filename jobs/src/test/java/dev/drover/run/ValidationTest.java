package dev.drover.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.drover.api.Drover;
import dev.drover.delta.DeltaTables;
import dev.drover.ledger.Ledger;
import dev.drover.model.CheckResult;
import dev.drover.model.MigrationResult;
import dev.drover.model.ValidationResult;
import dev.drover.view.RunView;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The test stage's checks, each shown to catch a defect planted in a migration and to pass on
 * the correct one: reconciliation (counts, keys, column checksums, filters), invariants, the
 * quarantine policy, the schema contract, Deequ constraints and the row-count anomaly check,
 * and validate on demand.
 */
@org.junit.jupiter.api.extension.ExtendWith(Workspace.ClosesDrovers.class)
class ValidationTest {
    static final String SPEC = "migrations/users/V2__country_dimension.conf";

    @TempDir
    Path tmp;

    private Workspace workspace(long rows, long badEvery) {
        return new Workspace(tmp).withData(rows, 6, badEvery);
    }

    private static void plant(Workspace ws, String defect) {
        ws.write(SPEC, ws.read(SPEC).replace("  { drop = [country_id, legacy_flag] }\n",
                "  { drop = [country_id, legacy_flag] }\n  { class = \"dev.drover.defects.PlantedDefect\", row-local = true, options { defect = "
                        + defect + " } }\n"));
    }

    private static CheckResult check(List<CheckResult> checks, String name) {
        return checks.stream().filter(c -> c.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no check '" + name + "' in " + checks));
    }

    private static Set<String> failed(MigrationResult result) {
        return result.checks().stream().filter(c -> !c.passed()).map(CheckResult::name).collect(Collectors.toSet());
    }

    @Test
    void correctMigrationPassesEveryKindOfCheckAndTheLedgerKeepsThem() {
        Workspace ws = workspace(3_000, 1_000);
        Drover drover = ws.drover();
        MigrationResult result = drover.migrate("users/V2").execute();

        assertEquals(MigrationResult.Outcome.SUCCEEDED, result.outcome(), result.message());
        assertEquals(Set.of(), failed(result));
        assertEquals(Set.of("reconciliation", "invariant", "quarantine", "schema", "constraint"),
                result.checks().stream().map(c -> c.kind().label()).collect(Collectors.toSet()));
        // carried columns are checksummed under their new names; retyped and looked-up ones are not
        assertTrue(check(result.checks(), "column display_name (was name) carried unchanged").passed());
        assertTrue(check(result.checks(), "column dt carried unchanged").passed());
        // the key is proven by the key sums; a retyped column (score) and a looked-up one have no checksum
        assertTrue(result.checks().stream().noneMatch(c -> c.name().startsWith("column user_id")
                || c.name().startsWith("column score") || c.name().startsWith("column country")), result.checks().toString());
        assertTrue(check(result.checks(), "row count").observed().contains("quarantined 3"), result.checks().toString());
        CheckResult scores = check(result.checks(), "invariant score-total");
        assertEquals(scores.expected().replaceAll(".*: ", ""), scores.observed(), "source and target score totals agree");
        assertTrue(check(result.checks(), "schema change").observed().contains("name renamed"), result.checks().toString());
        // the warning names the quarantine table and the most common error kind
        assertTrue(result.message().contains("users_v2_quarantine"), result.message());
        assertTrue(result.message().contains("3 × step 2 (cast): value '…' of column score does not convert to int"), result.message());

        RunView view = drover.status(result.runId());
        assertEquals(result.checks(), view.checks(), "status shows the checks the ledger kept");
        var renamed = view.schemaChanges().stream().filter(r -> r.fromColumn().equals(java.util.Optional.of("name")))
                .findFirst().orElseThrow();
        assertEquals(java.util.Optional.of("display_name"), renamed.toColumn());
        assertEquals("renamed", renamed.kinds());
        assertTrue(renamed.breaking(), "a rename is breaking");
        Ledger ledger = drover.ledger();

        // Deploy: one outbox event per consumer of users-v1, carrying this run's schema contract.
        var events = new dev.drover.outbox.Outbox(ledger).events(result.runId());
        assertEquals(Set.of(result.runId() + ":signup-dashboard:migrated", result.runId() + ":churn-model:migrated",
                result.runId() + ":billing-export:migrated"), events.stream().map(e -> e.eventId()).collect(Collectors.toSet()));
        var churn = events.stream().filter(e -> e.consumer().equals("churn-model")).findFirst().orElseThrow();
        assertEquals("ml.dataset-updates", churn.topic());
        assertEquals(dev.drover.model.UpdateStrategy.PHASED, churn.strategy());
        assertEquals(2, churn.wave());
        assertTrue(churn.payload().contains("\"name\":\"display_name\""), churn.payload());
    }

    static java.util.stream.Stream<org.junit.jupiter.params.provider.Arguments> plantedDefects() {
        List<List<String>> defects = List.of(
                List.of("drop-row", "row count"),
                List.of("duplicate-key", "primary key preserved"),
                List.of("null-column", "column display_name (was name) carried unchanged"),
                List.of("swap-columns", "column display_name (was name) carried unchanged"));
        return defects.stream().flatMap(d -> java.util.stream.Stream.of(false, true)
                .map(readBack -> org.junit.jupiter.params.provider.Arguments.of(d.get(0), d.get(1), readBack)));
    }

    @ParameterizedTest(name = "{0}, read-back {2}")
    @org.junit.jupiter.params.provider.MethodSource("plantedDefects")
    void plantedDefectIsCaughtAndNothingPublished(String defect, String failedCheck, boolean readBack) {
        Workspace ws = workspace(1_000, 0).readBack(readBack);
        plant(ws, defect);
        MigrationResult result = ws.drover().migrate("users/V2").execute();
        assertEquals(MigrationResult.Outcome.FAILED, result.outcome());
        assertTrue(failed(result).contains(failedCheck), failedCheck + " not in " + failed(result));
        assertEquals(List.of(), new dev.drover.outbox.Outbox(ws.drover().ledger()).events(),
                "a run that failed its checks tells no consumer");
        assertFalse(new DeltaTables(ws.spark()).exists(ws.warehouse + "/users_v2"), "no unproven row was ever visible");
    }

    @ParameterizedTest(name = "read-back {0}")
    @ValueSource(booleans = {false, true})
    void truncatedDecimalFailsItsColumnChecksumAndTheDeclaredInvariant(boolean readBack) {
        Workspace ws = workspace(10, 0).readBack(readBack).withPayments(500);
        String spec = """
                source = payments-v1
                target { dataset = payments-v2 }
                template = four-stage-dataset-migration
                steps = [
                  %s
                  { derive { amount_cents = "CAST(amount * 100 AS DECIMAL(15,0))" } }
                ]
                checks.invariants = [ { name = cents, source = "sum(amount)", target = "sum(amount_cents) / 100" } ]
                """;
        ws.write("migrations/payments/V1__cents.conf", spec.formatted(""));
        MigrationResult good = ws.drover().migrate("payments/V1").execute();
        assertEquals(MigrationResult.Outcome.SUCCEEDED, good.outcome(), good.message());
        assertTrue(check(good.checks(), "invariant cents").passed());

        ws.write("migrations/payments/V1__cents.conf",
                spec.formatted("{ class = \"dev.drover.defects.PlantedDefect\", row-local = true, options { defect = truncate-decimal } }"));
        ws.drover().rollback(good.runId(), false);
        MigrationResult bad = ws.drover().migrate("payments/V1").allowChangedSpec(true).execute();
        assertEquals(MigrationResult.Outcome.FAILED, bad.outcome());
        assertTrue(failed(bad).containsAll(Set.of("column amount carried unchanged", "invariant cents")), failed(bad).toString());
    }

    @ParameterizedTest(name = "read-back {0}")
    @ValueSource(booleans = {false, true})
    void dedupStepIsAccountedForAcrossBatchesAndItsDeclaredShareEnforced(boolean readBack) {
        Workspace ws = workspace(10, 0).readBack(readBack);
        ws.write("catalog/events.yaml", """
                apiVersion: backstage.io/v1alpha1
                kind: Resource
                metadata: {name: events-v1, annotations: {drover.dev/location: events_v1}}
                spec:
                  type: dataset
                  owner: group:billing
                  schema: [{name: id, type: bigint, nullable: false}, {name: version, type: int}, {name: amount, type: int}]
                  primaryKey: [id, version]
                  partitionedBy: [version]
                ---
                apiVersion: backstage.io/v1alpha1
                kind: Resource
                metadata: {name: events-v2, annotations: {drover.dev/location: events_v2}}
                spec:
                  type: dataset
                  owner: group:billing
                  schema: [{name: id, type: bigint, nullable: false}, {name: version, type: int}, {name: amount, type: int}]
                  primaryKey: [id, version]
                  constraints: [{column: id, unique: true}]
                """);
        String spec = """
                source = events-v1
                target { dataset = events-v2 }
                template = four-stage-dataset-migration
                steps = [ { dedup { on = id, order-by = "version DESC", max-removed-ratio = %s } } ]
                batching { by = rows, max-rows = 300 }
                """;
        // 1,000 ids; every 10th was ingested twice more with older versions: 200 rows to remove.
        // The key is (id, version): batches cut by the dedup's key (id), not the primary key.
        ws.spark().range(0, 1_000).selectExpr("id", "2 AS version", "CAST(id AS INT) AS amount")
                .union(ws.spark().range(0, 1_000, 10).selectExpr("id", "1 AS version", "-1 AS amount"))
                .union(ws.spark().range(0, 1_000, 10).selectExpr("id", "0 AS version", "-2 AS amount"))
                .write().format("delta").partitionBy("version").save(ws.warehouse + "/events_v1");
        ws.write("migrations/events/V1__dedup.conf", spec.formatted("0.2"));
        MigrationResult good = ws.drover().migrate("events/V1").execute();
        assertEquals(MigrationResult.Outcome.SUCCEEDED, good.outcome(), good.message());
        assertEquals(Set.of(), failed(good));
        assertEquals("0.166667 (200 of 1200 rows)", check(good.checks(), "removed by step 1 (dedup)").observed());
        assertTrue(check(good.checks(), "row count per batch").observed().startsWith("4 of 4 batches"), good.checks().toString());
        DeltaTables delta = new DeltaTables(ws.spark());
        Dataset<Row> target = delta.read(ws.warehouse + "/events_v2", delta.latestVersion(ws.warehouse + "/events_v2"));
        // every id once, with its newest version, although the batches were cut four ways
        assertEquals(List.of(1_000L, 1_000L, 0L), List.of(target.count(), target.select("id").distinct().count(),
                target.where("version <> 2 OR amount < 0").count()));

        ws.drover().rollback(good.runId(), false);
        ws.write("migrations/events/V1__dedup.conf", spec.formatted("0.1"));
        MigrationResult over = ws.drover().migrate("events/V1").allowChangedSpec(true).execute();
        assertEquals(MigrationResult.Outcome.FAILED, over.outcome());
        assertEquals(Set.of("removed by step 1 (dedup)"), failed(over));

        // batches by partition would split an id's rows: refused before anything is written
        ws.write("migrations/events/V1__dedup.conf", spec.formatted("0.2").replace("by = rows", "by = partition"));
        var e = assertThrows(dev.drover.error.SpecError.class, () -> ws.drover().plan("events/V1"));
        assertTrue(e.getMessage().contains("batching.by") && e.getMessage().contains("would split"), e.getMessage());
    }

    @ParameterizedTest(name = "read-back {0}")
    @ValueSource(booleans = {false, true})
    void brokenConstraintAndBreakingChangeDeclaredNonBreakingFail(boolean readBack) {
        Workspace ws = workspace(1_000, 0).readBack(readBack);
        ws.write(SPEC, ws.read(SPEC).replace("compatibility = breaking", "compatibility = non-breaking")
                .replace("constraints = [ { column = user_id, complete = true } ]",
                        "constraints = [ { column = user_id, complete = true }, { column = score, min = 0, max = 50 } ]"));
        MigrationResult result = ws.drover().migrate("users/V2").execute();
        assertEquals(MigrationResult.Outcome.FAILED, result.outcome());
        assertEquals(Set.of("schema change", "constraint: score between 0.0 and 50.0"), failed(result));
        CheckResult constraint = check(result.checks(), "constraint: score between 0.0 and 50.0");
        assertEquals("0.51", constraint.observed().replaceAll(" .*", ""), "half the scores (0..99) are in range");
        assertTrue(check(result.checks(), "schema change").observed().contains("score retyped"), result.checks().toString());
        // the ledger says which checks failed, with what was expected and observed
        String message = ws.drover().status(result.runId()).run().message();
        assertTrue(message.contains("schema change: expected non-breaking (declared), observed breaking"), message);
    }

    @ParameterizedTest(name = "read-back {0}")
    @ValueSource(booleans = {false, true})
    void aGroupingConstraintRunsInDeequsOwnPassBesideTheSharedOnes(boolean readBack) {
        // uniqueness groups rows, so it cannot ride along with the reconciliation's aggregation
        Workspace ws = workspace(1_000, 0).readBack(readBack);
        ws.write(SPEC, ws.read(SPEC).replace("constraints = [ { column = user_id, complete = true } ]",
                "constraints = [ { column = user_id, unique = true }, { column = country, unique = true }, { column = score, min = 0, max = 50 } ]"));
        MigrationResult result = ws.drover().migrate("users/V2").execute();
        assertEquals(MigrationResult.Outcome.FAILED, result.outcome());
        assertEquals(Set.of("constraint: country is unique", "constraint: score between 0.0 and 50.0"), failed(result));
        assertEquals("1.0", check(result.checks(), "constraint: user_id is unique").observed());
        assertEquals("0.51", check(result.checks(), "constraint: score between 0.0 and 50.0").observed().replaceAll(" .*", ""));
    }

    @ParameterizedTest(name = "read-back {0}")
    @ValueSource(booleans = {false, true})
    void sourceAggregatesOfInvariantsCountOnlyTheRowsThatReachTheTarget(boolean readBack) {
        // ids 999, 1999 and 2999 have scores that do not cast: they go to quarantine. Observed in
        // the same pass as every other metric, the source aggregates must still skip them.
        Workspace ws = workspace(3_000, 1_000).readBack(readBack);
        ws.write(SPEC, ws.read(SPEC).replace("invariants = [\n", """
                invariants = [
                    { name = rows, source = "count(*)", target = "count(*)" }
                    { name = top-id, source = "max(user_id)", target = "max(user_id)" }
                    { name = unparsed, source = "count_if(try_cast(score AS INT) IS NULL)", target = "count_if(score IS NULL)" }
                """));
        MigrationResult result = ws.drover().migrate("users/V2").execute();
        assertEquals(MigrationResult.Outcome.SUCCEEDED, result.outcome(), result.message());
        assertEquals("2997", check(result.checks(), "invariant rows").observed());
        assertEquals("2998", check(result.checks(), "invariant top-id").observed());
        assertEquals("0", check(result.checks(), "invariant unparsed").observed());
        assertTrue(check(result.checks(), "row count").observed().contains("quarantined 3"), result.checks().toString());
    }

    @Test
    void onlyWhereMasksTheArgumentsOfAnAggregateAndRefusesOtherText() {
        var rows = new Workspace(tmp).spark().range(10).selectExpr("id", "id % 2 = 0 AS even");
        var even = org.apache.spark.sql.functions.col("even");
        var row = rows.agg(dev.drover.measure.MetricPlan.onlyWhere("count(*)", even), dev.drover.measure.MetricPlan.onlyWhere("sum(id)", even),
                dev.drover.measure.MetricPlan.onlyWhere("MAX(id)", even), dev.drover.measure.MetricPlan.onlyWhere("count_if(id > 3)", even)).first();
        assertEquals(List.of(5L, 20L, 8L, 3L), List.of(row.getLong(0), row.getLong(1), row.getLong(2), row.getLong(3)));
        assertEquals(null, dev.drover.measure.MetricPlan.onlyWhere("sum(id) + 1", even), "not one aggregate at the top");
        assertEquals(null, dev.drover.measure.MetricPlan.onlyWhere("count(DISTINCT id)", even), "distinct");
        assertEquals(null, dev.drover.measure.MetricPlan.onlyWhere("avg(id)", even), "an aggregate that does not combine by batch");
        assertEquals(null, dev.drover.measure.MetricPlan.onlyWhere("sum(", even), "not SQL");
    }

    @ParameterizedTest(name = "read-back {0}")
    @ValueSource(booleans = {false, true})
    void anErrorInTheTestStagePublishesNothingAndFailsTheRun(boolean readBack) {
        Workspace ws = workspace(1_000, 0).readBack(readBack);
        // valid SQL, an aggregate, but it fails while the test stage reads the target
        ws.write(SPEC, ws.read(SPEC).replace("{ name = country-known, target = \"count_if(country IS NULL)\", expect = 0 }",
                "{ name = country-known, target = \"count_if(raise_error('invariant blew up') IS NULL)\", expect = 0 }"));
        MigrationResult result = ws.drover().migrate("users/V2").execute();
        assertEquals(MigrationResult.Outcome.FAILED, result.outcome(), result.message());
        // one-pass: the invariant's aggregate is observed while the batches are written, so the
        // transform stage meets the error; read-back: the test stage's read of the target does
        assertTrue(result.message().contains((readBack ? "test stage could not run" : "transform stage could not write every batch")
                + ", nothing published"), result.message());
        assertTrue(result.message().contains("invariant blew up"), result.message());
        DeltaTables delta = new DeltaTables(ws.spark());
        String target = ws.warehouse + "/users_v2";
        assertFalse(delta.exists(target), "nothing published: the table was never created");
        assertEquals("failed", ws.drover().status(result.runId()).run().status().label());
        assertEquals(List.of(), new dev.drover.outbox.Outbox(ws.drover().ledger()).events());
    }

    @ParameterizedTest(name = "read-back {0}")
    @ValueSource(booleans = {false, true})
    void filterStepIsAccountedForAndItsDeclaredShareEnforced(boolean readBack) {
        Workspace ws = workspace(1_000, 0).readBack(readBack);
        ws.write(SPEC, ws.read(SPEC).replace("  { drop = [country_id, legacy_flag] }\n",
                "  { filter { keep = \"country_id <> 3\", max-removed-ratio = 0.05 } }\n  { drop = [country_id, legacy_flag] }\n"));
        MigrationResult result = ws.drover().migrate("users/V2").execute();
        assertEquals(MigrationResult.Outcome.SUCCEEDED, result.outcome(), result.message());
        assertEquals(980, result.rowsWritten());
        assertTrue(check(result.checks(), "row count").observed().contains("removed 20"), result.checks().toString());
        assertTrue(check(result.checks(), "primary key preserved").passed());

        Workspace strict = new Workspace(tmp.resolve("strict")).readBack(readBack).withData(1_000, 6, 0);
        strict.write(SPEC, strict.read(SPEC).replace("  { drop = [country_id, legacy_flag] }\n",
                "  { filter { keep = \"country_id <> 3\", max-removed-ratio = 0.01 } }\n  { drop = [country_id, legacy_flag] }\n"));
        MigrationResult tooMany = strict.drover().migrate("users/V2").execute();
        assertEquals(Set.of("removed by step 4 (filter)"), failed(tooMany));
    }

    @ParameterizedTest(name = "read-back {0}")
    @ValueSource(booleans = {false, true})
    void quarantinePolicyByCount(boolean readBack) {
        Workspace ws = workspace(2_000, 500).readBack(readBack);
        ws.write(SPEC, ws.read(SPEC).replace("quarantine { max-ratio = 0.001 }", "quarantine { max-ratio = 0.01, max-rows = 3 }"));
        MigrationResult result = ws.drover().migrate("users/V2").execute();
        assertEquals(Set.of("quarantined rows"), failed(result));
        assertEquals("4", check(result.checks(), "quarantined rows").observed());
    }

    @Test
    void tableRewrittenWithAnotherLayoutStillValidatesAndAChangedValueDoesNot() {
        Workspace ws = workspace(2_000, 0);
        Drover drover = ws.drover();
        MigrationResult result = drover.migrate("users/V2").execute();
        assertEquals(MigrationResult.Outcome.SUCCEEDED, result.outcome(), result.message());
        String target = ws.warehouse + "/users_v2";
        DeltaTables delta = new DeltaTables(ws.spark());

        // same rows, other files and order: 7 files per day, sorted backwards
        long migrated = delta.latestVersion(target);
        Dataset<Row> rows = delta.read(target, migrated);
        rows.repartition(7).sortWithinPartitions(rows.col("user_id").desc()).write().format("delta")
                .mode("overwrite").partitionBy("dt").save(target);
        assertEquals(migrated + 1, delta.latestVersion(target), "the table was rewritten in a commit of its own");
        ValidationResult again = drover.validate(result.runId());
        assertTrue(again.passed(), again.message());
        assertEquals(again.checks(), drover.status(result.runId()).checks(), "status shows the latest validation");

        // one display name changed behind Drover's back
        delta.read(target, delta.latestVersion(target)).selectExpr("user_id",
                        "CASE WHEN user_id = 42 THEN 'someone else' ELSE display_name END AS display_name", "score", "country", "dt")
                .write().format("delta").mode("overwrite").partitionBy("dt").save(target);
        ValidationResult changed = drover.validate(result.runId());
        assertFalse(changed.passed());
        assertEquals(List.of("column display_name (was name) carried unchanged"),
                changed.checks().stream().filter(c -> !c.passed()).map(CheckResult::name).toList());
    }

    @ParameterizedTest(name = "read-back {0}")
    @ValueSource(booleans = {false, true})
    void rowCountMovingTooFarFromThePreviousRunIsAnAnomaly(boolean readBack) {
        Workspace ws = workspace(1_000, 0).readBack(readBack);
        Drover drover = ws.drover();
        MigrationResult first = drover.migrate("users/V2").execute();
        assertEquals(MigrationResult.Outcome.SUCCEEDED, first.outcome(), first.message());
        assertTrue(first.checks().stream().noneMatch(c -> c.kind() == dev.drover.model.CheckKind.ANOMALY), "no history yet: no anomaly check");
        drover.rollback(first.runId(), false);

        ws.withData(3_000, 6, 0);
        MigrationResult second = ws.drover().migrate("users/V2").execute();
        assertEquals(MigrationResult.Outcome.FAILED, second.outcome());
        assertEquals(Set.of("anomaly: row count change"), failed(second));

        // The failed run's count is not history: back at 1,000 rows, the next run compares with
        // the first run (no change), not with the failed one (-67 %).
        ws.withData(1_000, 6, 0);
        MigrationResult third = ws.drover().migrate("users/V2").execute();
        assertEquals(MigrationResult.Outcome.SUCCEEDED, third.outcome(), third.message());
        assertTrue(check(third.checks(), "anomaly: row count change").passed());
    }
}
