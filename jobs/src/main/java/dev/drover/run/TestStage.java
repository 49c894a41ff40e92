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

    /**
     * Runs the checks. {@code sourceSums} were observed on the source slices while the batches
     * were written, so the source is not read again; the target is read once, keys only.
     */
    public List<CheckResult> run(MigrationPlan plan, String runId, String quarantineLocation, double maxRatio,
                                 KeySums sourceSums) {
        List<String> sourceKey = plan.source().primaryKey();
        List<String> targetKey = plan.target().primaryKey();
        Dataset<Row> source = plan.sourceFrame();
        Dataset<Row> target = delta.read(plan.targetLocation(), delta.latestVersion(plan.targetLocation()));
        Dataset<Row> quarantine = delta.exists(quarantineLocation)
                ? delta.read(quarantineLocation, delta.latestVersion(quarantineLocation)).where(col("run_id").equalTo(runId))
                : spark.createDataFrame(List.of(), StructType.fromDDL(BatchWriter.QUARANTINE_DDL));

        // Keys compared as text, position by position: a key column may be renamed or retyped.
        StructType keySchema = new StructType();
        for (String k : sourceKey) {
            keySchema = keySchema.add(k, source.schema().apply(k).dataType());
        }
        Dataset<Row> sourceKeys = keys(source, sourceKey, keySchema);
        Dataset<Row> quarantinedKeys = keys(quarantine.select(from_json(col("key"), keySchema).as("k")).select("k.*"), sourceKey, keySchema);
        Dataset<Row> targetKeys = keys(target, targetKey, keySchema);
        // One pass over each side's key columns: row count and two order-independent key hash sums.
        KeySums targetSums = KeySums.of(targetKeys, keyColumns(sourceKey.size()), !plan.keysKeepTypes());
        KeySums quarantineSums = KeySums.of(quarantinedKeys, keyColumns(sourceKey.size()), !plan.keysKeepTypes());
        long sourceRows = sourceSums.rows();
        long targetRows = targetSums.rows();
        long quarantined = quarantineSums.rows();
        List<CheckResult> checks = new ArrayList<>();
        checks.add(new CheckResult("row count", sourceRows == targetRows + quarantined,
                "source " + sourceRows + " = target + quarantined",
                "target " + targetRows + " + quarantined " + quarantined + " = " + (targetRows + quarantined)));

        boolean keysMatch = sourceSums.equals(targetSums.plus(quarantineSums));
        String keysObserved = "0 keys missing, 0 keys more than once";
        if (!keysMatch) {
            // Only on a mismatch: the exact (shuffling) comparison, to say what is wrong.
            Dataset<Row> arrived = targetKeys.unionAll(quarantinedKeys);
            long missing = sourceKeys.exceptAll(arrived).count();
            long duplicated = arrived.groupBy(IntStream.range(0, sourceKey.size()).mapToObj(i -> col("k" + i)).toArray(Column[]::new))
                    .count().where(col("count").gt(1)).count();
            keysObserved = missing + " keys missing, " + duplicated + " keys more than once";
        }
        checks.add(new CheckResult("primary key preserved", keysMatch,
                "every source key in target or quarantine exactly once", keysObserved));

        double ratio = sourceRows == 0 ? 0 : (double) quarantined / sourceRows;
        checks.add(new CheckResult("quarantine ratio", ratio <= maxRatio, "at most " + maxRatio,
                String.format("%.6f (%d of %d rows)", ratio, quarantined, sourceRows)));
        return checks;
    }

    static List<Column> keyColumns(int count) {
        return IntStream.range(0, count).mapToObj(i -> col("k" + i)).toList();
    }

    /** Key columns by position as k0, k1, …; typed like the source's, so renamed keys compare. */
    private static Dataset<Row> keys(Dataset<Row> frame, List<String> columns, StructType sourceKeyTypes) {
        return frame.select(IntStream.range(0, columns.size())
                .mapToObj(i -> col("`" + columns.get(i) + "`").cast(sourceKeyTypes.fields()[i].dataType()).as("k" + i))
                .toArray(Column[]::new));
    }
}
