package dev.drover.ledger;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.row_number;

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
import org.apache.spark.sql.expressions.Window;
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
    static final String QUARANTINE_DDL = "run_id STRING, batch_id INT, step STRING, error_count BIGINT, event_time TIMESTAMP";
    static final String CHECKSUM_DDL = "migration STRING, checksum STRING, file STRING, run_id STRING, recorded_at TIMESTAMP";

    private final SparkSession spark;
    private final String stateDir;
    private final DeltaTables delta;

    public Ledger(SparkSession spark, String stateDir) {
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

    /** Latest state of every run, newest first. */
    public List<RunRecord> runs() {
        return latest(table(RUNS, RunRecord.DDL), "run_id").orderBy(col("event_time").desc())
                .collectAsList().stream().map(RunRecord::from).toList();
    }

    public Optional<RunRecord> run(String runId) {
        return latest(table(RUNS, RunRecord.DDL).where(col("run_id").equalTo(runId)), "run_id")
                .collectAsList().stream().map(RunRecord::from).findFirst();
    }

    /** The run's latest state; an unknown id is bad input (exit 2). */
    public RunRecord requireRun(String runId) {
        return run(runId).orElseThrow(() -> new dev.drover.error.InputError("", "run",
                "no run '" + runId + "' in the ledger at " + location(RUNS) + "; see drover status"));
    }

    public List<RunRecord> runsOf(String migration) {
        return latest(table(RUNS, RunRecord.DDL).where(col("migration").equalTo(migration)), "run_id")
                .orderBy(col("event_time").desc()).collectAsList().stream().map(RunRecord::from).toList();
    }

    public List<StageRecord> stages(String runId) {
        return latest(table(STAGES, StageRecord.DDL).where(col("run_id").equalTo(runId)), "run_id", "stage")
                .orderBy("started_at").collectAsList().stream().map(StageRecord::from).toList();
    }

    public List<BatchRecord> batches(String runId) {
        return latest(table(BATCHES, BatchRecord.DDL).where(col("run_id").equalTo(runId)), "run_id", "batch_id")
                .orderBy("batch_id").collectAsList().stream().map(BatchRecord::from).toList();
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
        String location = location(name);
        if (!delta.exists(location)) {
            return spark.createDataFrame(List.of(), StructType.fromDDL(ddl));
        }
        return spark.read().format("delta").load(location);
    }

    private static Dataset<Row> latest(Dataset<Row> rows, String... keys) {
        return latestBy(rows, "event_time", keys);
    }

    private static Dataset<Row> latestBy(Dataset<Row> rows, String orderColumn, String... keys) {
        var window = Window.partitionBy(Arrays.stream(keys).map(org.apache.spark.sql.functions::col)
                .toArray(org.apache.spark.sql.Column[]::new)).orderBy(col(orderColumn).desc_nulls_first());
        String rank = "_rank";
        return rows.withColumn(rank, row_number().over(window)).where(col(rank).equalTo(1)).drop(rank);
    }

    /** A blind append, tagged like every Drover commit (stage "ledger"). */
    private void append(String table, String ddl, List<Object[]> values, String runId, String migration) {
        if (values.isEmpty()) {
            return;
        }
        List<Row> rows = values.stream().map(RowFactory::create).toList();
        spark.createDataFrame(rows, StructType.fromDDL(ddl)).coalesce(1)
                .write().format("delta").mode("append")
                .option("userMetadata", new CommitTag(runId, migration, "ledger", null).json())
                .save(location(table));
    }
}
