package dev.drover.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.drover.analyze.AnalyzeStage;
import dev.drover.catalog.Catalog;
import dev.drover.catalog.StageNotes;
import dev.drover.config.DroverConfig;
import dev.drover.delta.CommitTag;
import dev.drover.delta.DeltaTables;
import dev.drover.error.DroverError;
import dev.drover.error.SpecError;
import dev.drover.exec.Futures;
import dev.drover.exec.KillPoints;
import dev.drover.exec.Timings;
import dev.drover.ledger.BatchRecord;
import dev.drover.ledger.Ledger;
import dev.drover.ledger.RunRecord;
import dev.drover.ledger.StageRecord;
import dev.drover.measure.Reconciliation;
import dev.drover.model.CheckResult;
import dev.drover.model.Metrics;
import dev.drover.model.MigrationResult;
import dev.drover.model.RunStatus;
import dev.drover.model.ValidationResult;
import dev.drover.plan.Batch;
import dev.drover.plan.MigrationPlan;
import dev.drover.restore.Restorer;
import dev.drover.spec.MigrationSpec;
import dev.drover.transform.BatchWriter;
import dev.drover.transform.Progress;
import dev.drover.verify.VerifyStage;
import java.io.PrintStream;
import java.net.InetAddress;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.apache.spark.sql.SparkSession;

/**
 * Runs a migration through analyze → transform → test → deploy, recording each stage in the
 * ledger. A run that was killed is resumed from the ledger (same pinned source, same batches);
 * only batches Delta does not have are written again.
 */
public final class MigrationRunner {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DateTimeFormatter RUN_TIME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

    private final SparkSession spark;
    private final DroverConfig config;
    private final Catalog catalog;
    private final Ledger ledger;
    private final DeltaTables delta;
    private final PrintStream out;
    private final Timings timings = new Timings();

    public MigrationRunner(SparkSession spark, DroverConfig config, Catalog catalog, PrintStream out) {
        this.spark = spark;
        this.config = config;
        this.catalog = catalog;
        this.ledger = Ledger.background(spark, config.stateDir(), s -> timings.add("ledger writes (background, summed)", s));
        this.delta = new DeltaTables(spark);
        this.out = out;
    }

    public MigrationResult migrate(MigrationSpec spec, boolean allowChangedSpec) {
        List<RunRecord> runs = ledger.runsOf(spec.id());
        checkChecksum(spec, runs, allowChangedSpec);
        Optional<RunRecord> latest = runs.stream().findFirst();
        if (latest.isPresent() && latest.get().status() == RunStatus.SUCCEEDED
                && latest.get().specChecksum().equals(spec.checksum())) {
            RunRecord done = latest.get();
            return new MigrationResult(done.runId(), spec.id(), MigrationResult.Outcome.ALREADY_APPLIED, false, 0, 0,
                    done.targetVersion(), List.of(), "already applied by run " + done.runId() + "; nothing to do", timings.seconds());
        }
        Optional<RunRecord> unfinished = latest.filter(r -> r.status() == RunStatus.RUNNING
                && r.specChecksum().equals(spec.checksum()));
        String runId = unfinished.map(RunRecord::runId).orElseGet(MigrationRunner::newRunId);
        try (RunLock lock = RunLock.acquire(config.stateDir(), spec.target(), runId, config.lockLease(), config.lockHeartbeat())) {
            return unfinished.isPresent() ? resume(spec, unfinished.get()) : start(spec, runId);
        } finally {
            ledger.close();
        }
    }

