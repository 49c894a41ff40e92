package dev.drover.run;

import static java.util.Objects.requireNonNull;

import dev.drover.analyze.AnalyzeStage;
import dev.drover.catalog.DatasetEntity;
import dev.drover.catalog.StageNotes;
import dev.drover.common.Hosts;
import dev.drover.common.Messages;
import dev.drover.config.DroverConfig;
import dev.drover.delta.CommitTag;
import dev.drover.delta.DeltaTables;
import dev.drover.delta.StagedFiles;
import dev.drover.deploy.DeployStage;
import dev.drover.error.ConflictError;
import dev.drover.error.DroverError;
import dev.drover.error.InputError;
import dev.drover.error.SpecError;
import dev.drover.exec.JobLabel;
import dev.drover.exec.KillPoints;
import dev.drover.exec.MigrationScope;
import dev.drover.exec.Timings;
import dev.drover.ledger.BatchRecord;
import dev.drover.ledger.Ledger;
import dev.drover.ledger.LedgerReader;
import dev.drover.ledger.RunPlan;
import dev.drover.ledger.RunRecord;
import dev.drover.ledger.SpecChecksum;
import dev.drover.ledger.StageDetail;
import dev.drover.ledger.StageRecord;
import dev.drover.measure.MetricPlan;
import dev.drover.model.CheckResult;
import dev.drover.model.Metrics;
import dev.drover.model.MigrationResult;
import dev.drover.model.Proof;
import dev.drover.model.RollbackResult;
import dev.drover.model.RunStatus;
import dev.drover.model.Stage;
import dev.drover.model.StageOutcome;
import dev.drover.model.ValidationResult;
import dev.drover.outbox.OutboxEvent;
import dev.drover.plan.MigrationPlan;
import dev.drover.quarantine.QuarantineTable;
import dev.drover.restore.Rollback;
import dev.drover.spec.MigrationSpec;
import dev.drover.storage.RunLock;
import dev.drover.transform.TransformStage;
import dev.drover.verify.VerifyStage;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Runs a migration through analyze → transform → test → deploy, recording each stage in the
 * ledger; a run that was killed is resumed from the ledger (same pinned source, same batches),
 * and only batches Delta does not have are written again. Also the verbs that act on a run
 * later: validate and rollback. One runner may serve many calls; it holds no state of its own
 * beyond the shared {@link RunContext}.
 */
public final class MigrationRunner {
    private static final DateTimeFormatter RUN_TIME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

    private final RunContext context;
    private final DroverConfig config;
    private final DeltaTables delta;

    MigrationRunner(RunContext context) {
        this.context = requireNonNull(context, "context is null");
        this.config = context.config();
        this.delta = new DeltaTables(context.spark());
    }

    public MigrationResult migrate(MigrationSpec spec, boolean allowChangedSpec) {
        return migrate(spec, allowChangedSpec, runId -> { });
    }

    /**
     * As {@link #migrate(MigrationSpec, boolean)}; {@code started} hears the run's id once the run
     * is in the ledger (a new run once analyze accepted the spec, a resumed one at once).
     */
    public MigrationResult migrate(MigrationSpec spec, boolean allowChangedSpec, Consumer<String> started) {
        return migrate(spec, new Options(allowChangedSpec, false, false), started);
    }

    /**
     * What a migrate may do besides running the spec: run a spec that changed since it was applied;
     * turn on the source's change data feed first ({@code enableCdf}, for a transition window); run
     * an applied migration again from the source's latest version without telling its consumers
     * again ({@code resnapshot}, when a window's sync cannot be served from the feed).
     */
    public record Options(boolean allowChangedSpec, boolean enableCdf, boolean resnapshot) {}

    public MigrationResult migrate(MigrationSpec spec, Options options, Consumer<String> started) {
        return JobLabel.of(spec.id(), context.pool(spec.id()), "start").call(context.spark(), () -> start(spec, options, started));
    }

