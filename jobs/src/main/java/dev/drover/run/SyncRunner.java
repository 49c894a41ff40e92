package dev.drover.run;

import static java.util.Objects.requireNonNull;
import static org.apache.spark.sql.functions.lit;

import dev.drover.analyze.AnalyzeStage;
import dev.drover.common.Hosts;
import dev.drover.config.DroverConfig;
import dev.drover.delta.CommitTag;
import dev.drover.delta.DeltaTables;
import dev.drover.error.InputError;
import dev.drover.exec.KillPoints;
import dev.drover.exec.MigrationScope;
import dev.drover.exec.Timings;
import dev.drover.ledger.BatchRecord;
import dev.drover.ledger.Ledger;
import dev.drover.ledger.SyncRecord;
import dev.drover.measure.MetricPlan;
import dev.drover.model.CheckResult;
import dev.drover.model.Metrics;
import dev.drover.model.Stage;
import dev.drover.model.SyncKind;
import dev.drover.model.SyncResult;
import dev.drover.model.SyncStatus;
import dev.drover.outbox.Outbox;
import dev.drover.plan.MigrationPlan;
import dev.drover.restore.Restorer;
import dev.drover.spec.MigrationSpec;
import dev.drover.storage.RunLock;
import dev.drover.sync.ChangeFeed;
import dev.drover.sync.SourceSchemaChange;
import dev.drover.sync.SyncMerge;
import dev.drover.sync.SyncProof;
import dev.drover.sync.SyncStaging;
import dev.drover.sync.SyncVerify;
import dev.drover.transform.QuarantineWriter;
import dev.drover.transform.TransformStage;
import dev.drover.transition.Window;
import dev.drover.transition.Windows;
import java.io.IOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructField;

/**
 * Keeps a transition window's target in step with its live source: each sync reads the source's
 * change data feed since the last synced version up to its latest (pinned when the sync starts),
 * puts the changed rows through the migration's own steps, applies them to the target in one
 * idempotent MERGE and proves the result before it counts; a sync that fails its checks restores
 * the target. The sync is recorded ({@code running}) before it touches the target, so a killed
 * sync is found and resumed with the same range: its staged changes are reused and a MERGE that
 * landed is not made again. Also the window's other verbs: the full check ({@code verify}), the
 * resnapshot, and a consumer declared moved.
 */
public final class SyncRunner {
    private static final DateTimeFormatter SYNC_TIME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

    private final RunContext context;
    private final DroverConfig config;
    private final DeltaTables delta;

    SyncRunner(RunContext context) {
        this.context = requireNonNull(context, "context is null");
        this.config = context.config();
        this.delta = new DeltaTables(context.spark());
    }

    /** Every window of the conf folder, open or retired, as the ledger and the outbox have them now. */
    public List<Window> windows() {
        Ledger ledger = context.ledger();
        var read = ledger.read();
        return Windows.of(context.catalog(), List.copyOf(context.specs().all()), read.runs(), read.syncs(), read.transitions(),
                new Outbox(ledger).state(), config::resolveLocation);
    }

    /** The open window of a migration; bad input (exit 2) when it has none or it was retired. */
    public Window window(MigrationSpec spec) {
        return window(spec, false);
    }

    /**
     * The open window of a migration. {@code forSync}: only what a sync needs (this migration's
     * runs, syncs and transitions; not the outbox, so consumers show as not moved): a few filtered
     * reads instead of the whole ledger and outbox.
     */
    private Window window(MigrationSpec spec, boolean forSync) {
        if (!Windows.hasWindow(context.catalog(), spec)) {
            throw new InputError(spec.file().toString(), "target", spec.id() + " has no transition window: "
                    + (spec.mode() == dev.drover.spec.TargetMode.IN_PLACE ? "it migrates " + spec.source() + " in place"
                    : spec.source() + " has no dual-write consumer") + ", so nothing keeps " + spec.target() + " in step with it");
        }
        List<Window> found;
        if (forSync) {
            var read = context.ledger().read();
            found = Windows.of(context.catalog(), List.of(spec), read.runsOf(spec.id()), read.syncs(spec.id()), read.transitions(spec.id()),
                    new Outbox.State(List.of(), List.of(), java.util.Set.of(), java.util.Set.of()), config::resolveLocation);
        } else {
            found = windows();
        }
        Window window = found.stream().filter(w -> w.migration().equals(spec.id())).findFirst()
                .orElseThrow(() -> new InputError(spec.file().toString(), "migration", spec.id()
                        + " has no transition window yet: no run of it succeeded (or its last run was rolled back); run drover migrate "
                        + spec.id() + " first"));
        window.retired().ifPresent(r -> {
            throw new InputError(spec.file().toString(), "migration", r.subject() + " was retired on "
                    + r.eventTime().toString().substring(0, 10) + " (" + spec.id() + "'s window is closed); nothing to sync");
        });
        return window;
    }

