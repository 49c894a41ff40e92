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
import dev.drover.ledger.Ledger;
import dev.drover.ledger.RunRecord;
import dev.drover.model.HistoryEntry;
import dev.drover.model.MigrationResult;
import dev.drover.model.RollbackResult;
import dev.drover.plan.MigrationPlan;
import dev.drover.restore.Rollback;
import dev.drover.run.MigrationRunner;
import dev.drover.run.RunLock;
import dev.drover.spec.MigrationSpec;
import dev.drover.spec.SpecLoader;
import dev.drover.view.RunView;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Drover's Java API, for other Spark applications and notebooks; the CLI calls the same methods.
 * <pre>
 *   Drover drover = Drover.open(spark, Drover.config(Path.of("conf"), List.of()));
 *   MigrationResult result = drover.migrate("users/V2").execute();
 * </pre>
 */
public final class Drover {
    private final SparkSession spark;
    private final DroverConfig config;
    private final Catalog catalog;
    private final PrintStream out;

    private Drover(SparkSession spark, DroverConfig config, Catalog catalog, PrintStream out) {
        this.spark = requireNonNull(spark, "spark is null");
        this.config = requireNonNull(config, "config is null");
        this.catalog = requireNonNull(catalog, "catalog is null");
        this.out = requireNonNull(out, "out is null");
    }

    public static DroverConfig config(Path confDir, List<String> overrides) {
        return ConfigLoader.load(confDir, overrides);
    }

    public static Catalog catalog(DroverConfig config) {
        return new CatalogLoader().load(config.catalogDir(), config.templatesDir());
    }

    /** Every spec, checked against the catalog; needs no Spark. */
    public static Map<String, MigrationSpec> specs(DroverConfig config, Catalog catalog) {
        return new SpecLoader(catalog, Drover.class.getClassLoader()).loadAll(config.migrationsDir());
    }

    public static MigrationSpec spec(DroverConfig config, Catalog catalog, String reference) {
        return new SpecLoader(catalog, Drover.class.getClassLoader()).find(config.migrationsDir(), reference);
    }

    public static Drover open(SparkSession spark, DroverConfig config) {
        return new Drover(spark, config, catalog(config), System.out);
    }

    public static Drover open(SparkSession spark, DroverConfig config, Catalog catalog, PrintStream out) {
        return new Drover(spark, config, catalog, out);
    }

    public DroverConfig config() {
        return config;
    }

    public Catalog catalog() {
        return catalog;
    }

    public MigrationSpec spec(String reference) {
        return spec(config, catalog, reference);
    }

    /** A dry run: nothing is written. */
    public MigrationPlan plan(String migration) {
        return new AnalyzeStage(spark, config, catalog).plan(spec(migration));
    }

    public Migrate migrate(String migration) {
        return new Migrate(spec(migration));
    }

    /**
     * Re-runs the test stage of a succeeded run against the source version it recorded. The
     * spec must be the one the run applied (same checksum).
     */
    public dev.drover.model.ValidationResult validate(String runId) {
        RunRecord run = ledger().requireRun(runId);
        MigrationSpec spec = spec(run.migration());
        if (!spec.checksum().equals(run.specChecksum())) {
            throw new InputError(spec.file().toString(), "checksum", "the spec changed since run " + runId
                    + " applied it; validate checks a run against the spec it ran with");
        }
        return new MigrationRunner(spark, config, catalog, out).validate(runId, spec);
    }

    public RollbackResult rollback(String runId, boolean force) {
        return new Rollback(spark, config).rollback(runId, force);
    }

    public List<RunRecord> runs() {
        return ledger().runs();
    }

    public RunView status(String runId) {
        Ledger ledger = ledger();
        RunRecord run = ledger.requireRun(runId);
        return new RunView(run, ledger.stages(runId), ledger.batches(runId), ledger.quarantineCounts(runId),
                RunLock.holder(config.stateDir(), run.target(), config.lockLease()), ledger.checks(runId),
                ledger.schemaChanges(runId), dev.drover.outbox.EventState.of(new dev.drover.outbox.Outbox(ledger).state(), runId));
    }

    /** Delta history of a dataset, newest first, joined with the ledger. */
    public List<HistoryEntry> history(String dataset, int limit) {
        var entity = catalog.dataset(dataset).orElseThrow(() -> new InputError("", "dataset",
                "unknown dataset '" + dataset + "'; the catalog has " + catalog.datasets().keySet().stream().sorted().toList()));
        String location = config.resolveLocation(entity.location());
        DeltaTables delta = new DeltaTables(spark);
        if (!delta.exists(location)) {
            throw new InputError(entity.file(), "dataset " + dataset, "has no Delta table at " + location);
        }
        Map<String, RunRecord> runs = runs().stream().collect(Collectors.toMap(RunRecord::runId, Function.identity()));
        List<HistoryEntry> entries = new ArrayList<>();
        for (Row r : delta.history(location).orderBy(org.apache.spark.sql.functions.col("version").desc()).limit(limit)
                .selectExpr("version", "timestamp", "operation", "userMetadata",
                        "cast(coalesce(operationMetrics['numOutputRows'], operationMetrics['numRestoredFiles']) as bigint)")
                .collectAsList()) {
            var tag = CommitTag.parse(r.isNullAt(3) ? null : r.getString(3));
            RunRecord run = tag.map(t -> runs.get(t.run())).orElse(null);
            entries.add(new HistoryEntry(r.getLong(0), r.getTimestamp(1), r.getString(2),
                    tag.map(CommitTag::run).orElse(null), tag.map(CommitTag::migration).orElse(null),
                    tag.map(CommitTag::stage).orElse(null), tag.map(CommitTag::batch).orElse(null),
                    run == null ? null : run.status().label(), r.isNullAt(4) ? null : r.getLong(4)));
        }
        return entries;
    }

    private Ledger ledger() {
        return new Ledger(spark, config.stateDir());
    }

    /** A migration about to run; options first, then {@link #execute()}. */
    public final class Migrate {
        private final MigrationSpec spec;
        private boolean allowChangedSpec;

        private Migrate(MigrationSpec spec) {
            this.spec = spec;
        }

        /** Run even though the spec file changed since it was applied. */
        public Migrate allowChangedSpec(boolean allow) {
            this.allowChangedSpec = allow;
            return this;
        }

        public MigrationResult execute() {
            return new MigrationRunner(spark, config, catalog, out).migrate(spec, allowChangedSpec);
        }
    }
}
