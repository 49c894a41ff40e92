package dev.drover.report;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;

import dev.drover.delta.DeltaTables;
import dev.drover.ledger.LedgerContents;
import dev.drover.ledger.LedgerReader;
import dev.drover.ledger.RunRecord;
import dev.drover.outbox.EventState;
import dev.drover.outbox.Outbox;
import dev.drover.quarantine.QuarantineTable;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * {@code drover report}: reads the ledger once (one read per ledger table, whatever the number of
 * runs), the recent versions of each target from its Delta log, and the top quarantine errors of
 * the runs that quarantined rows; then writes the static dashboard.
 */
public final class Report {
    private static final int TOP_ERRORS = 5;
    /** Reads at once: the ledger's tables, the outbox and the targets' logs are many small reads, mostly waiting on files. */
    private static final int READERS = 8;

    private Report() {}

    /** The report's reads; {@code versions} newest versions per target dataset (0: none). */
    public static ReportInput read(SparkSession spark, LedgerReader reader, Outbox outbox, String quarantineSuffix, int versions) {
        ExecutorService pool = Executors.newFixedThreadPool(READERS, r -> {
            Thread t = new Thread(r, "drover-report-read");
            t.setDaemon(true);
            return t;
        });
        try {
            // the outbox and each target's log are read while the ledger's tables are
            CompletableFuture<Map<String, List<EventState>>> events = CompletableFuture.supplyAsync(() -> EventState.byRun(outbox.state()), pool);
            LedgerContents ledger = reader.everything(pool);
            DeltaTables delta = new DeltaTables(spark);
            Map<String, CompletableFuture<List<DeltaTables.Version>>> history = new LinkedHashMap<>();
            Map<String, CompletableFuture<List<ReportInput.ErrorKind>>> errors = new LinkedHashMap<>();
            for (RunRecord run : ledger.runs()) {
                history.computeIfAbsent(run.targetLocation(), location -> CompletableFuture.supplyAsync(() -> delta.recentVersions(location, versions), pool));
                if (ledger.quarantineOf(run.runId()).values().stream().mapToLong(Long::longValue).sum() > 0) {
                    errors.put(run.runId(), CompletableFuture.supplyAsync(
                            () -> topErrors(spark, run.targetLocation() + quarantineSuffix, run.runId()), pool));
                }
            }
            return new ReportInput(ledger, events.join(), joined(history), joined(errors), Instant.now());
        } finally {
            pool.shutdownNow();
        }
    }

    private static <V> Map<String, V> joined(Map<String, CompletableFuture<V>> futures) {
        Map<String, V> out = new LinkedHashMap<>();
        futures.forEach((k, f) -> out.put(k, f.join()));
        return out;
    }

    /** Writes the report under {@code out}; returns what it wrote. */
    public static ReportWriter.Written write(ReportInput input, Path out) throws IOException {
        return new ReportWriter(input).write(out);
    }

    private static List<ReportInput.ErrorKind> topErrors(SparkSession spark, String location, String runId) {
        List<ReportInput.ErrorKind> out = new ArrayList<>();
        for (Row r : new QuarantineTable(spark, location).rowsOf(runId).groupBy("step", "error").agg(count("*").as("n"))
                .orderBy(col("n").desc(), col("step"), col("error")).limit(TOP_ERRORS).collectAsList()) {
            out.add(new ReportInput.ErrorKind(r.getString(0), r.getString(1), r.getLong(2)));
        }
        return out;
    }
}