    private MigrationResult start(MigrationSpec spec, Options options, Consumer<String> started) {
        Timings timings = new Timings();
        Ledger ledger = context.ledger();
        List<RunRecord> runs = ledger.read().runsOf(spec.id());
        checkChecksum(spec, runs, options.allowChangedSpec());
        Optional<RunRecord> latest = runs.stream().findFirst();
        if (!options.resnapshot() && latest.isPresent() && latest.get().status() == RunStatus.SUCCEEDED
                && latest.get().specChecksum().equals(spec.checksum())) {
            RunRecord done = latest.get();
            return new MigrationResult(done.runId(), spec.id(), MigrationResult.Outcome.ALREADY_APPLIED, false, 0, 0, 0, 0,
                    done.targetVersion().orElse(-1L), List.of(), "already applied by run " + done.runId() + "; nothing to do",
                    timings.seconds());
        }
        Optional<RunRecord> unfinished = latest.filter(r -> r.status() == RunStatus.RUNNING && r.specChecksum().equals(spec.checksum()));
        String runId = unfinished.map(RunRecord::runId).orElseGet(MigrationRunner::newRunId);
        MigrationResult result;
        try (RunLock lock = RunLock.acquire(context.lockFiles(), spec.target() + ".lock", runId, config.lockLease(), config.lockHeartbeat())) {
            if (options.enableCdf() && unfinished.isEmpty()) {
                enableChangeDataFeed(spec, runId, ledger);
            }
            // a resumed run may be a resnapshot (a sync names it); a new run's id is new, nothing names it yet
            boolean quiet = options.resnapshot() || unfinished.isPresent() && ledger.read().syncs(spec.id()).stream()
                    .anyMatch(s -> s.kind() == dev.drover.model.SyncKind.RESNAPSHOT && s.baseRun().equals(runId));
            Run run = new Run(context.scope(spec.id(), runId, timings), ledger, started, lock, quiet);
            result = unfinished.isPresent() ? run.resume(spec, unfinished.get()) : run.start(spec);
        } finally {
            ledger.flush();
            forget(spec);
        }
        // after the lock is let go: a slow or unreachable sink holds no dataset
        timings.time("alerts", () -> context.alerts().afterRun(result.runId()));
        return result;
    }

    /**
     * Turns on the source's change data feed for a migration with a transition window, in a
     * metadata-only commit of the source tagged with the run, recorded in the ledger; nothing when
     * it is on already or the migration has no window.
     */
    private void enableChangeDataFeed(MigrationSpec spec, String runId, Ledger ledger) {
        if (!dev.drover.transition.Windows.hasWindow(context.catalog(), spec)) {
            return;
        }
        DatasetEntity source = context.catalog().dataset(spec.source()).orElseThrow();
        String location = config.resolveLocation(source.location());
        if (!delta.exists(location)) {
            return;   // analyze says so
        }
        long version = delta.latestVersion(location);
        if (delta.changeDataFeedOn(location, version)) {
            return;
        }
        long made = delta.setProperties(location, java.util.Map.of(DeltaTables.CHANGE_DATA_FEED, "true"),
                new CommitTag(runId, spec.id(), Stage.ANALYZE, null));
        ledger.record(new dev.drover.ledger.TransitionRecord(spec.id(), dev.drover.model.TransitionEvent.CDF_ENABLED, source.name(),
                System.getProperty("user.name", ""), "delta.enableChangeDataFeed = true on " + location + " in version " + made,
                Instant.now()));
        context.out().printf("run %s: turned on %s's change data feed (version %d)%n", runId, source.name(), made);
    }

    /** The migration's own tables out of Delta's in-memory cache: an application may run thousands (lookups stay, shared). */
    private void forget(MigrationSpec spec) {
        for (String name : List.of(spec.source(), spec.target())) {
            context.catalog().dataset(name).ifPresent(d -> {
                String location = config.resolveLocation(d.location());
                delta.forget(location);
                if (name.equals(spec.target())) {
                    delta.forget(location + config.quarantineSuffix());
                }
            });
        }
    }

