package dev.drover.ledger;

import static java.util.Objects.requireNonNull;

import dev.drover.exec.Futures;
import dev.drover.model.CheckResult;
import dev.drover.model.SchemaDiff;
import dev.drover.model.Stage;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.spark.sql.SparkSession;

/**
 * One user's handle on the ledger (a run, a rollback, the notifier): writes go to the
 * application's shared {@link LedgerWriter} and are committed in the background; {@link #flush()}
 * waits for this handle's own writes (and rethrows the first that failed), and every read
 * flushes first, so a handle always reads what it wrote.
 */
public final class Ledger {
    private final LedgerWriter writer;
    private final LedgerReader reader;
    private final List<CompletableFuture<Void>> pending = new ArrayList<>();

    public Ledger(LedgerWriter writer, LedgerReader reader) {
        this.writer = requireNonNull(writer, "writer is null");
        this.reader = requireNonNull(reader, "reader is null");
    }

    /**
     * A handle with a writer of its own, for tools and tests that read the ledger (or write a
     * little) outside an application's run context; its threads start on the first write and
     * end when idle.
     */
    public static Ledger open(SparkSession spark, String stateDir) {
        return new Ledger(new LedgerWriter(spark, stateDir), new LedgerReader(spark, stateDir));
    }

    /** Queues {@code rows}; the future completes when they are committed ({@link #flush()} waits for it too). */
    public <R extends Record> CompletableFuture<Void> append(LedgerTable<R> table, List<R> rows) {
        CompletableFuture<Void> done = writer.append(table, rows);
        synchronized (pending) {
            pending.add(done);
        }
        return done;
    }

    public void record(RunRecord run) {
        append(LedgerTables.RUNS, List.of(run));
    }

    public void record(StageRecord stage) {
        append(LedgerTables.STAGES, List.of(stage));
    }

    public void recordBatches(List<BatchRecord> batches) {
        append(LedgerTables.BATCHES, batches);
    }

    public void record(WaveRecord wave) {
        append(LedgerTables.WAVES, List.of(wave));
    }

    public void recordFleet(FleetRecord change) {
        append(LedgerTables.FLEET, List.of(change));
    }

    public CompletableFuture<Void> recordWaveRun(WaveRunRecord run) {
        return append(LedgerTables.WAVE_RUNS, List.of(run));
    }

    public CompletableFuture<Void> record(RequestRecord request) {
        return append(LedgerTables.REQUESTS, List.of(request));
    }

    public void record(SyncRecord sync) {
        append(LedgerTables.SYNCS, List.of(sync));
    }

    public void record(TransitionRecord transition) {
        append(LedgerTables.TRANSITIONS, List.of(transition));
    }

    public void recordQuarantine(List<QuarantineCount> counts) {
        append(LedgerTables.QUARANTINE_COUNTS, counts);
    }

    public void recordChecksum(SpecChecksum checksum) {
        append(LedgerTables.SPEC_CHECKSUMS, List.of(checksum));
    }

    /** One validation's results (the test stage, or validate), all with one time. */
    public void recordChecks(String runId, Stage stage, List<CheckResult> checks) {
        Instant now = Instant.now();
        append(LedgerTables.CHECKS, checks.stream().map(c -> CheckRecord.of(runId, stage, c, now)).toList());
    }

    public void recordSchemaChanges(String runId, SchemaDiff diff) {
        Instant now = Instant.now();
        append(LedgerTables.SCHEMA_CHANGES, diff.changes().stream().map(c -> SchemaChangeRecord.of(runId, c, now)).toList());
    }

    /** Waits until everything this handle wrote is committed; rethrows the first failure. */
    public void flush() {
        List<CompletableFuture<Void>> waiting;
        synchronized (pending) {
            waiting = new ArrayList<>(pending);
            pending.clear();
        }
        Futures.awaitAll(waiting, "ledger writes");
    }

    /** The reader, after this handle's writes are committed. */
    public LedgerReader read() {
        flush();
        return reader;
    }

    public String location(String table) {
        return reader.location(table);
    }
}
