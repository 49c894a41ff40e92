package dev.drover.wave;

import static java.util.Objects.requireNonNull;

import dev.drover.analyze.AnalyzeStage;
import dev.drover.common.Hosts;
import dev.drover.common.Messages;
import dev.drover.error.ConflictError;
import dev.drover.error.DroverError;
import dev.drover.error.InputError;
import dev.drover.exec.JobLabel;
import dev.drover.exec.KillPoints;
import dev.drover.exec.Timings;
import dev.drover.fleet.FleetController;
import dev.drover.ledger.Ledger;
import dev.drover.ledger.RunRecord;
import dev.drover.ledger.WaveRecord;
import dev.drover.ledger.WaveRunRecord;
import dev.drover.model.MigrationResult;
import dev.drover.model.RunStatus;
import dev.drover.model.WaveOutcome;
import dev.drover.model.WaveStatus;
import dev.drover.plan.MigrationPlan;
import dev.drover.run.MigrationRunner;
import dev.drover.run.RunContext;
import dev.drover.spec.MigrationSpec;
import java.io.PrintStream;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionService;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.Future;

/**
 * Runs a wave: the selected migrations not applied yet, in an order that respects what each
 * reads (see {@link WavePlan}), {@code drover.wave.parallel} at once, each in its own FAIR pool
 * with its quota. A migration that fails rolls itself back (as any run does) and the others go
 * on; one that waits for it is skipped. Each migration's end is in the ledger as soon as it
 * ends, so the same command after a kill resumes the wave: what ended is left alone, an
 * interrupted run resumes from its own ledger, the rest starts.
 */
public final class WaveRunner {
    private static final DateTimeFormatter WAVE_TIME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

    private final RunContext context;
    private final PrintStream out;
    /** Every migration's phases, summed (see {@link WaveResult#timings()}). */
    private final Timings phases = new Timings();
    private Optional<Long> batchMaxRows = Optional.empty();

    /** {@code context} runs the migrations (its output is theirs); {@code out} gets the wave's own lines. */
    public WaveRunner(RunContext context, PrintStream out) {
        this.context = requireNonNull(context, "context is null");
        this.out = requireNonNull(out, "out is null");
    }

    /**
     * Cuts every migration of this runner's waves into batches of about {@code rows} rows instead
     * of its spec's batching (an agent request's {@code batching.max-rows}); like a migrate
     * request's, it changes how runs are cut, not the specs' checksums.
     */
    public WaveRunner batchMaxRows(long rows) {
        if (rows <= 0) {
            throw new IllegalArgumentException("rows must be above 0, got " + rows);
        }
        this.batchMaxRows = Optional.of(rows);
        return this;
    }

    /** The selected migrations split into those to run, in order, and those applied before. */
    public record Pending(WavePlan plan, List<String> alreadyApplied, Map<String, RunRecord> latestRuns) {}

    /**
     * What a wave of {@code selection} would run now. A migration whose latest run succeeded with
     * another version of its spec is bad input unless {@code allowChangedSpec}: a wave does not
     * silently re-apply edited specs.
     */
    public Pending pending(WaveSelection selection, boolean allowChangedSpec) {
        List<MigrationSpec> selected = selection.select(context.specs(), context.catalog()).stream()
                .map(spec -> batchMaxRows.map(spec::withBatchMaxRows).orElse(spec)).toList();
        Map<String, RunRecord> latest = new HashMap<>();
        for (RunRecord run : context.ledgerReader().runs()) {
            latest.putIfAbsent(run.migration(), run);
        }
        List<MigrationSpec> todo = new ArrayList<>();
        List<String> applied = new ArrayList<>();
        for (MigrationSpec spec : selected) {
            RunRecord last = latest.get(spec.id());
            if (last != null && last.status() == RunStatus.SUCCEEDED) {
                if (last.specChecksum().equals(spec.checksum())) {
                    applied.add(spec.id());
                    continue;
                }
                if (!allowChangedSpec) {
                    throw new InputError(spec.file().toString(), "checksum", "the spec changed since run " + last.runId()
                            + " applied it; leave it out of the wave or pass --allow-changed-spec to apply it again");
                }
            }
            todo.add(spec);
        }
        return new Pending(WavePlan.of(todo), applied, latest);
    }

