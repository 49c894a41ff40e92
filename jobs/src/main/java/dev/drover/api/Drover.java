package dev.drover.api;

import static java.util.Objects.requireNonNull;

import dev.drover.analyze.AnalyzeStage;
import dev.drover.catalog.Catalog;
import dev.drover.catalog.CatalogLoader;
import dev.drover.config.ConfigLoader;
import dev.drover.config.DroverConfig;
import dev.drover.delta.CommitTag;
import dev.drover.delta.DeltaTables;
import dev.drover.error.InputError;
import dev.drover.exec.JobLabel;
import dev.drover.ledger.Ledger;
import dev.drover.ledger.LedgerReader;
import dev.drover.ledger.RunRecord;
import dev.drover.model.HistoryEntry;
import dev.drover.model.MigrationResult;
import dev.drover.model.RollbackResult;
import dev.drover.model.ValidationResult;
import dev.drover.outbox.EventState;
import dev.drover.outbox.Outbox;
import dev.drover.plan.MigrationPlan;
import dev.drover.run.RunContext;
import dev.drover.spec.MigrationSpec;
import dev.drover.spec.SpecLoader;
import dev.drover.spec.Specs;
import dev.drover.storage.RunLock;
import dev.drover.view.RunView;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Drover's Java API, for other Spark applications and notebooks; the CLI calls the same methods.
 * One {@code Drover} holds one {@link RunContext}: its migrations share a ledger writer, an
 * executor and the specs loaded once, and may run at the same time from several threads.
 * <pre>
 *   try (Drover drover = Drover.open(spark, Drover.config(Path.of("conf"), List.of()))) {
 *       MigrationResult result = drover.migrate("users/V2").execute();
 *   }
 * </pre>
 */
public final class Drover implements AutoCloseable {
    private final RunContext context;

    private Drover(RunContext context) {
        this.context = requireNonNull(context, "context is null");
    }

    public static DroverConfig config(Path confDir, List<String> overrides) {
        return ConfigLoader.load(confDir, overrides);
    }

    public static Catalog catalog(DroverConfig config) {
        return new CatalogLoader().load(config.catalogDir(), config.templatesDir());
    }

    /** Every spec, checked against the catalog; needs no Spark. */
    public static Specs specs(DroverConfig config, Catalog catalog) {
        return Specs.load(new SpecLoader(catalog, Drover.class.getClassLoader()), config.migrationsDir());
    }

    public static Drover open(SparkSession spark, DroverConfig config) {
        return open(spark, config, catalog(config), System.out);
    }

    public static Drover open(SparkSession spark, DroverConfig config, Catalog catalog, PrintStream out) {
        return new Drover(RunContext.open(spark, config, catalog, null, out));
    }

    /** With the specs already loaded (the CLI checks them before Spark starts). */
    public static Drover open(SparkSession spark, DroverConfig config, Catalog catalog, Specs specs, PrintStream out) {
        return new Drover(RunContext.open(spark, config, catalog, specs, out));
    }

    /** A Drover on an existing run context (a wave's, an agent's). */
    public static Drover on(RunContext context) {
        return new Drover(context);
    }

    public DroverConfig config() {
        return context.config();
    }

    /** The run context this Drover's calls share (a wave runs its migrations on it). */
    /**
     * Waves on this Drover's context: {@code out} gets the wave's own lines, {@code runOut} the
     * lines of the migrations it runs.
     */
    public dev.drover.wave.WaveRunner waves(PrintStream out, PrintStream runOut) {
        return new dev.drover.wave.WaveRunner(context.withOut(runOut), out);
    }

    /** The waves in the ledger, newest first (their latest state). */
    public List<dev.drover.ledger.WaveRecord> waveRecords() {
        return context.ledgerReader().waves();
    }

    /** The agent's requests as they stand now, newest first. */
    public List<dev.drover.ledger.RequestRecord> requests() {
        return context.ledgerReader().requests();
    }

    /** How each migration of a wave ended, in the order they ended. */
    public List<dev.drover.ledger.WaveRunRecord> waveRuns(String waveId) {
        return context.ledgerReader().waveRuns(waveId);
    }

    /** The fleet's changes during a wave (null: all of them), oldest first. */
    public List<dev.drover.ledger.FleetRecord> fleet(String waveId) {
        return context.ledgerReader().fleet(waveId);
    }

    public RunContext context() {
        return context;
    }

    public Catalog catalog() {
        return context.catalog();
    }

    public MigrationSpec spec(String reference) {
        return context.specs().find(reference);
    }