    /** Each window with its source's latest version and the time of its oldest commit not synced yet (from the log alone). */
    public List<dev.drover.transition.TransitionStatus> statuses(List<Window> windows) {
        Instant now = Instant.now();
        return windows.stream().map(w -> {
            long latest = delta.latestVersion(w.sourceLocation());
            Optional<Instant> oldest = latest > w.lastSynced() ? delta.commitTime(w.sourceLocation(), w.lastSynced() + 1) : Optional.empty();
            return new dev.drover.transition.TransitionStatus(w, latest, oldest, now);
        }).toList();
    }

    /** One sync of a migration's window (and the full check after it when asked or due). */
    public SyncResult sync(MigrationSpec spec, boolean verify) {
        Window checked = window(spec, true);   // bad input is refused before the lock is taken
        String provisional = newSyncId();
        Timings timings = new Timings();
        SyncResult result;
        Window window;
        try (RunLock lock = RunLock.acquire(context.lockFiles(), spec.target() + ".lock", provisional, config.lockLease(),
                config.lockHeartbeat())) {
            // the syncs read again under the lock: one may have ended meanwhile, or a killed one is resumed under its own id
            window = Windows.withSyncs(checked, context.ledger().read().syncs(spec.id()));
            String id = window.unfinished().map(SyncRecord::syncId).orElse(provisional);
            MigrationScope scope = context.scope(spec.id(), id, timings);
            result = new Sync(scope, spec, window, lock).run();
            if (result.outcome().passed() && (verify || verifyDue(window, result))) {
                result = result.withVerification(verifyLocked(spec, window(spec, true), new Timings()));
            }
        } finally {
            context.ledger().flush();
        }
        SyncResult ended = result;
        timings.time("alerts", () -> context.alerts().afterSync(spec.id(), ended, () -> statuses(List.of(window(spec)))));
        return result;
    }

    /** The full check alone: v2 against the steps over v1 at the last synced version; writes nothing to v2. */
    public SyncResult verify(MigrationSpec spec) {
        window(spec, true);
        String id = newSyncId();
        try (RunLock lock = RunLock.acquire(context.lockFiles(), spec.target() + ".lock", id, config.lockLease(), config.lockHeartbeat())) {
            return verifyLocked(spec, window(spec, true), new Timings());
        }
    }