    /**
     * Bad input (exit 2, before anything is written) when a target of the wave lives on S3 under
     * Delta's single-driver log store and another application is writing it now: two applications
     * committing to one table through that store can overwrite each other's commits. (On a local
     * disk or HDFS, or with the DynamoDB log store, the run lock's exit 3 per migration is enough.)
     */
    void refuseSecondWriter(Pending pending) {
        for (WavePlan.Item item : pending.plan().items()) {
            MigrationSpec spec = item.spec();
            String location = context.catalog().dataset(spec.target())
                    .map(d -> context.config().resolveLocation(d.location())).orElse("");
            if (!dev.drover.storage.ObjectStorage.singleDriverLogStore(context.spark(), location)) {
                continue;
            }
            var holder = dev.drover.storage.RunLock.holder(context.lockFiles(), spec.target() + ".lock", context.config().lockLease())
                    .filter(h -> !h.thisProcess());
            if (holder.isPresent()) {
                throw new InputError(spec.file().toString(), "target", spec.target() + " (" + location + ") is being written by "
                        + holder.get().describe() + " of another application, and Delta's S3SingleDriverLogStore is safe for one "
                        + "writing application at a time: wait for it, leave " + spec.id() + " out of the wave, or configure "
                        + "Delta's DynamoDB log store (README: Object storage)");
            }
        }
    }

    /** One line of a wave's dry run: batches and consumers from analyze, or why they come later. */
    public record Preview(WavePlan.Item item, Optional<MigrationPlan> plan, String note) {}

    /** The dry run: each pending migration analyzed as {@code drover plan} does; nothing written. */
    public List<Preview> preview(Pending pending) {
        List<Preview> previews = new ArrayList<>();
        for (WavePlan.Item item : pending.plan().items()) {
            MigrationSpec spec = item.spec();
            try {
                MigrationPlan plan = JobLabel.of(spec.id(), context.pool(spec.id()), "plan").call(context.spark(),
                        () -> new AnalyzeStage(context.spark(), context.config(), context.catalog()).plan(spec));
                previews.add(new Preview(item, Optional.of(plan), ""));
            } catch (DroverError e) {
                if (item.after().isEmpty()) {
                    throw e;
                }
                // its source is written by a migration before it in this wave
                previews.add(new Preview(item, Optional.empty(), "planned once " + String.join(", ", item.after())
                        + " has run (" + Messages.firstLine(e.getMessage()) + ")"));
            }
        }
        return previews;
    }

    /** Runs the wave and records it; returns once every migration ended. */
    public WaveResult run(WaveSelection selection, boolean allowChangedSpec, int parallel) {
        Pending pending = pending(selection, allowChangedSpec);
        refuseSecondWriter(pending);
        MigrationRunner runner = context.runner();
        return execute(selection.key(), pending, parallel, (waveId, item) -> migrate(runner, waveId, item.spec(), allowChangedSpec));
    }

    /**
     * Syncs every open transition window the selection picks (a migration with dual-write consumers
     * of its source), {@code parallel} at once, as one wave: each window's sync is one MERGE of its
     * source's changes into its target, proven (see {@link dev.drover.run.SyncRunner}). Recorded as
     * a wave whose selection starts with {@code sync}, so a killed one resumes as waves do.
     */
    public WaveResult sync(WaveSelection selection, int parallel, boolean verify) {
        dev.drover.run.SyncRunner syncs = context.syncs();
        java.util.Set<String> open = new java.util.HashSet<>();
        syncs.windows().stream().filter(dev.drover.transition.Window::open).forEach(w -> open.add(w.migration()));
        List<MigrationSpec> selected = selection.select(context.specs(), context.catalog()).stream()
                .filter(spec -> open.contains(spec.id())).toList();
        Pending pending = new Pending(WavePlan.of(selected), List.of(), Map.of());
        return execute("sync " + selection.key(), pending, parallel, (waveId, item) -> sync(syncs, waveId, item.spec(), verify));
    }

    /** What a wave runs for each of its items. */
    @FunctionalInterface
    private interface Task {
        WaveRunRecord run(String waveId, WavePlan.Item item);
    }