    /** A dry run: nothing is written. */
    public MigrationPlan plan(String migration) {
        MigrationSpec spec = spec(migration);
        return JobLabel.of(spec.id(), context.pool(spec.id()), "plan").call(context.spark(),
                () -> new AnalyzeStage(context.spark(), config(), catalog()).plan(spec));
    }

    /**
     * What the migration does to every consumer's declared queries, before it runs: each query
     * unaffected, rewritable (with its rewrite) or needing a person, and why. Reads the old
     * version's schema and the consumers' repositories (cloned into a temporary folder); writes nothing.
     */
    public List<dev.drover.impact.ConsumerImpact> impact(String migration) {
        MigrationPlan plan = plan(migration);
        java.nio.file.Path work = null;
        try {
            work = java.nio.file.Files.createTempDirectory("drover-impact");
            dev.drover.impact.Impacts impacts = impacts(work);
            return impacts.analyze(impacts.subject(plan.source().name(), plan.sourceSchema(), plan.target().name(),
                    plan.targetSchema(), plan.diff(), plan.pipeline().steps()), plan.consumers());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } finally {
            if (work != null) {
                dev.drover.impact.Impacts.deleteQuietly(work);
            }
        }
    }

    /** Impact analysis over this catalog, cloning repositories under {@code workDir}. */
    public dev.drover.impact.Impacts impacts(java.nio.file.Path workDir) {
        Catalog catalog = catalog();
        return new dev.drover.impact.Impacts(context.spark(), catalog,
                d -> config().resolveLocation(catalog.datasets().get(d).location()), workDir);
    }

    public Migrate migrate(String migration) {
        return new Migrate(spec(migration));
    }

    /**
     * Re-runs the test stage of a succeeded run against the source version it recorded. The
     * spec must be the one the run applied (same checksum).
     */
    public ValidationResult validate(String runId) {
        return context.runner().validate(runId);
    }

    public RollbackResult rollback(String runId, boolean force) {
        return context.runner().rollback(runId, force);
    }

    /** A handle on this Drover's ledger writer (the notifier records deliveries through it). */
    public Ledger ledger() {
        return context.ledger();
    }

    public List<RunRecord> runs() {
        return context.ledgerReader().runs();
    }

    public RunView status(String runId) {
        Ledger ledger = context.ledger();
        LedgerReader reader = ledger.read();
        RunRecord run = reader.requireRun(runId);
        return new RunView(run, reader.stages(runId), reader.batches(runId), reader.quarantineCounts(runId),
                RunLock.holder(context.lockFiles(), run.target() + ".lock", config().lockLease()).map(RunLock.Holder::run),
                reader.checks(runId), reader.schemaChanges(runId), EventState.of(new Outbox(ledger).state(), runId));
    }

    /**
     * Renders the static HTML dashboard under {@code out} from one read of the ledger, the newest
     * {@code versions} Delta versions of each target, and the top quarantine errors.
     */
    public dev.drover.report.ReportWriter.Written report(java.nio.file.Path out, int versions) throws java.io.IOException {
        var input = dev.drover.report.Report.read(context.spark(), context.ledgerReader(), new Outbox(context.ledger()),
                config().quarantineSuffix(), versions).withTransitions(transitions());
        return dev.drover.report.Report.write(input, out);
    }

    /** Delta history of a dataset, newest first, joined with the ledger. */
    public List<HistoryEntry> history(String dataset, int limit) {
        var entity = catalog().dataset(dataset).orElseThrow(() -> new InputError("", "dataset",
                "unknown dataset '" + dataset + "'; the catalog has " + catalog().datasets().keySet().stream().sorted().toList()));
        String location = config().resolveLocation(entity.location());
        DeltaTables delta = new DeltaTables(context.spark());
        if (!delta.exists(location)) {
            throw new InputError(entity.file(), "dataset " + dataset, "has no Delta table at " + location);
        }
        List<Row> versions = delta.history(location).orderBy(org.apache.spark.sql.functions.col("version").desc()).limit(limit)
                .selectExpr("version", "timestamp", "operation", "userMetadata",
                        "cast(coalesce(operationMetrics['numOutputRows'], operationMetrics['numRestoredFiles']) as bigint)")
                .collectAsList();
        List<String> runIds = versions.stream().map(r -> CommitTag.parse(r.isNullAt(3) ? null : r.getString(3)))
                .flatMap(Optional::stream).map(CommitTag::run).distinct().toList();
        Map<String, RunRecord> runs = context.ledgerReader().runs(runIds).stream()
                .collect(Collectors.toMap(RunRecord::runId, Function.identity()));
        List<HistoryEntry> entries = new ArrayList<>();
        for (Row r : versions) {
            var tag = CommitTag.parse(r.isNullAt(3) ? null : r.getString(3));
            RunRecord run = tag.map(t -> runs.get(t.run())).orElse(null);
            entries.add(new HistoryEntry(r.getLong(0), r.getTimestamp(1), r.getString(2),
                    tag.map(CommitTag::run).orElse(null), tag.map(CommitTag::migration).orElse(null),
                    tag.map(t -> t.stage().label()).orElse(null), tag.map(CommitTag::batch).orElse(null),
                    run == null ? null : run.status().label(), r.isNullAt(4) ? null : r.getLong(4)));
        }
        return entries;
    }

