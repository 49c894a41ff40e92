package dev.drover.ledger;

import static java.util.Objects.requireNonNull;
import static org.apache.spark.sql.functions.col;

import dev.drover.delta.DeltaTables;
import dev.drover.error.InputError;
import dev.drover.model.CheckResult;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Typed reads of the ledger. Tables are append-only: the current state of anything is its
 * latest row by event time. Every read is filtered (by run or migration), so Delta's per-file
 * statistics skip other runs' files and the cost follows what was asked for.
 */
public final class LedgerReader {
    private final SparkSession spark;
    private final String stateDir;
    private final DeltaTables delta;
    /**
     * The runs table's latest record per run, kept in the driver: a migration's start reads its
     * runs, and in a wave the table has a new version at every read (see {@link LatestRows}).
     */
    private final LatestRows<RunRecord> latestRuns;
    /** Reads of whole tables or of some keys, in the driver where it can (see {@link DriverScan}). */
    private final DriverScan scan;

    public LedgerReader(SparkSession spark, String stateDir) {
        this.spark = requireNonNull(spark, "spark is null");
        this.stateDir = requireNonNull(stateDir, "stateDir is null");
        this.delta = new DeltaTables(spark);
        this.scan = new DriverScan(spark.sessionState().newHadoopConf());
        this.latestRuns = new LatestRows<>(spark, scan, location(LedgerTables.RUNS.name()), LedgerTables.RUNS, RunRecord::runId,
                RunRecord::eventTime);
    }

    public String location(String table) {
        return stateDir + "/ledger/" + table;
    }

    /** A ledger table as a Spark frame (empty, with its columns, when it does not exist yet). */
    public Dataset<Row> table(LedgerTable<?> table) {
        String location = location(table.name());
        if (!delta.exists(location)) {
            return spark.createDataFrame(List.of(), table.schema());
        }
        return spark.read().format("delta").load(location);
    }

    /**
     * The rows of {@code table} where {@code where} holds. The read runs in the ledger's pool, as
     * the ledger's writes do: it is Drover's bookkeeping, not the work a migration's quota bounds.
     */
    public <R extends Record> List<R> rows(LedgerTable<R> table, Column where) {
        List<R> out = new ArrayList<>();
        List<Row> read = dev.drover.exec.JobLabel.ledger(table.name()).call(spark, () -> table(table).where(where).collectAsList());
        for (Row row : read) {
            out.add(table.fromRow(row));
        }
        return out;
    }

    /**
     * The rows of {@code table} whose text column {@code column} holds one of {@code values}, or
     * every row when {@code column} is null: read in the driver where it can, else through Spark.
     */
    private <R extends Record> List<R> select(LedgerTable<R> table, String column, String... values) {
        java.util.Set<String> wanted = new java.util.HashSet<>(java.util.Arrays.asList(values));   // a key asked for twice is fine
        return scan.read(location(table.name()), table, column, wanted).map(DriverScan.Read::rows)
                .orElseGet(() -> rows(table, column == null ? org.apache.spark.sql.functions.lit(true) : col(column).isin((Object[]) values)));
    }

    /** Every row of {@code table}: read in the driver where it can, else through Spark. */
    public <R extends Record> List<R> all(LedgerTable<R> table) {
        return select(table, null);
    }

    /** Latest state of every run, newest first. */
    public List<RunRecord> runs() {
        return newestFirst(latestRuns.where(r -> true), RunRecord::eventTime);
    }

    /** The latest state of some runs. */
    public List<RunRecord> runs(Collection<String> runIds) {
        if (runIds.isEmpty()) {
            return List.of();
        }
        java.util.Set<String> wanted = java.util.Set.copyOf(runIds);
        return latestRuns.where(r -> wanted.contains(r.runId()));
    }

    public Optional<RunRecord> run(String runId) {
        return latestRuns.where(r -> r.runId().equals(runId)).stream().findFirst();
    }

    /** The run's latest state; an unknown id is bad input (exit 2). */
    public RunRecord requireRun(String runId) {
        return run(runId).orElseThrow(() -> new InputError("", "run",
                "no run '" + runId + "' in the ledger at " + location(LedgerTables.RUNS.name()) + "; see drover status"));
    }

    /**
     * What a run needs to be resumed or validated: its analyze decision and its batches as they
     * stand. The plan comes from the run's first row; a run recorded before runs carried their
     * plan has it in the {@code stages} and {@code batches} tables instead.
     */
    public Resumable resumable(RunRecord run) {
        String runId = run.runId();
        List<BatchRecord> recorded = batches(runId);
        Optional<RunPlan> plan = select(LedgerTables.RUNS, "run_id", runId).stream()
                .filter(r -> !r.plan().isEmpty()).findFirst().map(r -> RunPlan.parse(r.plan(), runId));
        if (plan.isPresent()) {
            return new Resumable(plan.get().analyze(), plan.get().batches(runId, recorded));
        }
        StageDetail.Analyze analyzed = stages(runId).stream().filter(s -> s.stage() == dev.drover.model.Stage.ANALYZE).findFirst()
                .map(s -> s.detail(StageDetail.Analyze.class))
                .orElseThrow(() -> new IllegalStateException("run " + runId + " has no plan and no analyze stage in the ledger"));
        return new Resumable(analyzed, recorded);
    }