    private MigrationResult start(MigrationSpec spec, String runId) {
        Instant started = Instant.now();
        MigrationPlan plan = timings.time("analyze", () -> new AnalyzeStage(spark, config, catalog).plan(spec));
        RunRecord run = new RunRecord(runId, spec.id(), spec.checksum(), plan.source().name(), plan.sourceLocation(),
                plan.sourceVersion(), plan.target().name(), plan.targetLocation(), spec.mode().label(),
                plan.targetVersion(), -1, RunStatus.RUNNING, "", Instant.now(), host(), ProcessHandle.current().pid());
        ledger.record(run);
        ledger.recordChecksum(spec.id(), spec.checksum(), spec.file().toString(), runId);
        List<BatchRecord> batches = new ArrayList<>();
        for (Batch b : plan.batches()) {
            batches.add(BatchRecord.planned(runId, b.id(), b.predicate(), b.estimatedRows()));
        }
        ledger.record(batches);
        ObjectNode detail = JSON.createObjectNode().put("sourceVersion", plan.sourceVersion())
                .put("snapshotVersion", plan.targetVersion()).put("batches", batches.size())
                .put("parallelBatches", Math.min(config.parallelBatches(), batches.size()));
        ObjectNode lookups = detail.putObject("lookups");
        plan.lookupVersions().forEach(lookups::put);
        stage(plan, runId, "analyze", started, "succeeded", detail.toString());
        out.printf("run %s: %s %s@v%d -> %s, %d batches%n", runId, spec.id(), plan.source().name(),
                plan.sourceVersion(), plan.target().name(), batches.size());
        timings.time("ledger wait", ledger::flush);
        KillPoints.reached("analyzed");
        return transformAndFinish(plan, run, batches, false);
    }

    private MigrationResult resume(MigrationSpec spec, RunRecord run) {
        Map<String, Long> lookups = pinnedLookups(run);
        MigrationPlan plan = new AnalyzeStage(spark, config, catalog).plan(spec, run.sourceVersion(), lookups);
        List<BatchRecord> batches = ledger.batches(run.runId());
        long done = batches.stream().filter(b -> b.status().equals(BatchRecord.COMMITTED)).count();
        out.printf("run %s: resuming %s from the ledger, %d of %d batches committed%n", run.runId(), spec.id(), done, batches.size());
        return transformAndFinish(plan, run, batches, true);
    }

