package dev.drover.run;

import static java.util.Objects.requireNonNull;

import dev.drover.catalog.Catalog;
import dev.drover.config.DroverConfig;
import dev.drover.exec.Backlog;
import dev.drover.exec.FairPools;
import dev.drover.exec.LocationLocks;
import dev.drover.exec.MigrationScope;
import dev.drover.exec.Timings;
import dev.drover.ledger.Ledger;
import dev.drover.ledger.LedgerReader;
import dev.drover.ledger.LedgerWriter;
import dev.drover.model.Quota;
import dev.drover.spec.SpecLoader;
import dev.drover.spec.Specs;
import java.io.PrintStream;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.sql.SparkSession;

/**
 * What every migration of one application shares: the session, config, catalog and specs (loaded
 * once), one group-committing ledger writer, one bounded executor for batch writes, and the
 * per-location locks of the tables they write. Runners are made from it, as many as needed, each
 * usable more than once; migrations of different datasets may run at the same time.
 */
public final class RunContext implements AutoCloseable {
    private final SparkSession spark;
    private final DroverConfig config;
    private final Catalog catalog;
    private final PrintStream out;
    private final LedgerWriter ledgerWriter;
    private final LedgerReader ledgerReader;
    private final ExecutorService executor;
    private final boolean ownsExecutor;
    private final ExecutorService waveThreads;
    private final LocationLocks locks;
    private final Backlog backlog;
    private volatile Specs specs;
    private volatile dev.drover.storage.LockFiles lockFiles;
    private final RunContext owner;

    private RunContext(SparkSession spark, DroverConfig config, Catalog catalog, Specs specs, PrintStream out,
                       ExecutorService executor, boolean ownsExecutor) {
        this.spark = requireNonNull(spark, "spark is null");
        this.config = requireNonNull(config, "config is null");
        this.catalog = requireNonNull(catalog, "catalog is null");
        this.out = requireNonNull(out, "out is null");
        this.executor = requireNonNull(executor, "executor is null");
        this.ownsExecutor = ownsExecutor;
        this.waveThreads = waveThreads();
        this.specs = specs;
        this.ledgerWriter = new LedgerWriter(spark, config.stateDir());
        this.ledgerReader = new LedgerReader(spark, config.stateDir());
        this.locks = new LocationLocks();
        this.backlog = new Backlog();
        this.owner = null;
    }

    /** A view of {@code shared} whose runs print to {@code out}; closing it closes nothing. */
    private RunContext(RunContext shared, PrintStream out) {
        this.spark = shared.spark;
        this.config = shared.config;
        this.catalog = shared.catalog;
        this.out = requireNonNull(out, "out is null");
        this.executor = shared.executor;
        this.ownsExecutor = false;
        this.waveThreads = shared.waveThreads;
        this.specs = shared.specs();
        this.ledgerWriter = shared.ledgerWriter;
        this.ledgerReader = shared.ledgerReader;
        this.locks = shared.locks;
        this.backlog = shared.backlog;
        this.owner = shared;
    }

    /** The same context (ledger writer, executor, locks) with the runs' lines going to {@code out}. */
    public RunContext withOut(PrintStream out) {
        return new RunContext(this, out);
    }

