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
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * {@code drover report}: reads the ledger once (one read per ledger table, whatever the number of
 * runs), the recent versions of each target from its Delta log, and the top quarantine errors of
 * the runs that quarantined rows; then writes the static dashboard.
 */
public final class Report {
    private static final int TOP_ERRORS = 5;

    private Report() {}

    /** The report's reads; {@code versions} newest versions per target dataset (0: none). */
    public static ReportInput read(SparkSession spark, LedgerReader reader, Outbox outbox, String quarantineSuffix, int versions) {
        LedgerContents ledger = reader.everything();
        Map<String, List<EventState>> events = EventState.byRun(outbox.state());
        DeltaTables delta = new DeltaTables(spark);
        Map<String, List<DeltaTables.Version>> history = new LinkedHashMap<>();
        Map<String, List<ReportInput.ErrorKind>> errors = new LinkedHashMap<>();
        for (RunRecord run : ledger.runs()) {
            history.computeIfAbsent(run.targetLocation(), location -> delta.recentVersions(location, versions));
            if (ledger.quarantineOf(run.runId()).values().stream().mapToLong(Long::longValue).sum() > 0) {
                errors.put(run.runId(), topErrors(spark, run.targetLocation() + quarantineSuffix, run.runId()));
            }
        }
        history.keySet().forEach(delta::forget);
        return new ReportInput(ledger, events, history, errors, Instant.now());
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