    /**
     * Runs the whole migration again into v2 from v1's latest version (a new run, proven, its
     * consumers not told again), for when v1's change data feed cannot serve a sync's range.
     */
    public SyncResult resnapshot(MigrationSpec spec) {
        Window window = window(spec);
        Ledger ledger = context.ledger();
        String id = newSyncId();
        Instant started = Instant.now();
        long latest = delta.latestVersion(window.sourceLocation());
        SyncRecord record = new SyncRecord(id, SyncKind.RESNAPSHOT, spec.id(), window.base().runId(), window.source(), window.target(),
                window.lastSynced() + 1, latest, SyncStatus.RUNNING, Optional.empty(), Optional.empty(), 0, 0, 0, 0, 0, 0, 0, "",
                "whole migration again from " + window.source() + " version " + latest, started, Instant.now(), Hosts.name(),
                ProcessHandle.current().pid());
        String[] runId = new String[1];
        var migrated = context.runner().migrate(spec, new MigrationRunner.Options(false, false, true), id2 -> {
            runId[0] = id2;
            ledger.record(new SyncRecord(id, SyncKind.RESNAPSHOT, spec.id(), id2, window.source(), window.target(),
                    record.fromVersion(), latest, SyncStatus.RUNNING, Optional.empty(), Optional.empty(), 0, 0, 0, 0, 0, 0, 0, "",
                    record.message(), started, Instant.now(), Hosts.name(), ProcessHandle.current().pid()));
            ledger.flush();
        });
        boolean passed = migrated.outcome() == dev.drover.model.MigrationResult.Outcome.SUCCEEDED;
        String base = runId[0] != null ? runId[0] : migrated.runId();
        ledger.record(new SyncRecord(id, SyncKind.RESNAPSHOT, spec.id(), base, window.source(), window.target(), record.fromVersion(),
                latest, passed ? SyncStatus.SUCCEEDED : SyncStatus.FAILED, window.lastSync().flatMap(SyncRecord::targetAfter),
                Optional.of(migrated.targetVersion()), 0, 0, migrated.rowsWritten(), 0, 0, migrated.rowsQuarantined(), 0, "",
                passed ? "run " + base + " rewrote " + window.target() + " from " + window.source() + " version " + latest
                        : migrated.message(), started, Instant.now(), Hosts.name(), ProcessHandle.current().pid()));
        ledger.flush();
        return new SyncResult(id, spec.id(), passed ? SyncResult.Outcome.RESNAPSHOT : SyncResult.Outcome.FAILED_AND_RESTORED, false,
                record.fromVersion(), latest, migrated.targetVersion(), migrated.rowsWritten(), migrated.rowsWritten(), 0, 0,
                migrated.rowsQuarantined(), 0, migrated.checks(), migrated.message(), migrated.timings());
    }

    /**
     * Retires a window's source once every consumer has moved (or, with {@code force}, once the
     * window's deadline has passed): a last sync, one {@code retired} event per consumer of the
     * source to the outbox (exactly once by id), the source's table properties
     * ({@code drover.retired}, its successor, the date), its catalog entity's
     * {@code spec.lifecycle: deprecated} when the catalog file can be written (else the change to
     * make is returned), and the window closed in the ledger. Consumers not moved: a conflict (exit 3).
     */
    public dev.drover.model.RetireResult retire(MigrationSpec spec, boolean force, String actor) {
        Window window = window(spec);
        List<String> notMoved = window.notMoved().stream().map(c -> c.consumer().name()).toList();
        java.time.LocalDate today = java.time.LocalDate.now(ZoneOffset.UTC);
        if (!notMoved.isEmpty()) {
            String who = String.join(", ", window.notMoved().stream().map(c -> c.consumer().name()
                    + c.deadline().map(d -> " (until " + d + ")").orElse("")).toList());
            if (!force) {
                throw new dev.drover.error.ConflictError(window.source() + " cannot be retired: " + notMoved.size() + " consumer(s) have not moved to "
                        + window.target() + ": " + who + "; they acknowledge the migrated event, or drover transition " + spec.id()
                        + " --moved NAME records it" + window.deadline().map(d -> "; --force retires anyway after " + d).orElse(""));
            }
            if (window.deadline().filter(today::isAfter).isEmpty()) {
                throw new dev.drover.error.ConflictError(window.source() + " cannot be retired with --force before its deadline "
                        + window.deadline().map(Object::toString).orElse("(none set)") + ": " + who + " have not moved");
            }
        }
        SyncResult last = sync(spec, false);
        if (!last.outcome().passed()) {
            throw new dev.drover.error.ConflictError(window.source() + " was not retired: its last sync failed (" + last.message() + ")");
        }
        try (RunLock lock = RunLock.acquire(context.lockFiles(), spec.target() + ".lock", "retire-" + newSyncId(), config.lockLease(),
                config.lockHeartbeat())) {
            Window current = window(spec);
            Ledger ledger = context.ledger();
            long targetVersion = delta.latestVersion(current.targetLocation());
            String reason = notMoved.isEmpty() ? "every consumer moved to " + current.target()
                    : "retired with --force after the deadline; not moved: " + String.join(", ", notMoved);
            var written = new Outbox(ledger).write(dev.drover.transition.Retirement.events(current, current.lastSynced(), targetVersion,
                    config.notifications().topic(), reason, Instant.now()), true);
            if (!written.isEmpty()) {
                new Outbox(ledger).markPublished(current.base().runId());
            }
            KillPoints.reached("retire-told");
            long latest = delta.latestVersion(current.sourceLocation());
            long propertiesVersion = "true".equals(delta.properties(current.sourceLocation(), latest).get("drover.retired")) ? latest
                    : delta.setProperties(current.sourceLocation(), dev.drover.transition.Retirement.properties(current, today),
                            new CommitTag("retire-" + current.base().runId(), spec.id(), Stage.RETIRE, null));
            var dataset = context.catalog().dataset(spec.source()).orElseThrow();
            var edit = dev.drover.catalog.CatalogEdit.lifecycle(java.nio.file.Path.of(dataset.file()), dataset.name(), "deprecated");
            ledger.record(new dev.drover.ledger.TransitionRecord(spec.id(), dev.drover.model.TransitionEvent.RETIRED, current.source(), actor,
                    reason + "; " + current.source() + " properties in version " + propertiesVersion + "; catalog: "
                            + (edit.written() ? "" : "to do: ") + edit.change() + " in " + edit.file(), Instant.now()));
            ledger.flush();
            return new dev.drover.model.RetireResult(spec.id(), current.source(), current.target(), current.lastSynced(), targetVersion,
                    written.stream().map(e -> e.consumer()).toList(), propertiesVersion, edit.written(),
                    edit.change() + " in " + edit.file(), notMoved, force && !notMoved.isEmpty());
        }
    }