    /**
     * Re-runs the test stage of a succeeded run on demand: the source metrics are computed again
     * from the recorded source version (one pass through the steps, nothing written), the target
     * is read as it is now. Read-only: a failing check is reported (exit 1), nothing is restored.
     */
    public ValidationResult validate(String runId) {
        Ledger ledger = context.ledger();
        RunRecord run = ledger.read().requireRun(runId);
        MigrationSpec spec = context.specs().find(run.migration());
        if (!spec.checksum().equals(run.specChecksum())) {
            throw new InputError(spec.file().toString(), "checksum", "the spec changed since run " + runId
                    + " applied it; validate checks a run against the spec it ran with");
        }
        if (run.status() != RunStatus.SUCCEEDED) {
            throw new InputError("", "run", "run " + runId + " is " + run.status().label()
                    + "; only a succeeded run's data is in its target to validate");
        }
        MigrationScope scope = context.scope(spec.id(), runId, new Timings());
        Instant started = Instant.now();
        LedgerReader.Resumable recorded = ledger.read().resumable(run);
        MigrationPlan plan = scope.job(Stage.VALIDATE, null, () ->
                new AnalyzeStage(context.spark(), config, context.catalog()).plan(spec, pinned(run, recorded.analyzed())));
        List<BatchRecord> batches = recorded.batches();
        MetricPlan measured = new MetricPlan(plan);
        VerifyStage.Outcome outcome = scope.job(Stage.VALIDATE, null, () -> {
            Metrics source = measured.aggregate(MetricPlan.withHidden(plan.sourceFrame(), plan.source().primaryKey()),
                    "validate-" + runId, false);
            Dataset<Row> table = delta.read(plan.targetLocation(), delta.latestVersion(plan.targetLocation()));
            VerifyStage.Audited audited = new VerifyStage.Audited(() -> table, table.schema(),
                    new QuarantineTable(context.spark(), plan.quarantineLocation()).rowsOf(runId));
            return new VerifyStage(context.spark(), scope.timings()).run(measured, runId, run.snapshotVersion(), policy(plan),
                    batches, source, Proof.READ_BACK, audited);
        });
        ledger.recordChecks(runId, Stage.VALIDATE, outcome.checks());
        ledger.record(stageRecord(plan, runId, Stage.VALIDATE, started, StageOutcome.of(outcome.passed()),
                StageDetail.Test.of(Proof.READ_BACK.label(), outcome.checks())));
        ledger.flush();
        return new ValidationResult(runId, spec.id(), outcome.passed(), outcome.checks(), outcome.schema(),
                outcome.passed() ? "" : failedChecks(outcome.checks()));
    }

    /** Restores a run's target to its snapshot and tells the consumers already told (see {@link Rollback}). */
    public RollbackResult rollback(String runId, boolean force) {
        Ledger ledger = context.ledger();
        RunRecord run = ledger.read().requireRun(runId);
        Optional<RollbackResult> nothing = Rollback.nothingToDo(run);
        if (nothing.isPresent()) {
            return nothing.get();
        }
        try (RunLock lock = RunLock.acquire(context.lockFiles(), run.target() + ".lock", runId, config.lockLease(), config.lockHeartbeat())) {
            MigrationScope scope = context.scope(run.migration(), runId, new Timings());
            String quarantine = run.targetLocation() + config.quarantineSuffix();
            return scope.job(Stage.ROLLBACK, null, () -> new Rollback(context.spark(), ledger).rollback(run, quarantine, force));
        }
    }

    /** One run of a migration, start to end, within its scope. */
    private final class Run {
        private final MigrationScope scope;
        private final Ledger ledger;
        private final Consumer<String> started;
        private final RunLock lock;
        /** A resnapshot: the window's consumers were told of the migration once, they are not told again. */
        private final boolean quiet;

        Run(MigrationScope scope, Ledger ledger, Consumer<String> started, RunLock lock, boolean quiet) {
            this.scope = scope;
            this.ledger = ledger;
            this.started = started;
            this.lock = lock;
            this.quiet = quiet;
        }