    private WaveResult execute(String key, Pending pending, int parallel, Task task) {
        long started = System.nanoTime();
        Ledger ledger = context.ledger();
        Optional<WaveRecord> unfinished = context.ledgerReader().waves().stream()
                .filter(w -> w.selection().equals(key) && w.status() == WaveStatus.RUNNING).findFirst();
        String waveId = unfinished.map(WaveRecord::waveId).orElseGet(WaveRunner::newWaveId);
        Instant startedAt = unfinished.map(WaveRecord::startedAt).orElseGet(Instant::now);
        Map<String, WaveRunRecord> ended = new LinkedHashMap<>();
        int recorded = 0;
        if (unfinished.isPresent()) {
            context.ledgerReader().waveRuns(waveId).forEach(r -> ended.put(r.migration(), r));
            recorded = ended.size();
            recoverUnrecorded(ledger, waveId, startedAt, pending, ended);
        }
        List<WavePlan.Item> items = pending.plan().items();
        // a resumed wave: what ended before the kill is this wave's too, though no longer pending
        List<String> applied = new ArrayList<>(pending.alreadyApplied());
        applied.removeAll(ended.keySet());
        int total = items.size() + (int) ended.keySet().stream().filter(id -> items.stream().noneMatch(i -> i.id().equals(id))).count();
        ledger.record(waveRecord(waveId, key, WaveStatus.RUNNING, total, ended.values(), applied.size(), startedAt, Optional.empty()));
        ledger.flush();
        out.printf("wave %s: %s%d %s to run, %d at once; %d applied before%n", waveId,
                unfinished.isPresent() ? "resumed, " + recorded + " ended before the stop"
                        + (ended.size() > recorded ? " and " + (ended.size() - recorded) + " more whose end was not recorded yet" : "") + "; " : "",
                items.size() - ended.keySet().stream().filter(id -> items.stream().anyMatch(i -> i.id().equals(id))).count(),
                key.startsWith("sync ") ? "window sync(s)" : "migration(s)", Math.max(1, parallel), applied.size());
        List<WaveRunRecord> results = schedule(ledger, waveId, total, items, ended, parallel, task);
        boolean passed = results.stream().allMatch(r -> r.outcome().passed());
        WaveRecord last = waveRecord(waveId, key, passed ? WaveStatus.SUCCEEDED : WaveStatus.FAILED, total, results, applied.size(),
                startedAt, Optional.of(Instant.now()));
        ledger.record(last);
        ledger.flush();
        context.alerts().afterWave(last);
        return new WaveResult(waveId, key, unfinished.isPresent(), results, applied, (System.nanoTime() - started) / 1e9,
                phases.seconds());
    }

    /**
     * A migration whose run ended (passed, or failed and rolled back) after the wave started but
     * before its end was recorded: the run's own record says how.
     */
    private void recoverUnrecorded(Ledger ledger, String waveId, Instant startedAt, Pending pending, Map<String, WaveRunRecord> ended) {
        for (WavePlan.Item item : pending.plan().items()) {
            RunRecord run = pending.latestRuns().get(item.id());
            if (!ended.containsKey(item.id()) && run != null && run.status() == RunStatus.FAILED && !run.eventTime().isBefore(startedAt)) {
                WaveRunRecord recovered = recovered(waveId, run);
                ended.put(item.id(), recovered);
                ledger.recordWaveRun(recovered);
            }
        }
        for (String id : pending.alreadyApplied()) {
            RunRecord run = pending.latestRuns().get(id);
            if (!ended.containsKey(id) && !run.eventTime().isBefore(startedAt)) {
                WaveRunRecord recovered = recovered(waveId, run);
                ended.put(id, recovered);
                ledger.recordWaveRun(recovered);
            }
        }
    }