    /** Records that a consumer has moved to the new version, as someone says. */
    public void moved(MigrationSpec spec, String consumer, String actor) {
        Window window = window(spec);
        if (window.consumers().stream().noneMatch(c -> c.consumer().name().equals(consumer))) {
            throw new InputError("", "consumer", "'" + consumer + "' is not a consumer of " + window.source() + "; its consumers are "
                    + window.consumers().stream().map(c -> c.consumer().name()).toList());
        }
        Ledger ledger = context.ledger();
        ledger.record(new dev.drover.ledger.TransitionRecord(spec.id(), dev.drover.model.TransitionEvent.MOVED, consumer, actor,
                "declared moved to " + window.target(), Instant.now()));
        ledger.flush();
    }

    private boolean verifyDue(Window before, SyncResult result) {
        int every = config.sync().verifyEvery();
        return every > 0 && result.outcome() == SyncResult.Outcome.SYNCED && before.syncsSinceVerify() + 1 >= every;
    }

    private SyncResult verifyLocked(MigrationSpec spec, Window window, Timings timings) {
        String id = newSyncId();
        Ledger ledger = context.ledger();
        Instant started = Instant.now();
        MigrationScope scope = context.scope(spec.id(), id, timings);
        MigrationPlan plan = scope.job(Stage.SYNC, null, () -> new AnalyzeStage(context.spark(), config, context.catalog())
                .plan(spec, pinned(window, window.lastSynced(), SourceSchemaChange.NONE)));
        long target = delta.latestVersion(window.targetLocation());
        List<CheckResult> checks = scope.job(Stage.SYNC, null, () -> new SyncVerify(new MetricPlan(plan))
                .check(delta.read(window.targetLocation(), target), metricsRepository(plan), id));
        boolean passed = checks.stream().allMatch(CheckResult::passed);
        String message = passed ? "" : "full check failed: " + MigrationRunner.failedChecks(checks);
        ledger.record(new SyncRecord(id, SyncKind.VERIFY, spec.id(), window.base().runId(), window.source(), window.target(),
                window.lastSynced(), window.lastSynced(), passed ? SyncStatus.SUCCEEDED : SyncStatus.FAILED, Optional.of(target),
                Optional.of(target), 0, 0, 0, 0, 0, 0, 0, "", message, started, Instant.now(), Hosts.name(), ProcessHandle.current().pid()));
        ledger.recordChecks(id, Stage.SYNC, checks);
        ledger.flush();
        return new SyncResult(id, spec.id(), passed ? SyncResult.Outcome.VERIFIED : SyncResult.Outcome.VERIFY_FAILED, false,
                window.lastSynced(), window.lastSynced(), target, 0, 0, 0, 0, 0, 0, checks, message, timings.seconds());
    }