        MigrationResult start(MigrationSpec spec) {
            String runId = scope.runId();
            Instant started = Instant.now();
            MigrationPlan plan = scope.timings().time("analyze", () -> scope.job(Stage.ANALYZE, null,
                    () -> new AnalyzeStage(context.spark(), config, context.catalog(), scope.timings()).plan(spec)));
            // a quota's max-tasks bounds the batches at once too (each batch job runs at least one task)
            int parallel = spec.quota().resolve(config.wave().quota())
                    .parallelBatches(Math.min(config.parallelBatches(), plan.batches().size()));
            List<BatchRecord> batches = plan.batches().stream()
                    .map(b -> BatchRecord.planned(runId, b.id(), b.predicate(), b.estimatedRows())).toList();
            StageDetail.Analyze analyzed = new StageDetail.Analyze(plan.sourceVersion(), plan.snapshotVersion().orElse(null),
                    batches.size(), parallel, plan.lookupVersions(), proof(plan).label());
            // The run and its plan, in one commit, are all a kill must find before the target is
            // touched; the rest of analyze's records are committed while the batches are written.
            RunRecord run = new RunRecord(runId, spec.id(), spec.checksum(), plan.source().name(), plan.sourceLocation(),
                    plan.sourceVersion(), plan.target().name(), plan.targetLocation(), spec.mode(), plan.snapshotVersion(),
                    Optional.empty(), RunStatus.RUNNING, "", Instant.now(), Hosts.name(), ProcessHandle.current().pid(),
                    RunPlan.of(analyzed, batches).json());
            ledger.record(run);
            scope.timings().time("ledger wait", ledger::flush);
            ledger.recordChecksum(new SpecChecksum(spec.id(), spec.checksum(), spec.file().toString(), runId, Instant.now()));
            ledger.recordBatches(batches);
            ledger.record(stageRecord(plan, runId, Stage.ANALYZE, started, StageOutcome.SUCCEEDED, analyzed));
            scope.out().printf("run %s: %s %s@v%d -> %s, %d batches%n", runId, spec.id(), plan.source().name(),
                    plan.sourceVersion(), plan.target().name(), batches.size());
            this.started.accept(runId);
            KillPoints.reached("analyzed");
            return finish(plan, run, batches, false, parallel);
        }

        MigrationResult resume(MigrationSpec spec, RunRecord run) {
            started.accept(run.runId());
            LedgerReader.Resumable resumable = ledger.read().resumable(run);
            MigrationPlan plan = scope.job(Stage.ANALYZE, null, () -> new AnalyzeStage(context.spark(), config, context.catalog())
                    .plan(spec, pinned(run, resumable.analyzed())));
            List<BatchRecord> batches = resumable.batches();
            long written = batches.stream().filter(BatchRecord::isWritten).count();
            scope.out().printf("run %s: resuming %s from the ledger, %d of %d batches written%n", run.runId(), spec.id(),
                    written, batches.size());
            return finish(plan, run, batches, true, resumable.analyzed().parallelBatches());
        }

        /** The stages after analyze: transform, test, deploy; a stage that stops the run returns its failed result. */
        private MigrationResult finish(MigrationPlan plan, RunRecord run, List<BatchRecord> batches, boolean resumed, int parallel) {
            MetricPlan measured = new MetricPlan(plan);
            TransformStage.Layouts layouts = TransformStage.Layouts.of(context.spark(), plan);
            try {
                TransformStage.Outcome written = transform(plan, run, measured, layouts, batches, resumed, parallel);
                // a run that lost its lock must not test, discard or publish
                lock.ensureHeld();
                VerifyStage.Outcome verified = test(plan, run, measured, layouts, written, resumed);
                lock.ensureHeld();
                return deploy(plan, run, layouts, written, verified, resumed);
            } catch (Stopped stopped) {
                return stopped.result;
            }
        }