    /** A run's analyze decision and its batches (latest state of each), by id. */
    public record Resumable(StageDetail.Analyze analyzed, List<BatchRecord> batches) {}

    /** The runs of a migration, newest first. */
    public List<RunRecord> runsOf(String migration) {
        return newestFirst(latestRuns.where(r -> r.migration().equals(migration)), RunRecord::eventTime);
    }

    /** A run's stages (latest record of each), in the order they started. */
    public List<StageRecord> stages(String runId) {
        return stagesOf(select(LedgerTables.STAGES, "run_id", runId));
    }

    static List<StageRecord> stagesOf(List<StageRecord> rows) {
        return latest(rows, StageRecord::stage, StageRecord::eventTime).stream().sorted(Comparator.comparing(StageRecord::startedAt)).toList();
    }

    /** A run's batches (latest record of each), by id. */
    public List<BatchRecord> batches(String runId) {
        return batchesOf(select(LedgerTables.BATCHES, "run_id", runId));
    }

    static List<BatchRecord> batchesOf(List<BatchRecord> rows) {
        return latest(rows, BatchRecord::batchId, BatchRecord::eventTime).stream().sorted(Comparator.comparingInt(BatchRecord::batchId)).toList();
    }

    /** The latest validation of a run: its checks, in the order they ran. */
    public List<CheckResult> checks(String runId) {
        return checksOf(select(LedgerTables.CHECKS, "run_id", runId));
    }

    static List<CheckResult> checksOf(List<CheckRecord> all) {
        Optional<Instant> newest = all.stream().map(CheckRecord::eventTime).max(Comparator.naturalOrder());
        return all.stream().filter(c -> newest.isPresent() && c.eventTime().equals(newest.get())).map(CheckRecord::result).toList();
    }

    /** The schema contract of a run's latest validation, column by column. */
    public List<SchemaChangeRecord> schemaChanges(String runId) {
        return schemaChangesOf(select(LedgerTables.SCHEMA_CHANGES, "run_id", runId));
    }

    static List<SchemaChangeRecord> schemaChangesOf(List<SchemaChangeRecord> all) {
        Optional<Instant> newest = all.stream().map(SchemaChangeRecord::eventTime).max(Comparator.naturalOrder());
        return all.stream().filter(c -> newest.isPresent() && c.eventTime().equals(newest.get())).toList();
    }

    /** Quarantined rows of a run by step, most first. */
    public Map<String, Long> quarantineCounts(String runId) {
        return quarantineOf(select(LedgerTables.QUARANTINE_COUNTS, "run_id", runId));
    }

    static Map<String, Long> quarantineOf(List<QuarantineCount> rows) {
        Map<String, Long> byStep = new LinkedHashMap<>();
        rows.forEach(q -> byStep.merge(q.step(), q.errorCount(), Long::sum));
        Map<String, Long> sorted = new LinkedHashMap<>();
        byStep.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .forEach(e -> sorted.put(e.getKey(), e.getValue()));
        return sorted;
    }

    /** Latest state of every wave, newest first. */
    public List<WaveRecord> waves() {
        return newestFirst(latest(all(LedgerTables.WAVES), WaveRecord::waveId,
                WaveRecord::eventTime), WaveRecord::eventTime);
    }

    /** The fleet's changes during a wave (null: all of them), oldest first. */
    public List<FleetRecord> fleet(String waveId) {
        List<FleetRecord> changes = waveId == null ? all(LedgerTables.FLEET) : select(LedgerTables.FLEET, "wave_id", waveId);
        return changes.stream().sorted(Comparator.comparing(FleetRecord::eventTime)).toList();
    }

    /** How each migration of a wave ended, in the order they ended. */
    public List<WaveRunRecord> waveRuns(String waveId) {
        return waveRunsOf(select(LedgerTables.WAVE_RUNS, "wave_id", waveId));
    }

    static List<WaveRunRecord> waveRunsOf(List<WaveRunRecord> rows) {
        return latest(rows, WaveRunRecord::migration, WaveRunRecord::eventTime).stream()
                .sorted(Comparator.comparing(WaveRunRecord::eventTime)).toList();
    }

    /**
     * The whole ledger at once, grouped by run and wave: one read per table whatever the number of
     * runs, for reports over many runs.
     */
    public LedgerContents everything() {
        return everything(Runnable::run);
    }