    /**
     * Runs the items not ended yet, {@code parallel} at once on the context's wave threads, each
     * once those it waits for passed (one whose wait failed is skipped); returns every end.
     */
    private List<WaveRunRecord> schedule(Ledger ledger, String waveId, int total, List<WavePlan.Item> items,
                                         Map<String, WaveRunRecord> ended, int parallel, Task task) {
        WaveProgress progress = new WaveProgress(out, context.config().progress(), waveId, total);
        Map<String, WaveOutcome> outcomes = new HashMap<>();
        ended.forEach((id, r) -> outcomes.put(id, r.outcome()));
        List<WaveRunRecord> results = new ArrayList<>(ended.values());
        Optional<FleetController> fleet = FleetController.start(context.spark(), context.ledger(), context.config().fleet(),
                context.backlog(), () -> waveId);
        try {
            CompletionService<WaveRunRecord> done = new ExecutorCompletionService<>(context.waves());
            List<WavePlan.Item> waiting = new ArrayList<>(items.stream().filter(i -> !ended.containsKey(i.id())).toList());
            int running = 0;
            while (!waiting.isEmpty() || running > 0) {
                running += startReady(ledger, waveId, waiting, outcomes, results, progress, done, Math.max(1, parallel) - running, task);
                context.backlog().setWaiting(waiting.size());
                if (running == 0) {
                    break;
                }
                WaveRunRecord finished = take(done);
                running--;
                end(ledger, finished, outcomes, results)
                        .thenRun(() -> KillPoints.reached("wave-migration-ended:" + finished.migration()));
                progress.ended(finished, true);
            }
        } finally {
            context.backlog().setWaiting(0);
            fleet.ifPresent(FleetController::close);
            progress.finish();
        }
        return results;
    }

    /** Skips the waiting items whose wait failed and starts up to {@code free} of those ready; returns how many started. */
    private int startReady(Ledger ledger, String waveId, List<WavePlan.Item> waiting, Map<String, WaveOutcome> outcomes,
                           List<WaveRunRecord> results, WaveProgress progress, CompletionService<WaveRunRecord> done, int free,
                           Task task) {
        int started = 0;
        boolean changed = true;
        while (changed) {
            changed = false;
            for (WavePlan.Item item : List.copyOf(waiting)) {
                Optional<String> blocker = item.after().stream()
                        .filter(a -> outcomes.containsKey(a) && !outcomes.get(a).passed()).findFirst();
                if (blocker.isPresent()) {
                    WaveRunRecord skipped = new WaveRunRecord(waveId, item.id(), "", WaveOutcome.SKIPPED, 0, 0, 0,
                            "waits for " + blocker.get() + ", which " + outcomes.get(blocker.get()).label().replace("-", " "),
                            Instant.now());
                    waiting.remove(item);
                    end(ledger, skipped, outcomes, results);
                    progress.ended(skipped, false);
                    changed = true;
                } else if (started < free && item.after().stream().allMatch(outcomes::containsKey)) {
                    waiting.remove(item);
                    started++;
                    progress.started();
                    done.submit(() -> task.run(waveId, item));
                    changed = true;
                }
            }
        }
        return started;
    }

    /**
     * Records how a migration ended; the wave goes on without waiting for the commit (a kill
     * before it lands is recovered from the run's own record when the wave resumes).
     */
    private static CompletableFuture<Void> end(Ledger ledger, WaveRunRecord run, Map<String, WaveOutcome> outcomes,
                                               List<WaveRunRecord> results) {
        outcomes.put(run.migration(), run.outcome());
        results.add(run);
        return ledger.recordWaveRun(run);
    }

    /** The end of a run that ended within the wave, read back from its record and batches. */
    private WaveRunRecord recovered(String waveId, RunRecord run) {
        boolean passed = run.status() == RunStatus.SUCCEEDED;
        List<dev.drover.ledger.BatchRecord> batches = passed ? context.ledgerReader().batches(run.runId()) : List.of();
        return new WaveRunRecord(waveId, run.migration(), run.runId(), passed ? WaveOutcome.PASSED : WaveOutcome.FAILED,
                batches.stream().mapToLong(dev.drover.ledger.BatchRecord::rowsWritten).sum(),
                batches.stream().mapToLong(dev.drover.ledger.BatchRecord::rowsQuarantined).sum(), 0,
                passed ? "ended before the stop; recorded when the wave resumed"
                        : run.message() + " (ended before the stop; recorded when the wave resumed)", run.eventTime());
    }

