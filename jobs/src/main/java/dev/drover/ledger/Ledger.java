package dev.drover.ledger;

import static org.apache.spark.sql.functions.col;

import dev.drover.delta.CommitTag;
import dev.drover.delta.DeltaTables;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;

/**
 * The ledger: append-only Delta tables under the state folder. Blind appends never conflict,
 * so several runs can record at once; the current state of anything is its latest row.
 * The tables are plain Delta tables for SQL, notebooks and dashboards.
 */
public final class Ledger {
    public static final String RUNS = "runs";
    public static final String STAGES = "stages";
    public static final String BATCHES = "batches";
    public static final String QUARANTINE_COUNTS = "quarantine_counts";
    public static final String SPEC_CHECKSUMS = "spec_checksums";
    public static final String CHECKS = "checks";
    public static final String SCHEMA_CHANGES = "schema_changes";
    static final String CHECKS_DDL = "run_id STRING, stage STRING, kind STRING, check STRING, passed BOOLEAN, "
            + "expected STRING, observed STRING, event_time TIMESTAMP";
    static final String SCHEMA_DDL = "run_id STRING, from_column STRING, to_column STRING, from_type STRING, to_type STRING, "
            + "from_nullable BOOLEAN, to_nullable BOOLEAN, kinds STRING, breaking BOOLEAN, event_time TIMESTAMP";
    static final String QUARANTINE_DDL = "run_id STRING, batch_id INT, step STRING, error_count BIGINT, event_time TIMESTAMP";
    static final String CHECKSUM_DDL = "migration STRING, checksum STRING, file STRING, run_id STRING, recorded_at TIMESTAMP";

    private final SparkSession spark;
    private final String stateDir;
    private final DeltaTables delta;
    private final java.util.function.DoubleConsumer writeTimer;
    /** One writer thread per ledger table: tables are written at once, one table's appends in order. */
    private final java.util.Map<String, java.util.concurrent.ExecutorService> writers;
    private final List<java.util.concurrent.Future<?>> pending = new java.util.ArrayList<>();

    public Ledger(SparkSession spark, String stateDir) {
        this(spark, stateDir, null, false);
    }

    /**
     * A ledger whose writes run in the background, overlapping the run's Spark jobs (each is a
     * small Delta commit). Reads wait for earlier writes; {@link #flush()} waits for all and
     * rethrows the first failure. Each write's time goes to {@code writeTimer} (may be null).
     */
    public static Ledger background(SparkSession spark, String stateDir, java.util.function.DoubleConsumer writeTimer) {
        return new Ledger(spark, stateDir, writeTimer, true);
    }

    private Ledger(SparkSession spark, String stateDir, java.util.function.DoubleConsumer writeTimer, boolean background) {
        this.writeTimer = writeTimer;
        this.writers = background ? new java.util.concurrent.ConcurrentHashMap<>() : null;
        this.spark = spark;
        this.stateDir = stateDir;
        this.delta = new DeltaTables(spark);
    }

    public String location(String table) {
        return stateDir + "/ledger/" + table;
    }

    public void record(RunRecord run) {
        append(RUNS, RunRecord.DDL, List.<Object[]>of(run.values()), run.runId(), run.migration());
    }

    public void record(StageRecord stage) {
        append(STAGES, StageRecord.DDL, List.<Object[]>of(stage.values()), stage.runId(), "");
    }

    public void record(List<BatchRecord> batches) {
        append(BATCHES, BatchRecord.DDL, batches.stream().map(BatchRecord::values).toList(),
                batches.isEmpty() ? "" : batches.get(0).runId(), "");
    }

    public void recordQuarantine(String runId, int batchId, List<Row> stepCounts) {
        Timestamp now = Timestamp.from(Instant.now());
        append(QUARANTINE_COUNTS, QUARANTINE_DDL, stepCounts.stream()
                .map(r -> new Object[] {runId, batchId, r.getString(0), r.getLong(1), now}).toList(), runId, "");
    }

    public void recordChecksum(String migration, String checksum, String file, String runId) {
        append(SPEC_CHECKSUMS, CHECKSUM_DDL,
                List.<Object[]>of(new Object[] {migration, checksum, file, runId, Timestamp.from(Instant.now())}), runId, migration);
    }