        /** The batches written and staged; a batch every try of which failed stops the run, nothing published. */
        private TransformStage.Outcome transform(MigrationPlan plan, RunRecord run, MetricPlan measured, TransformStage.Layouts layouts,
                                                 List<BatchRecord> batches, boolean resumed, int parallel) {
            Instant started = Instant.now();
            TransformStage.Outcome written;
            try {
                written = new TransformStage(scope, config, ledger).run(measured, layouts, batches, resumed, parallel);
            } catch (DroverError e) {
                throw e;
            } catch (RuntimeException e) {
                String reason = "transform stage could not write every batch, nothing published: " + Messages.oneLine(e);
                discard(plan, run);
                ledger.record(stageRecord(plan, run.runId(), Stage.TRANSFORM, started, StageOutcome.FAILED,
                        new StageDetail.Transform(0, 0, 0, 0, resumed)));
                throw new Stopped(failed(plan, run, TransformStage.Outcome.of(List.of()), resumed, List.of(), reason));
            }
            ledger.record(stageRecord(plan, run.runId(), Stage.TRANSFORM, started, StageOutcome.SUCCEEDED, new StageDetail.Transform(
                    written.rowsWritten(), written.rowsQuarantined(), written.rowsRetried(), written.rowsRecovered(), resumed)));
            return written;
        }

        /**
         * The staged files proven; their checks and schema contract recorded. A test stage that fails, or
         * cannot run, stops the run: data nobody has proven is never published, what was staged goes.
         */
        private VerifyStage.Outcome test(MigrationPlan plan, RunRecord run, MetricPlan measured, TransformStage.Layouts layouts,
                                         TransformStage.Outcome written, boolean resumed) {
            String runId = run.runId();
            Proof proof = proof(plan);
            Instant started = Instant.now();
            StagedFiles files = new StagedFiles(context.spark());
            VerifyStage.Audited audited = new VerifyStage.Audited(
                    () -> files.read(plan.targetLocation(), layouts.target(), written.targetFiles()), layouts.target().schema().asNullable(),
                    files.read(plan.quarantineLocation(), layouts.quarantine(), written.quarantinedFiles()));
            VerifyStage.Outcome verified;
            try {
                verified = scope.job(Stage.TEST, null, () -> new VerifyStage(context.spark(), scope.timings())
                        .run(measured, runId, run.snapshotVersion(), policy(plan), written.written(), written.metrics(), proof,
                                audited));
            } catch (Exception e) {   // Spark's own SparkException is checked, thrown through Scala
                String reason = "test stage could not run, nothing published: " + Messages.oneLine(e);
                discard(plan, run);
                ledger.record(stageRecord(plan, runId, Stage.TEST, started, StageOutcome.FAILED, new StageDetail.Test(proof.label(), List.of(), reason)));
                throw new Stopped(failed(plan, run, written, resumed, List.of(), reason));
            }
            List<CheckResult> checks = verified.checks();
            ledger.record(stageRecord(plan, runId, Stage.TEST, started, StageOutcome.of(verified.passed()),
                    StageDetail.Test.of(proof.label(), checks)));
            ledger.recordChecks(runId, Stage.TEST, checks);
            ledger.recordSchemaChanges(runId, verified.schema());
            if (!verified.passed()) {
                discard(plan, run);
                throw new Stopped(failed(plan, run, written, resumed, checks, "test stage failed, nothing published (staged files removed): "
                        + failedChecks(checks)));
            }
            // A passing run's Deequ metrics become the next run's anomaly baseline.
            scope.timings().time("test: keep metrics", verified.keepMetrics());
            return verified;
        }