    /** The plan of a sync: the source pinned at {@code to}, lookups at their latest, new nullable source columns allowed. */
    private AnalyzeStage.Pinned pinned(Window window, long to, SourceSchemaChange change) {
        return AnalyzeStage.Pinned.forSync(to, delta.latestVersion(window.targetLocation()), java.util.Set.copyOf(change.addedNames()));
    }

    private String metricsRepository(MigrationPlan plan) {
        return config.stateDir() + "/metrics/" + plan.target().name() + "-syncs.json";
    }

    static String newSyncId() {
        return "s" + SYNC_TIME.format(Instant.now()) + "-" + UUID.randomUUID().toString().substring(0, 6);
    }

    /** One sync of one window, start (or resume) to end, within its scope and under the target's lock. */
    private final class Sync {
        private final MigrationScope scope;
        private final MigrationSpec spec;
        private final Window window;
        private final RunLock lock;
        private final Ledger ledger = context.ledger();
        private final ChangeFeed feed = new ChangeFeed(context.spark());

        Sync(MigrationScope scope, MigrationSpec spec, Window window, RunLock lock) {
            this.scope = scope;
            this.spec = spec;
            this.window = window;
            this.lock = lock;
        }

        SyncResult run() {
            Optional<SyncRecord> unfinished = window.unfinished();
            if (unfinished.isPresent()) {
                SyncRecord record = unfinished.get();
                scope.out().printf("sync %s: resuming %s, %s versions %s%n", record.syncId(), spec.id(), window.source(), record.range());
                SourceSchemaChange change = schemaChange(refuseUnservable(record.fromVersion(), record.toVersion()));
                return finish(record, change, true);
            }
            long from = window.lastSynced() + 1;
            long to = delta.latestVersion(window.sourceLocation());
            if (to < from) {
                return new SyncResult(scope.runId(), spec.id(), SyncResult.Outcome.UP_TO_DATE, false, from, window.lastSynced(),
                        delta.latestVersion(window.targetLocation()), 0, 0, 0, 0, 0, 0, List.of(),
                        window.target() + " is in step with " + window.source() + " version " + window.lastSynced(), scope.timings().seconds());
            }
            SourceSchemaChange change = schemaChange(refuseUnservable(from, to));
            prepareTarget(change);
            long before = delta.latestVersion(window.targetLocation());
            SyncRecord record = new SyncRecord(scope.runId(), SyncKind.SYNC, spec.id(), window.base().runId(), window.source(),
                    window.target(), from, to, SyncStatus.RUNNING, Optional.of(before), Optional.empty(), 0, 0, 0, 0, 0, 0, 0, "", "",
                    Instant.now(), Instant.now(), Hosts.name(), ProcessHandle.current().pid());
            ledger.record(record);
            // the sync and its range are in the ledger before the target is touched: a kill finds them
            scope.timings().time("ledger wait", ledger::flush);
            KillPoints.reached("sync-recorded");
            scope.out().printf("sync %s: %s %s versions %s -> %s@v%d%n", record.syncId(), spec.id(), window.source(), record.range(),
                    window.target(), before);
            return finish(record, change, false);
        }

        private ChangeFeed.Coverage refuseUnservable(long from, long to) {
            ChangeFeed.Coverage coverage = scope.timings().time("sync: feed coverage", () -> feed.coverage(window.sourceLocation(), from, to));
            if (!coverage.servable()) {
                String why = coverage.gone().map(g -> "its versions " + from + ".." + to + " cannot be read: " + g)
                        .orElseGet(() -> !coverage.feedOff().isEmpty()
                                ? "its change data feed was off at version(s) " + compact(coverage.feedOff())
                                : coverage.missingFiles().size() + " file(s) the feed needs are gone (vacuumed?), e.g. "
                                        + coverage.missingFiles().get(0));
                throw new InputError(spec.file().toString(), "source", "cannot sync " + window.target() + " from " + window.source()
                        + " versions " + from + ".." + to + ": " + why + "; drover sync " + spec.id()
                        + " --resnapshot runs the whole migration again from " + window.source() + "'s latest version");
            }
            return coverage;
        }

