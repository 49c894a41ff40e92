package dev.drover.analyze;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.drover.plan.Batch;
import dev.drover.spec.BatchingSpec;
import dev.drover.testing.SharedSpark;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

class BatchPlannerTest {
    private static Dataset<Row> source(long rows) {
        return SharedSpark.session().range(rows).selectExpr("id AS k", "CAST(id % 10 AS INT) AS p", "id * 2 AS v");
    }

    /** Every source row falls in exactly one batch. */
    private static void assertCovers(Dataset<Row> source, List<Batch> batches) {
        long total = 0;
        for (Batch b : batches) {
            total += source.where(b.predicate()).count();
        }
        assertEquals(source.count(), total, "rows over all batches");
        String any = String.join(" OR ", batches.stream().map(b -> "(" + b.predicate() + ")").toList());
        assertEquals(0, source.where("NOT (" + any + ")").count(), "rows in no batch");
    }

    @Test
    void partitionValuesAreGroupedUpToMaxRowsNeverOneCommitPerValue() {
        Dataset<Row> s = source(1_000);
        List<Batch> batches = BatchPlanner.plan(s, List.of("p"), List.of("k"),
                new BatchingSpec(BatchingSpec.By.AUTO, Optional.empty(), Optional.empty()), 300, "spec");
        assertEquals(4, batches.size(), batches.toString());
        assertTrue(batches.stream().allMatch(b -> b.estimatedRows() <= 300));
        assertCovers(s, batches);
    }

    @Test
    void smallSourceIsOneBatch() {
        List<Batch> batches = BatchPlanner.plan(source(100), List.of("p"), List.of("k"),
                new BatchingSpec(BatchingSpec.By.AUTO, Optional.empty(), Optional.empty()), 1_000, "spec");
        assertEquals(1, batches.size());
    }

    @Test
    void keyRangesCoverEveryKeyOnce() {
        Dataset<Row> s = source(1_000);
        List<Batch> batches = BatchPlanner.plan(s, List.of(), List.of("k"),
                new BatchingSpec(BatchingSpec.By.AUTO, Optional.empty(), Optional.empty()), 300, "spec");
        assertEquals(4, batches.size(), batches.toString());
        assertCovers(s, batches);
    }

    @Test
    void rowBucketsCoverEveryRowOnce() {
        Dataset<Row> s = source(1_000);
        List<Batch> batches = BatchPlanner.plan(s, List.of("p"), List.of("k", "p"),
                new BatchingSpec(BatchingSpec.By.ROWS, Optional.empty(), Optional.empty()), 250, "spec");
        assertEquals(4, batches.size());
        assertCovers(s, batches);
    }

    /** A source the Delta log counts is cut without reading it when it fits one batch, by key range or by rows. */
    @Test
    void aSmallSourceTheLogCountsIsPlannedWithoutASparkJob() throws Exception {
        Dataset<Row> s = source(1_000);
        BatchPlanner.SourceLog fromLog = () -> Optional.of(List.of(org.apache.spark.sql.RowFactory.create(1_000L)));
        for (BatchingSpec.By by : List.of(BatchingSpec.By.KEY_RANGE, BatchingSpec.By.ROWS)) {
            List<List<Batch>> planned = new java.util.ArrayList<>();
            int jobs = SharedSpark.jobsDuring(() -> planned.add(BatchPlanner.plan(s, List.of(), List.of("k"),
                    new BatchingSpec(by, Optional.empty(), Optional.empty()), 1_000, "spec", null, fromLog)));
            assertEquals(List.of(new Batch(0, "true", 1_000)), planned.get(0), by.toString());
            assertEquals(0, jobs, "jobs to plan " + by);
            // above max-rows the ranges or buckets are still cut, and cover every row
            List<Batch> split = BatchPlanner.plan(s, List.of(), List.of("k"), new BatchingSpec(by, Optional.empty(), Optional.empty()),
                    300, "spec", null, fromLog);
            assertEquals(4, split.size(), split.toString());
            assertCovers(s, split);
        }
    }

    /**
     * Above max-rows, key ranges are cut from the log's row count and the key's bounds in the files'
     * statistics, with no job; without bounds the range job runs. Either way every row is covered.
     */
    @Test
    void keyRangesAboveMaxRowsAreCutFromTheLogsBoundsWithoutASparkJob() throws Exception {
        Dataset<Row> s = source(1_000);
        BatchingSpec byRange = new BatchingSpec(BatchingSpec.By.KEY_RANGE, Optional.empty(), Optional.empty());
        BatchPlanner.SourceLog withBounds = new BatchPlanner.SourceLog() {
            @Override
            public Optional<List<Row>> partitionCounts() {
                return Optional.of(List.of(org.apache.spark.sql.RowFactory.create(1_000L)));
            }

            @Override
            public Optional<dev.drover.delta.DeltaTables.Bounds> bounds(String column) {
                return Optional.of(new dev.drover.delta.DeltaTables.Bounds(0, 999));
            }
        };
        List<List<Batch>> planned = new java.util.ArrayList<>();
        int jobs = SharedSpark.jobsDuring(() -> planned.add(BatchPlanner.plan(s, List.of(), List.of("k"), byRange, 300, "spec", null,
                withBounds)));
        assertEquals(0, jobs, "jobs to cut key ranges the log bounds");
        // the same ranges as the job finds
        assertEquals(BatchPlanner.plan(s, List.of(), List.of("k"), byRange, 300, "spec"), planned.get(0));
        assertEquals(4, planned.get(0).size());
        assertCovers(s, planned.get(0));

        BatchPlanner.SourceLog countsOnly = withBounds::partitionCounts;
        int counted = SharedSpark.jobsDuring(() -> BatchPlanner.plan(s, List.of(), List.of("k"), byRange, 300, "spec", null, countsOnly));
        assertTrue(counted > 0, "without the key's bounds the range job runs");
    }
}