        /** The staged files published in one commit, the consumers' events in the outbox, the run succeeded. */
        private MigrationResult deploy(MigrationPlan plan, RunRecord run, TransformStage.Layouts layouts, TransformStage.Outcome written,
                                       VerifyStage.Outcome verified, boolean resumed) {
            String runId = run.runId();
            List<CheckResult> checks = verified.checks();
            Instant started = Instant.now();
            long targetVersion;
            try {
                targetVersion = scope.timings().time("publish", () -> scope.job(Stage.DEPLOY, null, () -> publish(plan, run, written, layouts)));
            } catch (ConflictError e) {
                discard(plan, run);
                String reason = Messages.oneLine(e) + "; the staged files are removed";
                ledger.record(stageRecord(plan, runId, Stage.DEPLOY, started, StageOutcome.FAILED, new StageDetail.Deploy(-1, 0, List.of())));
                failed(plan, run, written, resumed, checks, reason);
                throw new ConflictError(reason);
            }
            String warning = verified.quarantineSummary();
            DeployStage deploy = new DeployStage(ledger, config.notifications(), new dev.drover.deploy.ConsumerUpdates(context.spark(),
                    context.catalog(), d -> config.resolveLocation(context.catalog().datasets().get(d).location())), config.deliveries());
            List<OutboxEvent> events = quiet ? List.of() : deploy.announce(plan, run, targetVersion, verified.schema(), checks,
                    written.rowsWritten(), written.rowsQuarantined(), resumed);
            List<String> consumers = events.stream().map(OutboxEvent::consumer).distinct().toList();
            ledger.record(stageRecord(plan, runId, Stage.DEPLOY, started, StageOutcome.SUCCEEDED,
                    new StageDetail.Deploy(targetVersion, events.size(), consumers)));
            // the events (and every record of the test and deploy stages) are in before the run says succeeded
            scope.timings().time("ledger wait", ledger::flush);
            deploy.succeed(run, targetVersion, warning, !events.isEmpty());
            if (!consumers.isEmpty()) {
                scope.out().printf("run %s: %d consumer event(s) in the outbox for %s; drover notify publishes them%n", runId,
                        consumers.size(), String.join(", ", consumers));
            }
            scope.timings().time("ledger wait", ledger::flush);
            return new MigrationResult(runId, plan.spec().id(), MigrationResult.Outcome.SUCCEEDED, resumed, written.rowsWritten(),
                    written.rowsQuarantined(), written.rowsRetried(), written.rowsRecovered(), targetVersion, checks, warning, scope.timings().seconds());
        }

        /**
         * Publishes the run's staged files: one commit of the target (an in-place target is
         * refused if anyone committed after the pinned version), then one of the quarantine table.
         * Each carries the run's transaction id, so a publish a kill interrupted lands once.
         * Returns the target's version that holds the run.
         */
        private long publish(MigrationPlan plan, RunRecord run, TransformStage.Outcome written, TransformStage.Layouts layouts) {
            String runId = run.runId();
            StagedFiles files = new StagedFiles(context.spark());
            List<String> all = new java.util.ArrayList<>(written.targetFiles());
            all.addAll(written.quarantinedFiles());
            Optional<Long> oldest = StagedFiles.oldest(all);
            java.time.Duration age = java.time.Duration.ofMillis(System.currentTimeMillis() - oldest.orElse(System.currentTimeMillis()));
            if (age.compareTo(config.publishMaxStagingAge()) > 0) {
                throw new ConflictError("publish of run " + runId + " refused: its oldest staged file is " + age.toHours()
                        + "h old, beyond drover.publish.max-staging-age (" + config.publishMaxStagingAge().toHours()
                        + "h); a VACUUM of " + plan.target().name() + " may have deleted staged files; nothing is published, run it again");
            }
            CommitTag tag = new CommitTag(runId, plan.spec().id(), Stage.DEPLOY, null);
            boolean inPlace = plan.spec().mode() == dev.drover.spec.TargetMode.IN_PLACE;
            KillPoints.reached("publishing");
            StagedFiles.Published target = files.publish(plan.targetLocation(), publishAppId(runId), layouts.target(), written.targetFiles(),
                    inPlace ? StagedFiles.Mode.REPLACE_PINNED : StagedFiles.Mode.REPLACE, run.snapshotVersion(), tag);
            if (!written.quarantinedFiles().isEmpty()) {
                files.publish(plan.quarantineLocation(), publishAppId(runId), layouts.quarantine(), written.quarantinedFiles(),
                        StagedFiles.Mode.APPEND, Optional.empty(), tag);
            }
            KillPoints.reached("published");
            scope.out().printf("run %s: published %,d rows in %d file(s) as version %d of %s%s%n", runId, written.rowsWritten(),
                    written.targetFiles().size(), target.version(), plan.target().name(), target.now() ? "" : " (before the resume)");
            return target.version();
        }

        /** A run that publishes nothing: its staged files go (the target and the quarantine table never referenced them). */
        private void discard(MigrationPlan plan, RunRecord run) {
            lock.ensureHeld();
            scope.timings().time("discard", () -> scope.job(Stage.ROLLBACK, null, () -> {
                StagedFiles files = new StagedFiles(context.spark());
                int removed = files.removeUnrecorded(plan.targetLocation(), run.runId(), List.of())
                        + files.removeUnrecorded(plan.quarantineLocation(), run.runId(), List.of());
                scope.out().printf("run %s: nothing published; removed its %d staged file(s)%n", run.runId(), removed);
            }));
        }

