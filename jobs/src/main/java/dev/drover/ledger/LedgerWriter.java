package dev.drover.ledger;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.drover.exec.JobLabel;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The one ledger writer of an application, shared by every migration it runs. Records queue up
 * per table and go to the table in one Delta commit at a time (group commit), built in the
 * driver with no Spark job ({@link DriverAppend}): whatever queued
 * while a table's last commit ran goes in its next one, from every running migration at once.
 * Tables are written at the same time, each by one thread at a time (two appends racing to
 * create a table would conflict in Delta). Each append returns a future that completes when
 * its rows are committed; callers wait where durability matters.
 */
public final class LedgerWriter implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    /**
     * Ledger tables take a commit per group of small records; readers replay at most this many
     * small JSON commits after a checkpoint. This writer makes the checkpoint itself, in the
     * driver (Delta Kernel's checkpoint writer): Delta's own, after a commit, rebuilt the table's
     * state with five Spark jobs and held the table's queue 1.6–9 s where Kernel's takes 0.08–0.4 s.
     */
    static final int CHECKPOINT_INTERVAL = 100;
    /**
     * The table property that keeps Delta from checkpointing a ledger table on its own (the
     * commit whose version is a multiple of it would): set on every ledger table, old ones at
     * their next commit.
     */
    static final String DELTA_CHECKPOINT_INTERVAL = String.valueOf(Integer.MAX_VALUE);
    /**
     * Every this many commits of this writer to a table, the files of those commits become one (no
     * data change): a wave of 1,000 migrations makes thousands of one-commit files, and a filtered
     * ledger read opens every file whose statistics do not rule it out. The writer still holds
     * their rows, so it writes the one file and commits it in the driver, with no Spark job.
     */
    static final int COMPACT_EVERY = 200;
    /**
     * Every this many of those compactions, Delta's OPTIMIZE (Spark jobs) merges the table's files
     * whatever wrote them: other applications' and the compacted ones.
     */
    static final int OPTIMIZE_EVERY = 20;
    /** A ledger commit lock's lease: a holder that stopped heart-beating this long ago is gone. */
    static final java.time.Duration COMMIT_LEASE = java.time.Duration.ofSeconds(60);

    private final SparkSession spark;
    private final DriverAppend appender;
    private final String stateDir;
    private final int compactEvery;
    private final int optimizeEvery;
    private final int checkpointEvery;
    private final ExecutorService threads;
    private final Map<String, TableQueue> queues = new ConcurrentHashMap<>();
    /**
     * On S3 with Delta's single-driver log store, a ledger table is written by every application
     * that uses the state folder, and that store is safe for one writer at a time: each commit then
     * holds the table's lock file (a conditional PUT) for its duration. Null elsewhere.
     */
    private final dev.drover.storage.LockFiles commitLocks;
    private final String writerId = "ledger-" + java.util.UUID.randomUUID();

    public LedgerWriter(SparkSession spark, String stateDir) {
        this(spark, stateDir, COMPACT_EVERY, OPTIMIZE_EVERY, CHECKPOINT_INTERVAL);
    }

    /**
     * A writer with other intervals than the defaults, for tests that reach them in a few commits:
     * it compacts a table's files every {@code compactEvery} of its commits, runs OPTIMIZE every
     * {@code optimizeEvery} compactions, and checkpoints at the first version it commits past each
     * multiple of {@code checkpointEvery}.
     */
    public LedgerWriter(SparkSession spark, String stateDir, int compactEvery, int optimizeEvery, int checkpointEvery) {
        this.compactEvery = compactEvery;
        this.optimizeEvery = optimizeEvery;
        this.checkpointEvery = checkpointEvery;
        this.spark = requireNonNull(spark, "spark is null");
        this.appender = new DriverAppend(spark);
        this.stateDir = requireNonNull(stateDir, "stateDir is null");
        this.commitLocks = dev.drover.storage.ObjectStorage.singleDriverLogStore(spark, stateDir)
                ? dev.drover.storage.ObjectStorage.locks(stateDir, spark.sparkContext().hadoopConfiguration()) : null;
        // compactions are small and every run waits for the ledger: their pool gets a core first
        dev.drover.exec.FairPools.ensure(spark.sparkContext(), dev.drover.exec.JobLabel.LEDGER_POOL, new dev.drover.model.Quota(1, 1, 0));
        this.threads = Executors.newCachedThreadPool(r -> {
            Thread thread = new Thread(r, "drover-ledger");
            thread.setDaemon(true);
            return thread;
        });
    }

    public String stateDir() {
        return stateDir;
    }

    public String location(String table) {
        return stateDir + "/ledger/" + table;
    }

    /** Queues {@code rows} for {@code table}; the future completes when they are committed. */
    public <R extends Record> CompletableFuture<Void> append(LedgerTable<R> table, List<R> rows) {
        if (rows.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        TableQueue queue = queues.computeIfAbsent(table.name(), n -> new TableQueue(table));
        CompletableFuture<Void> done = new CompletableFuture<>();
        List<Row> converted = new ArrayList<>();
        for (R r : rows) {
            converted.add(table.toRow(r));
        }
        boolean start;
        synchronized (queue) {
            queue.waiting.add(new Pending(converted, done));
            start = !queue.draining;
            queue.draining = true;
        }
        if (start) {
            threads.execute(() -> drain(queue));
        }
        return done;
    }

    /** Commits what is queued for one table, one commit at a time, until nothing is left. */
    private void drain(TableQueue queue) {
        while (true) {
            List<Pending> group;
            synchronized (queue) {
                if (queue.waiting.isEmpty()) {
                    queue.draining = false;
                    return;
                }
                group = new ArrayList<>(queue.waiting);
                queue.waiting.clear();
            }
            List<Row> rows = new ArrayList<>();
            group.forEach(p -> rows.addAll(p.rows()));
            try {
                String name = queue.table.name();
                // Labelled as the ledger's, should Delta start a job: this thread carries the job
                // properties of whichever migration's thread started it (Spark copies them into new
                // threads), and that migration's quota must not pay for the ledger.
                DriverAppend.Appended appended = guardedCall(name, () -> JobLabel.ledger(name).call(spark, () -> appender.append(
                        location(name), queue.table.schema(), rows, Map.of("delta.checkpointInterval", DELTA_CHECKPOINT_INTERVAL),
                        JSON.createObjectNode().put("tool", "drover").put("stage", "ledger").put("table", name)
                                .put("rows", rows.size()).toString())));
                group.forEach(p -> p.done().complete(null));
                queue.appended.add(appended);
                queue.appendedRows.addAll(rows);
                checkpointIfDue(queue, appended.version());
                if (++queue.commits % compactEvery == 0) {
                    compact(queue);
                }
            } catch (Exception | Error e) {
                // Spark's own exceptions are checked ones Scala throws undeclared: a waiter must
                // hear of every failure, or it waits for ever
                group.forEach(p -> p.done().completeExceptionally(e));
            }
        }
    }

    /**
     * Compacts the files of this writer's last commits to one table, between two of its commits
     * (this writer's appends wait), and every {@code optimizeEvery} times runs OPTIMIZE. A
     * concurrent compaction by another application may win (Delta refuses the loser's commit, whose
     * files then stay as they were); appends never conflict with either.
     */
    private void compact(TableQueue queue) {
        String table = queue.table.name();
        List<DriverAppend.Appended> files = List.copyOf(queue.appended);
        List<Row> rows = List.copyOf(queue.appendedRows);
        queue.appended.clear();
        queue.appendedRows.clear();
        if (files.size() > 1) {
            skipOnFailure(table, () -> checkpointIfDue(queue, guardedCall(table, () -> JobLabel.ledger(table).call(spark,
                    () -> appender.compact(location(table), queue.table.schema(), files.get(0).version(), files, rows)))));
        }
        if (++queue.compactions % optimizeEvery == 0) {
            skipOnFailure(table, () -> guarded(table, () -> JobLabel.ledger(table).run(spark,
                    () -> io.delta.tables.DeltaTable.forPath(spark, location(table)).optimize().executeCompaction())));
        }
    }

    /**
     * Checkpoints the table at {@code version} when a multiple of {@code checkpointEvery} lies
     * between the last version this writer saw and it (other writers' commits and compactions
     * come between this writer's appends, so the multiple itself may not be one of them).
     */
    private void checkpointIfDue(TableQueue queue, long version) {
        long due = version / checkpointEvery;
        boolean first = queue.checkpointDue < 0;
        if (first ? version > 0 && version % checkpointEvery == 0 : due > queue.checkpointDue) {
            String name = queue.table.name();
            JobLabel.ledger(name).run(spark, () -> appender.checkpoint(location(name), version));
        }
        queue.checkpointDue = Math.max(queue.checkpointDue, due);
    }

    private static void skipOnFailure(String table, Runnable compaction) {
        try {
            compaction.run();
        } catch (Exception e) {
            org.slf4j.LoggerFactory.getLogger(LedgerWriter.class).warn("ledger table {}: compaction skipped: {}", table,
                    dev.drover.common.Messages.firstLine(String.valueOf(e.getMessage())));
        }
    }

    /** Runs one commit to {@code table}, holding its commit lock when the state folder needs one. */
    private void guarded(String table, Runnable commit) {
        guardedCall(table, () -> {
            commit.run();
            return null;
        });
    }

    private <T> T guardedCall(String table, java.util.function.Supplier<T> commit) {
        if (commitLocks == null) {
            return commit.get();
        }
        try (var lock = dev.drover.storage.RunLock.await(commitLocks, "ledger/" + table + ".lock", writerId, COMMIT_LEASE,
                COMMIT_LEASE.dividedBy(4), COMMIT_LEASE.multipliedBy(2))) {
            return commit.get();
        }
    }

    /** Waits for every queued record of every table. */
    public void drainAll() {
        List<CompletableFuture<Void>> all = new ArrayList<>();
        for (TableQueue q : queues.values()) {
            synchronized (q) {
                q.waiting.forEach(p -> all.add(p.done()));
            }
        }
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).exceptionally(e -> null).join();
        // a group in flight is not in the queues: wait until every table's drain has stopped
        for (TableQueue q : queues.values()) {
            while (true) {
                synchronized (q) {
                    if (!q.draining) {
                        break;
                    }
                }
                try {
                    Thread.sleep(10);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    @Override
    public void close() {
        drainAll();
        threads.shutdown();
        try {
            threads.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private record Pending(List<Row> rows, CompletableFuture<Void> done) {}

    private static final class TableQueue {
        final LedgerTable<?> table;
        final List<Pending> waiting = new ArrayList<>();
        boolean draining;
        int commits;
        int compactions;
        /** The last version this writer committed to the table, over {@code checkpointEvery}; -1 before its first. */
        long checkpointDue = -1;
        /** This writer's commits since the last compaction, and the rows they hold (the draining thread's alone). */
        final List<DriverAppend.Appended> appended = new ArrayList<>();
        final List<Row> appendedRows = new ArrayList<>();

        TableQueue(LedgerTable<?> table) {
            this.table = table;
        }
    }
}