    private WaveRunRecord migrate(MigrationRunner runner, String waveId, MigrationSpec spec, boolean allowChangedSpec) {
        long started = System.nanoTime();
        try {
            MigrationResult r = runner.migrate(spec, allowChangedSpec);
            r.timings().forEach(phases::add);
            WaveOutcome outcome = switch (r.outcome()) {
                case SUCCEEDED -> WaveOutcome.PASSED;
                case ALREADY_APPLIED -> WaveOutcome.ALREADY_APPLIED;
                case FAILED -> WaveOutcome.FAILED;
            };
            return new WaveRunRecord(waveId, spec.id(), r.runId(), outcome, r.rowsWritten(), r.rowsQuarantined(),
                    (System.nanoTime() - started) / 1e9, r.message(), Instant.now());
        } catch (ConflictError e) {
            return new WaveRunRecord(waveId, spec.id(), "", WaveOutcome.HELD, 0, 0, (System.nanoTime() - started) / 1e9,
                    Messages.firstLine(e.getMessage()), Instant.now());
        } catch (Exception e) {
            // the run (if it started) stays in the ledger as it is; the next wave resumes or redoes it.
            // Exception, not RuntimeException: Spark's own (AnalysisException…) are checked ones that
            // Scala throws undeclared, and one migration's must not end the whole wave unrecorded
            return new WaveRunRecord(waveId, spec.id(), "", WaveOutcome.FAILED, 0, 0, (System.nanoTime() - started) / 1e9,
                    "error: " + Messages.firstLine(String.valueOf(e.getMessage())), Instant.now());
        }
    }

    private WaveRunRecord sync(dev.drover.run.SyncRunner syncs, String waveId, MigrationSpec spec, boolean verify) {
        long started = System.nanoTime();
        try {
            dev.drover.model.SyncResult r = syncs.sync(spec, verify);
            r.timings().forEach(phases::add);
            WaveOutcome outcome = r.outcome().passed() ? WaveOutcome.PASSED : WaveOutcome.FAILED;
            String note = r.outcome() == dev.drover.model.SyncResult.Outcome.UP_TO_DATE ? "up to date"
                    : r.outcome().passed() ? "versions " + r.fromVersion() + ".." + r.toVersion() + ": " + r.inserted() + " inserted, "
                            + r.updated() + " updated, " + r.deleted() + " deleted" : r.message();
            return new WaveRunRecord(waveId, spec.id(), r.syncId(), outcome, r.inserted() + r.updated(), r.quarantined(),
                    (System.nanoTime() - started) / 1e9, note, Instant.now());
        } catch (ConflictError e) {
            return new WaveRunRecord(waveId, spec.id(), "", WaveOutcome.HELD, 0, 0, (System.nanoTime() - started) / 1e9,
                    Messages.firstLine(e.getMessage()), Instant.now());
        } catch (Exception e) {   // as a migration's, above
            return new WaveRunRecord(waveId, spec.id(), "", WaveOutcome.FAILED, 0, 0, (System.nanoTime() - started) / 1e9,
                    "error: " + Messages.firstLine(String.valueOf(e.getMessage())), Instant.now());
        }
    }

    private static WaveRunRecord take(CompletionService<WaveRunRecord> done) {
        try {
            Future<WaveRunRecord> next = done.take();
            return next.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the wave ran", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("a wave task failed unexpectedly", e.getCause());
        }
    }

    private static WaveRecord waveRecord(String waveId, String key, WaveStatus status, int total,
                                         java.util.Collection<WaveRunRecord> runs, int applied, Instant startedAt,
                                         Optional<Instant> endedAt) {
        return new WaveRecord(waveId, key, status, total, count(runs, WaveOutcome.PASSED) + count(runs, WaveOutcome.ALREADY_APPLIED),
                applied, count(runs, WaveOutcome.FAILED), count(runs, WaveOutcome.HELD), count(runs, WaveOutcome.SKIPPED),
                startedAt, endedAt, Instant.now(), Hosts.name(), ProcessHandle.current().pid());
    }

    private static long count(java.util.Collection<WaveRunRecord> runs, WaveOutcome outcome) {
        return runs.stream().filter(r -> r.outcome() == outcome).count();
    }

    static String newWaveId() {
        return "w" + WAVE_TIME.format(Instant.now()) + "-" + UUID.randomUUID().toString().substring(0, 6);
    }
}