    /** The same, the tables read at once on {@code readers} (Spark runs the jobs of several threads side by side). */
    public LedgerContents everything(java.util.concurrent.Executor readers) {
        var runs = java.util.concurrent.CompletableFuture.supplyAsync(this::runs, readers);
        var stages = java.util.concurrent.CompletableFuture.supplyAsync(
                () -> byKey(all(LedgerTables.STAGES), StageRecord::runId, LedgerReader::stagesOf), readers);
        var batches = java.util.concurrent.CompletableFuture.supplyAsync(
                () -> byKey(all(LedgerTables.BATCHES), BatchRecord::runId, LedgerReader::batchesOf), readers);
        var checks = java.util.concurrent.CompletableFuture.supplyAsync(
                () -> byKey(all(LedgerTables.CHECKS), CheckRecord::runId, LedgerReader::checksOf), readers);
        var schema = java.util.concurrent.CompletableFuture.supplyAsync(
                () -> byKey(all(LedgerTables.SCHEMA_CHANGES), SchemaChangeRecord::runId, LedgerReader::schemaChangesOf), readers);
        var quarantine = java.util.concurrent.CompletableFuture.supplyAsync(
                () -> byKey(all(LedgerTables.QUARANTINE_COUNTS), QuarantineCount::runId, LedgerReader::quarantineOf), readers);
        var waves = java.util.concurrent.CompletableFuture.supplyAsync(this::waves, readers);
        var waveRuns = java.util.concurrent.CompletableFuture.supplyAsync(
                () -> byKey(all(LedgerTables.WAVE_RUNS), WaveRunRecord::waveId, LedgerReader::waveRunsOf), readers);
        var fleet = java.util.concurrent.CompletableFuture.supplyAsync(() -> fleet(null), readers);
        var requests = java.util.concurrent.CompletableFuture.supplyAsync(this::requests, readers);
        var alerts = java.util.concurrent.CompletableFuture.supplyAsync(() -> byKey(all(LedgerTables.ALERTS).stream()
                .sorted(Comparator.comparing(AlertRecord::eventTime)).toList(), AlertRecord::subject, list -> list), readers);
        return new LedgerContents(runs.join(), stages.join(), batches.join(), checks.join(), schema.join(), quarantine.join(),
                waves.join(), waveRuns.join(), fleet.join(), requests.join(), alerts.join());
    }

    private static <R, V> Map<String, V> byKey(List<R> rows, Function<R, String> key, Function<List<R>, V> fold) {
        Map<String, List<R>> grouped = new LinkedHashMap<>();
        rows.forEach(r -> grouped.computeIfAbsent(key.apply(r), k -> new ArrayList<>()).add(r));
        Map<String, V> out = new LinkedHashMap<>();
        grouped.forEach((k, v) -> out.put(k, fold.apply(v)));
        return out;
    }

    /** The latest state of every request to the agent, newest first. */
    public List<RequestRecord> requests() {
        return newestFirst(latest(all(LedgerTables.REQUESTS), RequestRecord::requestId,
                RequestRecord::eventTime), RequestRecord::eventTime);
    }

    /** The latest state of some requests. */
    public List<RequestRecord> requests(Collection<String> requestIds) {
        if (requestIds.isEmpty()) {
            return List.of();
        }
        return latest(select(LedgerTables.REQUESTS, "request_id", requestIds.toArray(String[]::new)), RequestRecord::requestId,
                RequestRecord::eventTime);
    }

    /** Alerts about a migration (or wave), oldest first. */
    public List<AlertRecord> alerts(String migration) {
        return select(LedgerTables.ALERTS, "migration", migration).stream()
                .sorted(Comparator.comparing(AlertRecord::eventTime)).toList();
    }

    /** The syncs of a migration's transition windows (latest state of each), oldest first. */
    public List<SyncRecord> syncs(String migration) {
        return syncsOf(select(LedgerTables.SYNCS, "migration", migration));
    }

    /** Every sync of every window (latest state of each), oldest first. */
    public List<SyncRecord> syncs() {
        return syncsOf(all(LedgerTables.SYNCS));
    }

    static List<SyncRecord> syncsOf(List<SyncRecord> rows) {
        return latest(rows, SyncRecord::syncId, SyncRecord::eventTime).stream()
                .sorted(Comparator.comparing(SyncRecord::startedAt).thenComparing(SyncRecord::syncId)).toList();
    }

    /** What happened to one migration's transition window besides syncs, oldest first. */
    public List<TransitionRecord> transitions(String migration) {
        return select(LedgerTables.TRANSITIONS, "migration", migration).stream()
                .sorted(Comparator.comparing(TransitionRecord::eventTime)).toList();
    }

    /** What happened to transition windows besides syncs, oldest first. */
    public List<TransitionRecord> transitions() {
        return all(LedgerTables.TRANSITIONS).stream()
                .sorted(Comparator.comparing(TransitionRecord::eventTime)).toList();
    }

    public List<SpecChecksum> checksums(String migration) {
        return select(LedgerTables.SPEC_CHECKSUMS, "migration", migration);
    }

    /** The latest row per key (by event time); ledger reads are small and filtered, so this runs here. */
    static <R, K> List<R> latest(List<R> rows, Function<R, K> key, Function<R, Instant> time) {
        Map<K, R> newest = new LinkedHashMap<>();
        for (R row : rows) {
            newest.merge(key.apply(row), row, (a, b) -> time.apply(b).isAfter(time.apply(a)) ? b : a);
        }
        return new ArrayList<>(newest.values());
    }

    private static <R> List<R> newestFirst(List<R> rows, Function<R, Instant> time) {
        return rows.stream().sorted(Comparator.comparing(time).reversed()).toList();
    }
}