    /**
     * A context with its own executor of {@code drover.transform.threads} threads. {@code specs}
     * may be null: they are then loaded on first use.
     */
    public static RunContext open(SparkSession spark, DroverConfig config, Catalog catalog, Specs specs, PrintStream out) {
        AtomicInteger n = new AtomicInteger();
        // idle threads end, so a context nobody closed holds none
        ThreadPoolExecutor executor = new ThreadPoolExecutor(config.transformThreads(), config.transformThreads(), 30,
                TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
                    Thread t = new Thread(r, "drover-batch-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        executor.allowCoreThreadTimeOut(true);
        return new RunContext(spark, config, catalog, specs, out, executor, true);
    }

    /** A context whose batch writes run on {@code executor} (bounded by its owner, who also shuts it down). */
    public static RunContext open(SparkSession spark, DroverConfig config, Catalog catalog, Specs specs, PrintStream out,
                                  ExecutorService executor) {
        return new RunContext(spark, config, catalog, specs, out, executor, false);
    }

    public SparkSession spark() {
        return spark;
    }

    public DroverConfig config() {
        return config;
    }

    public Catalog catalog() {
        return catalog;
    }

    public PrintStream out() {
        return out;
    }

    /** Every spec of the conf folder, loaded once. */
    public Specs specs() {
        Specs loaded = specs;
        if (loaded == null) {
            synchronized (this) {
                if (specs == null) {
                    specs = Specs.load(new SpecLoader(catalog, RunContext.class.getClassLoader()), config.migrationsDir());
                }
                loaded = specs;
            }
        }
        return loaded;
    }

    /**
     * The threads a wave runs its migrations (or syncs) on, shared by every wave of this context: a
     * wave bounds how many of its tasks run at once itself ({@code drover.wave.parallel}); threads
     * left idle end after 30 s.
     */
    public ExecutorService waves() {
        return waveThreads;
    }

    private static ExecutorService waveThreads() {
        AtomicInteger n = new AtomicInteger();
        ThreadPoolExecutor threads = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 30, TimeUnit.SECONDS,
                new java.util.concurrent.SynchronousQueue<>(), r -> {
                    Thread t = new Thread(r, "drover-wave-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        return threads;
    }

    /** A new handle on the shared ledger writer: its own writes to wait for. */
    public Ledger ledger() {
        return new Ledger(ledgerWriter, ledgerReader);
    }

    /** The alerts of this context's runs and waves (off when no sink is configured). */
    public dev.drover.alert.Alerts alerts() {
        return new dev.drover.alert.Alerts(config.alerts(), ledger(), out, config.sync().maxLag(), config.sync().remindBefore());
    }

    /** The run locks under the state folder (a local disk or S3), made on first use. */
    public dev.drover.storage.LockFiles lockFiles() {
        if (owner != null) {
            return owner.lockFiles();
        }
        if (lockFiles == null) {
            lockFiles = dev.drover.storage.ObjectStorage.locks(config.stateDir(), spark.sparkContext().hadoopConfiguration());
        }
        return lockFiles;
    }

    /** Batches planned and not written by every migration this context runs, plus a wave's waiting ones. */
    public Backlog backlog() {
        return backlog;
    }

    public LedgerReader ledgerReader() {
        return ledgerReader;
    }

    /**
     * The FAIR scheduler pool of a migration's jobs, made with its spec's quota on first use (see
     * {@link FairPools}); its name is the migration id.
     */
    public String pool(String migration) {
        Quota defaults = config.wave().quota();
        Quota quota = specs().byId().containsKey(migration) ? specs().byId().get(migration).quota().resolve(defaults) : defaults;
        FairPools.ensure(spark.sparkContext(), migration, quota);
        return migration;
    }

    /** The scope of one run of a migration: its Spark jobs go to the migration's scheduler pool. */
    MigrationScope scope(String migration, String runId, Timings timings) {
        return new MigrationScope(spark, migration, runId, pool(migration), executor, locks, timings, out, backlog);
    }

    public MigrationRunner runner() {
        return new MigrationRunner(this);
    }

    /** The runner of this context's transition windows: syncs, full checks, resnapshots. */
    public SyncRunner syncs() {
        return new SyncRunner(this);
    }

    /** Waits until every record queued by any run of this context is committed. */
    public void drainLedger() {
        ledgerWriter.drainAll();
    }

    /** Waits for the ledger's last commits, then stops the threads this context started. */
    @Override
    public void close() {
        if (owner != null) {
            ledgerWriter.drainAll();
            return;
        }
        ledgerWriter.close();
        waveThreads.shutdownNow();
        if (ownsExecutor) {
            executor.shutdownNow();
        }
    }
}
