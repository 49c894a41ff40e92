package dev.drover.run;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.from_json;

import dev.drover.delta.DeltaTables;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;

/**
 * The test stage: proves the new data before anyone sees it. Row counts reconcile (source =
 * target + quarantined), every source key reaches the target or the quarantine exactly once,
 * and the quarantined share stays under the spec's threshold.
 */
public final class TestStage {
    private final SparkSession spark;
    private final DeltaTables delta;

    public TestStage(SparkSession spark) {
        this.spark = spark;
        this.delta = new DeltaTables(spark);
    }

    public List<CheckResult> run(MigrationPlan plan, String runId, String quarantineLocation, double maxRatio) {
        List<String> sourceKey = plan.source().primaryKey();
        List<String> targetKey = plan.target().primaryKey();
        Dataset<Row> source = delta.read(plan.sourceLocation(), plan.sourceVersion());
        Dataset<Row> target = delta.read(plan.targetLocation(), delta.latestVersion(plan.targetLocation()));
        Dataset<Row> quarantine = delta.exists(quarantineLocation)
                ? delta.read(quarantineLocation, delta.latestVersion(quarantineLocation)).where(col("run_id").equalTo(runId))
                : spark.createDataFrame(List.of(), StructType.fromDDL(BatchWriter.QUARANTINE_DDL));

        long sourceRows = source.count();
        long targetRows = target.count();
        long quarantined = quarantine.count();
        List<CheckResult> checks = new ArrayList<>();
        checks.add(new CheckResult("row count", sourceRows == targetRows + quarantined,
                "source " + sourceRows + " = target + quarantined",
                "target " + targetRows + " + quarantined " + quarantined + " = " + (targetRows + quarantined)));

        // Keys compared as text, position by position: a key column may be renamed or retyped.
        Dataset<Row> sourceKeys = keys(source, sourceKey);
        StructType keySchema = new StructType();
        for (String k : sourceKey) {
            keySchema = keySchema.add(k, source.schema().apply(k).dataType());
        }
        Dataset<Row> quarantinedKeys = keys(quarantine.select(from_json(col("key"), keySchema).as("k")).select("k.*"), sourceKey);
        Dataset<Row> arrived = keys(target, targetKey).unionAll(quarantinedKeys);
        long missing = sourceKeys.exceptAll(arrived).count();
        long duplicated = arrived.groupBy(IntStream.range(0, sourceKey.size()).mapToObj(i -> col("k" + i)).toArray(Column[]::new))
                .count().where(col("count").gt(1)).count();
        checks.add(new CheckResult("primary key preserved", missing == 0 && duplicated == 0,
                "every source key in target or quarantine exactly once",
                missing + " keys missing, " + duplicated + " keys more than once"));

        double ratio = sourceRows == 0 ? 0 : (double) quarantined / sourceRows;
        checks.add(new CheckResult("quarantine ratio", ratio <= maxRatio, "at most " + maxRatio,
                String.format("%.6f (%d of %d rows)", ratio, quarantined, sourceRows)));
        return checks;
    }

    private static Dataset<Row> keys(Dataset<Row> frame, List<String> columns) {
        return frame.select(IntStream.range(0, columns.size())
                .mapToObj(i -> col("`" + columns.get(i) + "`").cast("string").as("k" + i)).toArray(Column[]::new));
    }
}