    /** One validation's results (stage test, or validate when re-run on demand), all with one time. */
    public void recordChecks(String runId, String stage, List<dev.drover.model.CheckResult> checks) {
        Timestamp now = Timestamp.from(Instant.now());
        append(CHECKS, CHECKS_DDL, checks.stream().map(c -> new Object[] {runId, stage, c.kind(), c.name(), c.passed(),
                c.expected(), c.observed(), now}).toList(), runId, "");
    }

    /** The latest validation of a run: its checks, in the order they ran. */
    public List<dev.drover.model.CheckResult> checks(String runId) {
        List<Row> rows = table(CHECKS, CHECKS_DDL).where(col("run_id").equalTo(runId)).collectAsList();
        java.util.Optional<Timestamp> newest = rows.stream().map(Ledger::eventTime).max(java.util.Comparator.naturalOrder());
        return rows.stream().filter(r -> eventTime(r).equals(newest.orElse(null)))
                .map(r -> new dev.drover.model.CheckResult(r.getString(2), r.getString(3), r.getBoolean(4), r.getString(5), r.getString(6)))
                .toList();
    }

    /** The schema contract of a run, column by column, as the test stage classified it. */
    public void recordSchemaChanges(String runId, dev.drover.model.SchemaDiff diff) {
        Timestamp now = Timestamp.from(Instant.now());
        append(SCHEMA_CHANGES, SCHEMA_DDL, diff.changes().stream().map(c -> new Object[] {runId, c.from(), c.to(), c.fromType(),
                c.toType(), c.fromNullable(), c.toNullable(), c.kind(), c.breaking(), now}).toList(), runId, "");
    }

    public List<Row> schemaChanges(String runId) {
        List<Row> rows = table(SCHEMA_CHANGES, SCHEMA_DDL).where(col("run_id").equalTo(runId)).collectAsList();
        java.util.Optional<Timestamp> newest = rows.stream().map(Ledger::eventTime).max(java.util.Comparator.naturalOrder());
        return rows.stream().filter(r -> eventTime(r).equals(newest.orElse(null))).toList();
    }

    /** Latest state of every run, newest first. */
    public List<RunRecord> runs() {
        return newestFirst(latest(table(RUNS, RunRecord.DDL), "run_id")).stream().map(RunRecord::from).toList();
    }

    /**
     * The latest state of some runs. Filtered by id, so Delta's per-file statistics skip the files
     * of every other run: the cost follows the runs asked for, not the ledger's history.
     */
    public List<RunRecord> runs(java.util.Collection<String> runIds) {
        if (runIds.isEmpty()) {
            return List.of();
        }
        return latest(table(RUNS, RunRecord.DDL).where(col("run_id").isin(runIds.toArray())), "run_id")
                .stream().map(RunRecord::from).toList();
    }

    public Optional<RunRecord> run(String runId) {
        return latest(table(RUNS, RunRecord.DDL).where(col("run_id").equalTo(runId)), "run_id")
                .stream().map(RunRecord::from).findFirst();
    }

    /** The run's latest state; an unknown id is bad input (exit 2). */
    public RunRecord requireRun(String runId) {
        return run(runId).orElseThrow(() -> new dev.drover.error.InputError("", "run",
                "no run '" + runId + "' in the ledger at " + location(RUNS) + "; see drover status"));
    }

    public List<RunRecord> runsOf(String migration) {
        return newestFirst(latest(table(RUNS, RunRecord.DDL).where(col("migration").equalTo(migration)), "run_id"))
                .stream().map(RunRecord::from).toList();
    }

    public List<StageRecord> stages(String runId) {
        return latest(table(STAGES, StageRecord.DDL).where(col("run_id").equalTo(runId)), "run_id", "stage").stream()
                .sorted(java.util.Comparator.comparing(r -> r.<Timestamp>getAs("started_at"))).map(StageRecord::from).toList();
    }

    public List<BatchRecord> batches(String runId) {
        return latest(table(BATCHES, BatchRecord.DDL).where(col("run_id").equalTo(runId)), "run_id", "batch_id").stream()
                .sorted(java.util.Comparator.comparing(r -> r.<Integer>getAs("batch_id"))).map(BatchRecord::from).toList();
    }