        private SourceSchemaChange schemaChange(ChangeFeed.Coverage coverage) {
            SourceSchemaChange change = SourceSchemaChange.between(coverage.schemaBefore(), coverage.schemaAfter());
            if (!change.incompatible().isEmpty()) {
                throw new InputError(spec.file().toString(), "source", window.source() + "'s schema changed in versions "
                        + coverage.from() + ".." + coverage.to() + " in a way a sync cannot carry: " + String.join(", ", change.incompatible())
                        + "; write a new spec version (V" + (spec.version() + 1) + ") that says what to do with "
                        + (change.incompatible().size() == 1 ? "it" : "them"));
            }
            return change;
        }

        /**
         * What v2 needs before its first sync: its own change data feed (the proof reads what the
         * MERGE did from it) and, by config, deletion vectors; and a new nullable column of v1 that
         * the steps pass through. Each is a metadata-only commit tagged with the sync.
         */
        private void prepareTarget(SourceSchemaChange change) {
            Map<String, String> properties = delta.properties(window.targetLocation(), delta.latestVersion(window.targetLocation()));
            Map<String, String> wanted = new java.util.LinkedHashMap<>();
            if (!"true".equalsIgnoreCase(properties.getOrDefault(DeltaTables.CHANGE_DATA_FEED, "false"))) {
                wanted.put(DeltaTables.CHANGE_DATA_FEED, "true");
            }
            if (config.sync().deletionVectors() && !"true".equalsIgnoreCase(properties.getOrDefault("delta.enableDeletionVectors", "false"))) {
                wanted.put("delta.enableDeletionVectors", "true");
            }
            if (!wanted.isEmpty()) {
                delta.setProperties(window.targetLocation(), wanted, tag(null));
            }
            if (!change.added().isEmpty()) {
                MigrationPlan plan = plan(delta.latestVersion(window.sourceLocation()), change);
                List<String> have = List.of(delta.read(window.targetLocation(), delta.latestVersion(window.targetLocation())).columns());
                List<StructField> carried = java.util.Arrays.stream(plan.targetSchema().fields())
                        .filter(f -> change.addedNames().contains(f.name()) && !have.contains(f.name())).toList();
                if (!carried.isEmpty()) {
                    delta.addColumns(window.targetLocation(), carried, tag(null));
                }
            }
        }

        private MigrationPlan plan(long to, SourceSchemaChange change) {
            return scope.timings().time("analyze", () -> scope.job(Stage.SYNC, null,
                    () -> new AnalyzeStage(context.spark(), config, context.catalog(), scope.timings()).plan(spec, pinned(window, to, change))));
        }

        private CommitTag tag(CommitTag.Range range) {
            return new CommitTag(scope.runId(), spec.id(), Stage.SYNC, null, range);
        }

        private SyncResult finish(SyncRecord record, SourceSchemaChange change, boolean resumed) {
            long from = record.fromVersion();
            long to = record.toVersion();
            MigrationPlan plan = plan(to, change);
            MetricPlan metrics = new MetricPlan(plan);
            SyncStaging staging = new SyncStaging(scope, plan, metrics, config.stateDir() + "/staging/" + scope.runId(),
                    tag(new CommitTag.Range(from, to)));
            SyncStaging.Staged staged = scope.timings().time("sync: stage the changes", () -> staging.stage(window.sourceLocation(),
                    from, to, resumed));
            SyncMerge merge = new SyncMerge(scope, plan, metrics);
            Dataset<Row> source = merge.source(staged);
            try {
                return merge(record, plan, metrics, staging, staged, merge, source, change, resumed);
            } finally {
                source.unpersist();
                staged.release();
            }
        }