        private MigrationResult failed(MigrationPlan plan, RunRecord run, TransformStage.Outcome written, boolean resumed,
                                       List<CheckResult> checks, String reason) {
            long version = delta.latestVersion(plan.targetLocation());
            ledger.record(run.with(RunStatus.FAILED, reason, Optional.of(version)));
            scope.timings().time("ledger wait", ledger::flush);
            return new MigrationResult(run.runId(), plan.spec().id(), MigrationResult.Outcome.FAILED, resumed,
                    written.rowsWritten(), written.rowsQuarantined(), written.rowsRetried(), written.rowsRecovered(), version, checks, reason, scope.timings().seconds());
        }
    }

    /** The idempotent transaction id of a run's publish, in the target's and the quarantine table's log. */
    static String publishAppId(String runId) {
        return "drover-" + runId + "-publish";
    }

    private static AnalyzeStage.Pinned pinned(RunRecord run, StageDetail.Analyze analyzed) {
        return new AnalyzeStage.Pinned(run.sourceVersion(), analyzed.lookups(), run.snapshotVersion().orElse(-1L),
                Proof.parse(analyzed.proof()) == Proof.READ_BACK);
    }

    private static Proof proof(MigrationPlan plan) {
        return Proof.of(plan.readBack());
    }

    /** The test stage's thresholds: the spec's, else the config's defaults. */
    private VerifyStage.Policy policy(MigrationPlan plan) {
        var checks = plan.spec().checks();
        return new VerifyStage.Policy(
                checks.maxQuarantineRatio() >= 0 ? checks.maxQuarantineRatio() : config.quarantineMaxRatio(),
                checks.maxQuarantineRows() >= 0 ? checks.maxQuarantineRows() : config.quarantineMaxRows(),
                checks.rowCountMaxChange() >= 0 ? checks.rowCountMaxChange() : config.rowCountMaxChange(),
                config.stateDir() + "/metrics/" + plan.target().name() + ".json");
    }

    /** A stage stopped the run: its failed result, already recorded (not an error: no stack trace). */
    private static final class Stopped extends RuntimeException {
        final MigrationResult result;

        Stopped(MigrationResult result) {
            super(result.message(), null, false, false);
            this.result = result;
        }
    }

    private static StageRecord stageRecord(MigrationPlan plan, String runId, Stage stage, Instant started, StageOutcome outcome,
                                           StageDetail detail) {
        StageNotes notes = plan.template().notes(stage);
        return new StageRecord(runId, stage, started, Optional.of(Instant.now()), outcome, notes.expectedRuntime(),
                notes.rollback(), notes.successCriteria(), detail.json(), Instant.now());
    }

    static String failedChecks(List<CheckResult> checks) {
        return String.join("; ", checks.stream().filter(c -> !c.passed())
                .map(c -> c.name() + ": expected " + c.expected() + ", observed " + c.observed()).toList());
    }

    private static void checkChecksum(MigrationSpec spec, List<RunRecord> runs, boolean allowChanged) {
        for (RunRecord run : runs) {
            boolean counts = run.status() == RunStatus.SUCCEEDED || run.status() == RunStatus.RUNNING;
            if (counts && !run.specChecksum().equals(spec.checksum()) && !allowChanged) {
                throw new SpecError(spec.file().toString(), "checksum", "the spec changed since run " + run.runId()
                        + (run.status() == RunStatus.RUNNING ? " started" : " applied") + " it (recorded "
                        + run.specChecksum().substring(0, 12) + "…, now " + spec.checksum().substring(0, 12) + "…); write a new V"
                        + (spec.version() + 1) + " spec, or pass --allow-changed-spec");
            }
        }
    }

    static String newRunId() {
        return RUN_TIME.format(Instant.now()) + "-" + UUID.randomUUID().toString().substring(0, 6);
    }
}