    /** Waits for the ledger's last writes and stops the threads this Drover started. */
    @Override
    public void close() {
        context.close();
    }

    /** A sync of a migration's transition window about to run; options first, then {@link #execute()}. */
    public Sync sync(String migration) {
        return new Sync(spec(migration));
    }

    /** Every transition window (open or retired) with its lag, as the ledger, the outbox and the source's log have it now. */
    public List<dev.drover.transition.TransitionStatus> transitions() {
        dev.drover.run.SyncRunner syncs = context.syncs();
        return syncs.statuses(syncs.windows());
    }

    /** Sends the alerts the windows call for now (lag, deadlines); returns the statuses it judged. */
    public List<dev.drover.transition.TransitionStatus> alertOnTransitions() {
        List<dev.drover.transition.TransitionStatus> statuses = transitions();
        context.alerts().windows(statuses);
        return statuses;
    }

    /** Records that {@code consumer} has moved off the window's source, as {@code actor} says. */
    public void moved(String migration, String consumer, String actor) {
        context.syncs().moved(spec(migration), consumer, actor);
    }

    /** Retires a window's source (see {@link dev.drover.run.SyncRunner#retire}). */
    public dev.drover.model.RetireResult retire(String migration, boolean force, String actor) {
        return context.syncs().retire(spec(migration), force, actor);
    }

    /**
     * A sync of one window: {@code verify} adds the full check after it, {@code onlyVerify} runs the
     * full check alone, {@code resnapshot} runs the whole migration again instead.
     */
    public final class Sync {
        private final MigrationSpec spec;
        private boolean verify;
        private boolean onlyVerify;
        private boolean resnapshot;
        private PrintStream lines;

        private Sync(MigrationSpec spec) {
            this.spec = spec;
        }

        /** Where the sync's own lines go (default: this Drover's output); a caller printing JSON sends them elsewhere. */
        public Sync lines(PrintStream out) {
            this.lines = out;
            return this;
        }

        /** Also compare all of v2 with the steps over v1 at the synced version. */
        public Sync verify(boolean verify) {
            this.verify = verify;
            return this;
        }

        /** Only the full check: no sync before it. */
        public Sync onlyVerify(boolean only) {
            this.onlyVerify = only;
            return this;
        }

        /** Run the whole migration again from v1's latest version (when the change data feed cannot serve a range). */
        public Sync resnapshot(boolean resnapshot) {
            this.resnapshot = resnapshot;
            return this;
        }

        public dev.drover.model.SyncResult execute() {
            dev.drover.run.SyncRunner syncs = lines == null ? context.syncs() : context.withOut(lines).syncs();
            if (resnapshot) {
                return syncs.resnapshot(spec);
            }
            return onlyVerify ? syncs.verify(spec) : syncs.sync(spec, verify);
        }
    }

    /** A migration about to run; options first, then {@link #execute()}. */
    public final class Migrate {
        private final MigrationSpec spec;
        private boolean allowChangedSpec;
        private boolean enableCdf;

        private Migrate(MigrationSpec spec) {
            this.spec = spec;
        }

        /** Run even though the spec file changed since it was applied. */
        public Migrate allowChangedSpec(boolean allow) {
            this.allowChangedSpec = allow;
            return this;
        }

        /** For a migration with a transition window: turn on the source's change data feed first when it is off. */
        public Migrate enableCdf(boolean enable) {
            this.enableCdf = enable;
            return this;
        }

        public MigrationResult execute() {
            return context.runner().migrate(spec, new dev.drover.run.MigrationRunner.Options(allowChangedSpec, enableCdf, false), id -> { });
        }
    }
}