    /** Quarantined rows of a run by step: (step, count). */
    public List<Row> quarantineCounts(String runId) {
        return table(QUARANTINE_COUNTS, QUARANTINE_DDL).where(col("run_id").equalTo(runId))
                .groupBy("step").agg(org.apache.spark.sql.functions.sum("error_count").as("rows"))
                .orderBy(col("rows").desc()).collectAsList();
    }

    /** Checksums recorded for a migration, with the run that recorded each. */
    public List<Row> checksums(String migration) {
        return table(SPEC_CHECKSUMS, CHECKSUM_DDL).where(col("migration").equalTo(migration))
                .select("checksum", "run_id").collectAsList();
    }

    public Dataset<Row> table(String name, String ddl) {
        flush();
        String location = location(name);
        if (!delta.exists(location)) {
            return spark.createDataFrame(List.of(), StructType.fromDDL(ddl));
        }
        return spark.read().format("delta").load(location);
    }

    /**
     * The latest row per key (by event time). Ledger reads are small and filtered, so the rows
     * are reduced here rather than with a shuffling window over hundreds of partitions.
     */
    private static List<Row> latest(Dataset<Row> rows, String... keys) {
        java.util.Map<List<Object>, Row> newest = new java.util.LinkedHashMap<>();
        for (Row row : rows.collectAsList()) {
            List<Object> key = Arrays.stream(keys).map(k -> (Object) row.getAs(k)).toList();
            newest.merge(key, row, (a, b) -> eventTime(b).after(eventTime(a)) ? b : a);
        }
        return new java.util.ArrayList<>(newest.values());
    }

    private static Timestamp eventTime(Row row) {
        Timestamp t = row.getAs("event_time");
        return t == null ? new Timestamp(Long.MAX_VALUE) : t;
    }

    private static List<Row> newestFirst(List<Row> rows) {
        return rows.stream().sorted(java.util.Comparator.comparing(Ledger::eventTime).reversed()).toList();
    }

    /** Appends rows to a ledger table of another component (the outbox); same writer rules. */
    public void appendRows(String table, String ddl, List<Object[]> values, String runId) {
        append(table, ddl, values, runId, "");
    }

    /** A blind append, tagged like every Drover commit (stage "ledger"). */
    private void append(String table, String ddl, List<Object[]> values, String runId, String migration) {
        if (values.isEmpty()) {
            return;
        }
        if (writers == null) {
            write(table, ddl, values, runId, migration);
            return;
        }
        // Two appends racing to create a new table would conflict in Delta: one table, one thread.
        java.util.concurrent.ExecutorService writer = writers.computeIfAbsent(table,
                t -> java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
                    Thread thread = new Thread(r, "drover-ledger-" + t);
                    thread.setDaemon(true);
                    return thread;
                }));
        synchronized (pending) {
            pending.add(writer.submit(() -> write(table, ddl, values, runId, migration)));
        }
    }

    /** Waits for every background write so far; rethrows the first that failed. */
    public void flush() {
        if (writers == null) {
            return;
        }
        List<java.util.concurrent.Future<?>> waiting;
        synchronized (pending) {
            waiting = new java.util.ArrayList<>(pending);
            pending.clear();
        }
        dev.drover.exec.Futures.awaitAll(waiting, "ledger writes");
    }

    /** Flushes, then stops the background writers. */
    public void close() {
        try {
            flush();
        } finally {
            if (writers != null) {
                writers.values().forEach(java.util.concurrent.ExecutorService::shutdown);
            }
        }
    }

    private void write(String table, String ddl, List<Object[]> values, String runId, String migration) {
        long start = System.nanoTime();
        List<Row> rows = values.stream().map(RowFactory::create).toList();
        spark.createDataFrame(rows, StructType.fromDDL(ddl)).coalesce(1)
                .write().format("delta").mode("append").option("mergeSchema", "true")
                .option("userMetadata", new CommitTag(runId, migration, "ledger", null).json())
                .save(location(table));
        if (writeTimer != null) {
            writeTimer.accept((System.nanoTime() - start) / 1e9);
        }
    }
}