        private SyncResult merge(SyncRecord record, MigrationPlan plan, MetricPlan metrics, SyncStaging staging, SyncStaging.Staged staged,
                                 SyncMerge merge, Dataset<Row> source, SourceSchemaChange change, boolean resumed) {
            long from = record.fromVersion();
            long to = record.toVersion();
            long before = record.targetBefore().orElseThrow();
            CommitTag tag = tag(new CommitTag.Range(from, to));
            Metrics quarantined = scope.timings().time("sync: quarantine", () -> quarantine(plan, staged, resumed));
            SyncMerge.Expected expected = scope.timings().time("sync: expected matches", () -> scope.job(Stage.SYNC, null,
                    () -> merge.expected(source, window.targetLocation(), before)));
            lock.ensureHeld();
            SyncMerge.Applied applied = resumed ? merge.read(window.targetLocation(), before) : SyncMerge.Applied.nothing();
            if (applied.version().isEmpty()) {
                SyncMerge.Applied[] made = new SyncMerge.Applied[1];
                scope.timings().time("sync: merge", () -> {
                    made[0] = merge.apply(source, window.targetLocation(), before, to, tag, expected.sourceRows());
                });
                applied = made[0];
            }
            SyncMerge.Applied done = applied;
            long after = applied.version().orElse(before);
            SyncProof proof = new SyncProof(metrics, () -> metrics.readInvariantsWhole(delta.read(window.targetLocation(), after)),
                    () -> metrics.aggregate(MetricPlan.withHidden(plan.sourceFrame(), plan.source().primaryKey()), scope.runId(), false),
                    () -> delta.read(window.targetLocation(), after));
            SyncProof.Outcome outcome = scope.timings().time("sync: proof", () -> scope.job(Stage.SYNC, null, () -> proof.prove(
                    new SyncProof.Evidence(staged, expected, done, done.version().flatMap(v -> delta.rowsChangedBy(window.targetLocation(), v)),
                            () -> rows(after).orElse(-1L), quarantined, () -> rows(window.sourceLocation(), to).orElse(-1L),
                            state(plan, metrics, proof, before), merge.removedSources(staged, done),
                            delta.read(window.targetLocation(), after).schema(), carried(plan, change), ignored(plan, change)),
                    policy(plan), metricsRepository(plan), scope.runId())));
            ledger.recordChecks(scope.runId(), Stage.SYNC, outcome.checks());
            SyncRecord.Counts counts = new SyncRecord.Counts(staged.cdfRows(), staged.changeRows(), done.inserted(), done.updated(),
                    done.deleted(), outcome.quarantined(), staged.observed().count(dev.drover.model.MetricKey.DROPPED));
            lock.ensureHeld();
            if (!outcome.passed()) {
                return failed(record, plan, done, counts, outcome.checks(), resumed);
            }
            ledger.record(record.ended(SyncStatus.SUCCEEDED, Optional.of(after), counts, outcome.state().json(), ""));
            scope.timings().time("ledger wait", ledger::flush);
            KillPoints.reached("sync-succeeded");
            remove(staging.folder());
            return new SyncResult(scope.runId(), spec.id(), SyncResult.Outcome.SYNCED, resumed, from, to, after, counts.changeRows(),
                    counts.inserted(), counts.updated(), counts.deleted(), counts.quarantined(), counts.removed(), outcome.checks(),
                    "", scope.timings().seconds());
        }

        private Metrics quarantine(MigrationPlan plan, SyncStaging.Staged staged, boolean resumed) {
            if (staged.observed().count(dev.drover.model.MetricKey.FAILED) == 0) {
                return Metrics.of(dev.drover.model.MetricKey.QUARANTINED, 0);
            }
            QuarantineWriter writer = new QuarantineWriter(plan, scope.runId(), scope.locks());
            String app = SyncMerge.appId(scope.runId());
            if (resumed && delta.committedAppIds(plan.quarantineLocation()).containsKey(QuarantineWriter.appId(app))) {
                return writer.committed(0);
            }
            Dataset<Row> changes = delta.read(staged.changesLocation(), delta.latestVersion(staged.changesLocation()));
            return scope.job(Stage.SYNC, null, () -> writer.write(changes, 0, app));
        }