    private MigrationResult transformAndFinish(MigrationPlan plan, RunRecord run, List<BatchRecord> batches, boolean resumed) {
        String runId = run.runId();
        String quarantine = quarantineLocation(plan);
        Instant started = Instant.now();
        BatchWriter writer = new BatchWriter(delta, plan, runId, quarantine);
        Progress progress = new Progress(out, config.progress());
        BatchTotals totals = new BatchTotals();
        List<BatchRecord> todo = new ArrayList<>();
        for (BatchRecord batch : batches) {
            if (batch.status().equals(BatchRecord.COMMITTED)) {
                totals.add(batch);
                progress.batch(totals.done, batches.size(), 0);
            } else {
                todo.add(batch);
            }
        }
        // Batches commit in any order (each has its own app id). When several run at once the
        // target is first reset in a commit of its own: an overwrite racing appends would conflict.
        int parallel = resumed ? recordedParallelBatches(run) : Math.min(config.parallelBatches(), batches.size());
        long transformStart = System.nanoTime();
        if (parallel > 1) {
            writer.reset(resumed);
        }
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(Math.max(1, parallel));
        try {
            List<java.util.concurrent.Future<?>> futures = new ArrayList<>();
            for (BatchRecord batch : todo) {
                boolean first = parallel == 1 && batch.batchId() == batches.get(0).batchId();
                futures.add(pool.submit(() -> {
                    KillPoints.reached("batch-writing:" + batch.batchId());
                    BatchRecord committed = writeWithRetries(writer, batch, first, resumed);
                    KillPoints.reached("batch-committed:" + batch.batchId());
                    ledger.record(List.of(committed));
                    if (committed.rowsQuarantined() > 0) {
                        ledger.recordQuarantine(runId, batch.batchId(), quarantineByStep(quarantine, runId, batch.batchId()));
                    }
                    synchronized (totals) {
                        totals.add(committed);
                        progress.batch(totals.done, batches.size(), committed.rowsWritten() + committed.rowsQuarantined());
                    }
                }));
            }
            Futures.awaitAll(futures, "batch writes");
        } finally {
            pool.shutdownNow();
            timings.add("batch writes", (System.nanoTime() - transformStart) / 1e9);
        }
        long written = totals.written;
        long quarantined = totals.quarantined;
        stage(plan, runId, "transform", started, "succeeded", JSON.createObjectNode()
                .put("rowsWritten", written).put("rowsQuarantined", quarantined).put("resumed", resumed).toString());

        Instant testStarted = Instant.now();
        List<BatchRecord> committed = totals.committedInOrder();
        VerifyStage.Outcome outcome;
        try {
            outcome = new VerifyStage(spark, timings).run(plan, runId, quarantine, policy(plan), committed,
                    VerifyStage.total(committed));
        } catch (Exception e) {   // Spark's own SparkException is checked, thrown through Scala
            // Data nobody has proven must not stay visible: an error in the test stage fails it.
            return testStageError(plan, run, testStarted, written, quarantined, resumed, e);
        }
        List<CheckResult> checks = outcome.checks();
        boolean passed = outcome.passed();
        stage(plan, runId, "test", testStarted, passed ? "succeeded" : "failed", checksJson(checks));
        ledger.recordChecks(runId, "test", checks);
        ledger.recordSchemaChanges(runId, outcome.schema());
        long targetVersion = delta.latestVersion(plan.targetLocation());
        if (!passed) {
            timings.time("restore", () -> new Restorer(spark).restore(plan.targetLocation(), run.snapshotVersion(),
                    new CommitTag(runId, plan.spec().id(), "rollback", null)));
            String failed = failedChecks(checks);
            ledger.record(run.with(RunStatus.FAILED, "test stage failed, target restored: " + failed, targetVersion));
            timings.time("ledger wait", ledger::flush);
            return new MigrationResult(runId, plan.spec().id(), MigrationResult.Outcome.FAILED_AND_ROLLED_BACK, resumed,
                    written, quarantined, delta.latestVersion(plan.targetLocation()), checks, failed, timings.seconds());
        }
        // A passing run's Deequ metrics become the next run's anomaly baseline.
        outcome.keepMetrics().run();
        // Deploy: the consumer events go to the outbox, then the run record says succeeded, then
        // a published marker: the notifier sends only marked runs' events, so a run killed in
        // between tells no one until its resume (which writes no event twice) finishes.
        Instant deployStarted = Instant.now();
        String warning = outcome.quarantineSummary();
        var events = dev.drover.deploy.Announcements.migrated(plan, run, targetVersion, outcome.schema(), checks, written,
                quarantined, config.notifications(), deployStarted);
        var outbox = new dev.drover.outbox.Outbox(ledger);
        outbox.write(events, resumed);
        ledger.record(run.with(RunStatus.SUCCEEDED, warning, targetVersion));
        if (!events.isEmpty()) {
            // The notifier sends a run's events once this marker follows its succeeded record.
            ledger.flush();
            outbox.markPublished(runId);
        }
        var consumers = JSON.createArrayNode();
        events.forEach(e -> consumers.add(e.consumer()));
        var deployDetail = JSON.createObjectNode().put("targetVersion", targetVersion).put("events", events.size());
        deployDetail.set("consumers", consumers);
        stage(plan, runId, "deploy", deployStarted, "succeeded", deployDetail.toString());
        if (!events.isEmpty()) {
            out.printf("run %s: %d consumer event(s) in the outbox for %s; drover notify publishes them%n", runId,
                    events.size(), String.join(", ", events.stream().map(dev.drover.outbox.OutboxEvent::consumer).toList()));
        }
        timings.time("ledger wait", ledger::flush);
        return new MigrationResult(runId, plan.spec().id(), MigrationResult.Outcome.SUCCEEDED, resumed, written,
                quarantined, targetVersion, checks, warning, timings.seconds());
    }

