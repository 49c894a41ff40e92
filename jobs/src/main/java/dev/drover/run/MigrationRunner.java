package dev.drover.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.drover.catalog.Catalog;
import dev.drover.catalog.StageNotes;
import dev.drover.config.DroverConfig;
import dev.drover.delta.CommitTag;
import dev.drover.delta.DeltaTables;
import dev.drover.error.DroverError;
import dev.drover.error.SpecError;
import dev.drover.ledger.BatchRecord;
import dev.drover.ledger.Ledger;
import dev.drover.ledger.RunRecord;
import dev.drover.ledger.RunStatus;
import dev.drover.ledger.StageRecord;
import dev.drover.spec.MigrationSpec;
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

    public MigrationRunner(SparkSession spark, DroverConfig config, Catalog catalog, PrintStream out) {
        this.spark = spark;
        this.config = config;
        this.catalog = catalog;
        this.ledger = new Ledger(spark, config.stateDir());
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
                    done.targetVersion(), List.of(), "already applied by run " + done.runId() + "; nothing to do");
        }
        Optional<RunRecord> unfinished = latest.filter(r -> r.status() == RunStatus.RUNNING
                && r.specChecksum().equals(spec.checksum()));
        String runId = unfinished.map(RunRecord::runId).orElseGet(MigrationRunner::newRunId);
        try (RunLock lock = RunLock.acquire(config.stateDir(), spec.target(), runId, config.lockLease(), config.lockHeartbeat())) {
            return unfinished.isPresent() ? resume(spec, unfinished.get()) : start(spec, runId);
        }
    }

    private MigrationResult start(MigrationSpec spec, String runId) {
        Instant started = Instant.now();
        MigrationPlan plan = new Analyzer(spark, config, catalog).plan(spec);
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
                .put("snapshotVersion", plan.targetVersion()).put("batches", batches.size());
        ObjectNode lookups = detail.putObject("lookups");
        plan.lookupVersions().forEach(lookups::put);
        stage(plan, runId, "analyze", started, "succeeded", detail.toString());
        out.printf("run %s: %s %s@v%d -> %s, %d batches%n", runId, spec.id(), plan.source().name(),
                plan.sourceVersion(), plan.target().name(), batches.size());
        KillPoints.reached("analyzed");
        return transformAndFinish(plan, run, batches, false);
    }

    private MigrationResult resume(MigrationSpec spec, RunRecord run) {
        Map<String, Long> lookups = new HashMap<>();
        ledger.stages(run.runId()).stream().filter(s -> s.stage().equals("analyze")).findFirst().ifPresent(s -> {
            try {
                JsonNode detail = JSON.readTree(s.detail());
                detail.path("lookups").fields().forEachRemaining(e -> lookups.put(e.getKey(), e.getValue().asLong()));
            } catch (Exception e) {
                throw new IllegalStateException("ledger stage detail of run " + run.runId() + " is not JSON", e);
            }
        });
        MigrationPlan plan = new Analyzer(spark, config, catalog).plan(spec, run.sourceVersion(), lookups);
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
        long written = 0;
        long quarantined = 0;
        KeySums sourceSums = KeySums.ZERO;
        int done = 0;
        for (BatchRecord batch : batches) {
            if (batch.status().equals(BatchRecord.COMMITTED)) {
                written += batch.rowsWritten();
                quarantined += batch.rowsQuarantined();
                sourceSums = sourceSums.plus(batch.sourceSums());
                progress.batch(++done, batches.size(), 0);
                continue;
            }
            KillPoints.reached("batch-writing:" + batch.batchId());
            BatchRecord committed = writeWithRetries(writer, batch, batch.batchId() == batches.get(0).batchId(), resumed);
            KillPoints.reached("batch-committed:" + batch.batchId());
            ledger.record(List.of(committed));
            if (committed.rowsQuarantined() > 0) {
                ledger.recordQuarantine(runId, batch.batchId(), quarantineByStep(quarantine, runId, batch.batchId()));
            }
            written += committed.rowsWritten();
            quarantined += committed.rowsQuarantined();
            sourceSums = sourceSums.plus(committed.sourceSums());
            progress.batch(++done, batches.size(), committed.rowsWritten() + committed.rowsQuarantined());
        }
        stage(plan, runId, "transform", started, "succeeded", JSON.createObjectNode()
                .put("rowsWritten", written).put("rowsQuarantined", quarantined).put("resumed", resumed).toString());

        Instant testStarted = Instant.now();
        double maxRatio = plan.spec().maxQuarantineRatio() >= 0 ? plan.spec().maxQuarantineRatio() : config.quarantineMaxRatio();
        List<CheckResult> checks = new TestStage(spark).run(plan, runId, quarantine, maxRatio, sourceSums);
        boolean passed = checks.stream().allMatch(CheckResult::passed);
        stage(plan, runId, "test", testStarted, passed ? "succeeded" : "failed", checksJson(checks));
        long targetVersion = delta.latestVersion(plan.targetLocation());
        if (!passed) {
            new Restorer(spark).restore(plan.targetLocation(), run.snapshotVersion(),
                    new CommitTag(runId, plan.spec().id(), "rollback", null));
            String failed = String.join("; ", checks.stream().filter(c -> !c.passed()).map(CheckResult::line).toList());
            ledger.record(run.with(RunStatus.FAILED, "test stage failed, target restored: " + failed, targetVersion));
            return new MigrationResult(runId, plan.spec().id(), MigrationResult.Outcome.FAILED_AND_ROLLED_BACK, resumed,
                    written, quarantined, delta.latestVersion(plan.targetLocation()), checks, failed);
        }
        Instant deployStarted = Instant.now();
        String warning = quarantined > 0 ? quarantined + " rows quarantined in " + quarantine : "";
        ledger.record(run.with(RunStatus.SUCCEEDED, warning, targetVersion));
        stage(plan, runId, "deploy", deployStarted, "succeeded",
                JSON.createObjectNode().put("targetVersion", targetVersion).toString());
        return new MigrationResult(runId, plan.spec().id(), MigrationResult.Outcome.SUCCEEDED, resumed, written,
                quarantined, targetVersion, checks, warning);
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
            array.addObject().put("check", c.name()).put("passed", c.passed()).put("expected", c.expected())
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
