package dev.drover.quarantine;

import static org.apache.spark.sql.functions.col;

import dev.drover.delta.DeltaTables;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;

/**
 * A target's quarantine table ({@code <target location><drover.quarantine.suffix>}): the rows a
 * step could not transform, one Delta table shared by every run of the target, each row naming
 * its run, batch, step, error, source key, the row as JSON, and how many tries it had (more than
 * one only for a per-row step).
 */
public final class QuarantineTable {
    public static final StructType SCHEMA = StructType.fromDDL("run_id STRING, batch_id INT, step STRING, error STRING, "
            + "key STRING, row STRING, quarantined_at TIMESTAMP, attempts INT");

    private final SparkSession spark;
    private final DeltaTables delta;
    private final String location;

    public QuarantineTable(SparkSession spark, String location) {
        this.spark = spark;
        this.delta = new DeltaTables(spark);
        this.location = location;
    }

    /** How a run stages the quarantine table's files: its columns, unpartitioned, the properties it has. */
    public static dev.drover.delta.StagedFiles.Layout layout(SparkSession spark, String location) {
        return dev.drover.delta.StagedFiles.Layout.of(spark, location, SCHEMA, List.of());
    }

    public String location() {
        return location;
    }

    /** The rows one run quarantined, as the table holds them now (none when there is no table). */
    public Dataset<Row> rowsOf(String runId) {
        if (!delta.exists(location)) {
            return spark.createDataFrame(List.of(), SCHEMA);
        }
        return delta.read(location, delta.latestVersion(location)).where(col("run_id").equalTo(runId));
    }
}