    /** The test stage could not run to its end: restore the snapshot, record the run as failed (exit 1). */
    private MigrationResult testStageError(MigrationPlan plan, RunRecord run, Instant testStarted, long written, long quarantined,
                                           boolean resumed, Exception error) {
        String runId = run.runId();
        String cause = String.valueOf(error.getMessage());
        int newline = cause.indexOf('\n');
        String reason = "test stage could not run, target restored: " + error.getClass().getSimpleName() + ": "
                + (newline < 0 ? cause : cause.substring(0, newline));
        timings.time("restore", () -> new Restorer(spark).restore(plan.targetLocation(), run.snapshotVersion(),
                new CommitTag(runId, plan.spec().id(), "rollback", null)));
        stage(plan, runId, "test", testStarted, "failed", JSON.createObjectNode().put("error", reason).toString());
        long version = delta.latestVersion(plan.targetLocation());
        ledger.record(run.with(RunStatus.FAILED, reason, version));
        timings.time("ledger wait", ledger::flush);
        return new MigrationResult(runId, plan.spec().id(), MigrationResult.Outcome.FAILED_AND_ROLLED_BACK, resumed,
                written, quarantined, version, List.of(), reason, timings.seconds());
    }

    /**
     * Re-runs the test stage of a succeeded run on demand: the source metrics are computed again
     * from the recorded source version (one pass through the steps, nothing written), the target
     * is read as it is now. Read-only: a failing check is reported (exit 1), nothing is restored.
     */
    public ValidationResult validate(String runId, MigrationSpec spec) {
        RunRecord run = ledger.requireRun(runId);
        if (run.status() != RunStatus.SUCCEEDED) {
            throw new dev.drover.error.InputError("", "run", "run " + runId + " is " + run.status().label()
                    + "; only a succeeded run's data is in its target to validate");
        }
        try {
            Instant started = Instant.now();
            MigrationPlan plan = new AnalyzeStage(spark, config, catalog).plan(spec, run.sourceVersion(), pinnedLookups(run));
            List<BatchRecord> batches = ledger.batches(runId);
            Metrics source = new Reconciliation(plan).aggregate(
                    Reconciliation.withHidden(plan.sourceFrame(), plan.source().primaryKey()), "validate-" + runId);
            VerifyStage.Outcome outcome = new VerifyStage(spark).run(plan, runId, quarantineLocation(plan), policy(plan), batches, source);
            ledger.recordChecks(runId, "validate", outcome.checks());
            stage(plan, runId, "validate", started, outcome.passed() ? "succeeded" : "failed", checksJson(outcome.checks()));
            ledger.flush();
            return new ValidationResult(runId, spec.id(), outcome.passed(), outcome.checks(), outcome.schema(),
                    outcome.passed() ? "" : failedChecks(outcome.checks()));
        } finally {
            ledger.close();
        }
    }

    private Map<String, Long> pinnedLookups(RunRecord run) {
        Map<String, Long> lookups = new HashMap<>();
        ledger.stages(run.runId()).stream().filter(s -> s.stage().equals("analyze")).findFirst().ifPresent(s -> {
            try {
                JSON.readTree(s.detail()).path("lookups").fields().forEachRemaining(e -> lookups.put(e.getKey(), e.getValue().asLong()));
            } catch (Exception e) {
                throw new IllegalStateException("ledger stage detail of run " + run.runId() + " is not JSON", e);
            }
        });
        return lookups;
    }

    /** The test stage's thresholds: the spec's, else the config's defaults. */
    VerifyStage.Policy policy(MigrationPlan plan) {
        var checks = plan.spec().checks();
        return new VerifyStage.Policy(
                checks.maxQuarantineRatio() >= 0 ? checks.maxQuarantineRatio() : config.quarantineMaxRatio(),
                checks.maxQuarantineRows() >= 0 ? checks.maxQuarantineRows() : config.quarantineMaxRows(),
                checks.rowCountMaxChange() >= 0 ? checks.rowCountMaxChange() : config.rowCountMaxChange(),
                config.stateDir() + "/metrics/" + plan.target().name() + ".json");
    }

    static String failedChecks(List<CheckResult> checks) {
        return String.join("; ", checks.stream().filter(c -> !c.passed()).map(c -> c.name() + ": expected "
                + c.expected() + ", observed " + c.observed()).toList());
    }