        /**
         * The invariant state before this sync: the last sync's, else the base run's (its batches'
         * combined metrics); target parts a read-back run did not observe come from v2 at {@code before}.
         */
        private Metrics state(MigrationPlan plan, MetricPlan metrics, SyncProof proof, long before) {
            List<String> keys = proof.stateKeys();
            if (keys.isEmpty()) {
                return Metrics.EMPTY;
            }
            Optional<Metrics> last = window.lastSync().map(s -> Metrics.fromJson(s.state())).filter(m -> m.values().keySet().containsAll(keys));
            if (last.isPresent()) {
                return last.get();
            }
            List<BatchRecord> batches = ledger.read().batches(window.base().runId());
            Metrics base = TransformStage.Outcome.of(batches.stream().filter(BatchRecord::isWritten).toList()).metrics().only(keys);
            if (base.values().keySet().containsAll(metrics.invariantPartNames())) {
                return base;
            }
            var parts = metrics.invariantParts(lit(true), "");
            Row r = delta.read(window.targetLocation(), before).agg(parts.get(0), parts.subList(1, parts.size()).toArray(org.apache.spark.sql.Column[]::new)).first();
            Map<String, Object> values = new java.util.HashMap<>();
            for (int i = 0; i < r.size(); i++) {
                values.put(r.schema().fields()[i].name(), r.get(i));
            }
            return base.with(Metrics.of(values));
        }

        private Optional<Long> rows(long version) {
            return rows(window.targetLocation(), version);
        }

        /**
         * The rows a version of a table holds, from its log (record counts less rows its deletion
         * vectors mark); empty when a file has no statistics.
         */
        private Optional<Long> rows(String location, long version) {
            return DeltaTables.FileRows.total(delta.fileRows(location, version));
        }

        private List<String> carried(MigrationPlan plan, SourceSchemaChange change) {
            List<String> produced = List.of(plan.targetSchema().fieldNames());
            return change.addedNames().stream().filter(produced::contains).toList();
        }

        private List<String> ignored(MigrationPlan plan, SourceSchemaChange change) {
            List<String> produced = List.of(plan.targetSchema().fieldNames());
            return change.addedNames().stream().filter(c -> !produced.contains(c)).toList();
        }

        private SyncProof.Policy policy(MigrationPlan plan) {
            var checks = plan.spec().checks();
            return new SyncProof.Policy(checks.maxQuarantineRatio() >= 0 ? checks.maxQuarantineRatio() : config.quarantineMaxRatio(),
                    checks.maxQuarantineRows() >= 0 ? checks.maxQuarantineRows() : config.quarantineMaxRows());
        }

        /** v2 back at its version before the sync, the sync's rows out of the quarantine; the range stays for the next sync. */
        private SyncResult failed(SyncRecord record, MigrationPlan plan, SyncMerge.Applied applied, SyncRecord.Counts counts,
                                  List<CheckResult> checks, boolean resumed) {
            long before = record.targetBefore().orElseThrow();
            CommitTag tag = new CommitTag(scope.runId(), spec.id(), Stage.ROLLBACK, null);
            scope.timings().time("restore", () -> scope.job(Stage.ROLLBACK, null, () -> {
                Restorer restorer = new Restorer(context.spark());
                if (applied.version().isPresent() && delta.latestVersion(window.targetLocation()) != before) {
                    restorer.restore(window.targetLocation(), Optional.of(before), tag);
                }
                restorer.removeQuarantined(plan.quarantineLocation(), scope.runId(), tag);
            }));
            String reason = "sync failed its checks, " + window.target() + " restored to version " + before + ": "
                    + MigrationRunner.failedChecks(checks);
            ledger.record(record.ended(SyncStatus.FAILED, Optional.of(delta.latestVersion(window.targetLocation())), counts, "", reason));
            scope.timings().time("ledger wait", ledger::flush);
            return new SyncResult(scope.runId(), spec.id(), SyncResult.Outcome.FAILED_AND_RESTORED, resumed, record.fromVersion(),
                    record.toVersion(), delta.latestVersion(window.targetLocation()), counts.changeRows(), counts.inserted(),
                    counts.updated(), counts.deleted(), counts.quarantined(), counts.removed(), checks, reason, scope.timings().seconds());
        }

        private void remove(String folder) {
            try {
                Path path = new Path(folder);
                path.getFileSystem(context.spark().sparkContext().hadoopConfiguration()).delete(path, true);
            } catch (IOException e) {
                scope.out().printf("sync %s: could not remove the staged changes at %s: %s%n", scope.runId(), folder, e.getMessage());
            }
        }
    }

    private static String compact(List<Long> versions) {
        return versions.size() <= 6 ? versions.toString().replaceAll("[\\[\\]]", "")
                : versions.get(0) + ".." + versions.get(versions.size() - 1) + " (" + versions.size() + ")";
    }
}