    /** Running totals of committed batches. */
    private static final class BatchTotals {
        int done;
        long written;
        long quarantined;
        final List<BatchRecord> committed = new ArrayList<>();

        void add(BatchRecord batch) {
            done++;
            written += batch.rowsWritten();
            quarantined += batch.rowsQuarantined();
            committed.add(batch);
        }

        synchronized List<BatchRecord> committedInOrder() {
            return committed.stream().sorted(java.util.Comparator.comparingInt(BatchRecord::batchId)).toList();
        }
    }

    /**
     * How many batches run at once: fixed when the run starts and recorded with analyze, so a
     * resumed run keeps the way its target was first written.
     */
    private int recordedParallelBatches(RunRecord run) {
        for (StageRecord s : ledger.stages(run.runId())) {
            if (s.stage().equals("analyze")) {
                try {
                    JsonNode n = JSON.readTree(s.detail()).path("parallelBatches");
                    if (!n.isMissingNode()) {
                        return n.asInt();
                    }
                } catch (Exception e) {
                    throw new IllegalStateException("ledger stage detail of run " + run.runId() + " is not JSON", e);
                }
            }
        }
        return 1; // runs recorded before batches could run at once wrote them one by one
    }

    private BatchRecord writeWithRetries(BatchWriter writer, BatchRecord batch, boolean first, boolean resumed) {
        RuntimeException last = null;
        for (int attempt = 1; attempt <= config.maxAttempts(); attempt++) {
            try {
                // after a failed attempt the batch may have committed before the failure surfaced
                return writer.write(batch, first, resumed || attempt > 1);
            } catch (DroverError e) {
                throw e;
            } catch (RuntimeException e) {
                last = e;
                out.printf("batch %d attempt %d of %d failed: %s%n", batch.batchId(), attempt, config.maxAttempts(),
                        String.valueOf(e.getMessage()).split("\n")[0]);
            }
        }
        throw last;
    }

    private List<org.apache.spark.sql.Row> quarantineByStep(String location, String runId, int batchId) {
        return delta.read(location, delta.latestVersion(location))
                .where(org.apache.spark.sql.functions.col("run_id").equalTo(runId)
                        .and(org.apache.spark.sql.functions.col("batch_id").equalTo(batchId)))
                .groupBy("step").count().collectAsList();
    }

    public String quarantineLocation(MigrationPlan plan) {
        return plan.targetLocation() + config.quarantineSuffix();
    }

    private void stage(MigrationPlan plan, String runId, String stage, Instant started, String outcome, String detail) {
        StageNotes notes = plan.template().notes(stage);
        ledger.record(new StageRecord(runId, stage, started, Instant.now(), outcome, notes.expectedRuntime(),
                notes.rollback(), notes.successCriteria(), detail));
    }

    private static String checksJson(List<CheckResult> checks) {
        var array = JSON.createArrayNode();
        for (CheckResult c : checks) {
            array.addObject().put("kind", c.kind()).put("check", c.name()).put("passed", c.passed()).put("expected", c.expected())
                    .put("observed", c.observed());
        }
        return array.toString();
    }

    private static void checkChecksum(MigrationSpec spec, List<RunRecord> runs, boolean allowChanged) {
        for (RunRecord run : runs) {
            boolean counts = run.status() == RunStatus.SUCCEEDED || run.status() == RunStatus.RUNNING;
            if (counts && !run.specChecksum().equals(spec.checksum()) && !allowChanged) {
                throw new SpecError(spec.file().toString(), "checksum", "the spec changed since run " + run.runId()
                        + (run.status() == RunStatus.RUNNING ? " started" : " applied") + " it (recorded " + run.specChecksum().substring(0, 12) + "…, now "
                        + spec.checksum().substring(0, 12) + "…); write a new V" + (spec.version() + 1)
                        + " spec, or pass --allow-changed-spec");
            }
        }
    }

    static String newRunId() {
        return RUN_TIME.format(Instant.now()) + "-" + UUID.randomUUID().toString().substring(0, 6);
    }

    private static String host() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            return "unknown";
        }
    }
}
