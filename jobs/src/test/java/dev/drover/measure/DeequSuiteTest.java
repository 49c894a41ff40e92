package dev.drover.measure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.drover.model.ConstraintSpec;
import dev.drover.model.Metrics;
import dev.drover.testing.SharedSpark;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Constraints answered by the counts and ranges a write observes give the outcome and the value
 * Deequ's own aggregations give, with no term of their own; a range the statistics do not prove is
 * measured by Deequ over the data.
 */
class DeequSuiteTest {
    private static final StructType SCHEMA = new StructType().add("id", DataTypes.IntegerType, false)
            .add("score", DataTypes.IntegerType, true).add("name", DataTypes.StringType, true);
    private static final List<ConstraintSpec> CONSTRAINTS = List.of(
            constraint(ConstraintSpec.Kind.COMPLETE, "id", null, null),
            constraint(ConstraintSpec.Kind.COMPLETENESS, "name", 0.5, null),
            constraint(ConstraintSpec.Kind.RANGE, "score", 0.0, 100.0),
            constraint(ConstraintSpec.Kind.RANGE, "id", 1.0, null),
            constraint(ConstraintSpec.Kind.RANGE, "id", null, 9.0),
            constraint(ConstraintSpec.Kind.SIZE, null, 1.0, null),
            constraint(ConstraintSpec.Kind.PATTERN, "name", null, null));

    @TempDir
    Path tmp;

    @Test
    void statisticsAnswerCompletenessRangesAndSizeAsDeequDoesWithoutATermOrARead() {
        Dataset<Row> data = frame(new Object[][] {{1, 5, "ab"}, {2, null, null}, {3, 100, "cd"}, {4, 0, "x1"}, {5, 50, null},
                {6, null, "ef"}});
        DeequSuite answered = new DeequSuite(CONSTRAINTS, SCHEMA, Set.of("id", "name"), Set.of("id", "score"));
        DeequSuite shared = new DeequSuite(CONSTRAINTS, SCHEMA);
        assertEquals(List.of("Compliance(score between 0.0 and 100.0,`score` IS NULL OR (`score` >= 0.0 AND `score` <= 100.0),None,List(score),None)"),
                answered.answeredAnalyzers().stream().filter(a -> a.startsWith("Compliance")).toList());
        assertEquals(6, answered.answeredAnalyzers().size(), "size, two completeness, the range, a minimum, a maximum");
        assertTrue(answered.aggregations().size() < shared.aggregations().size(), "the answered analyzers observe nothing");
        assertFalse(answered.needsOwnPass());

        AtomicInteger reads = new AtomicInteger();
        List<DeequSuite.Outcome> fromStatistics = outcomes(answered, data, reads);
        List<DeequSuite.Outcome> fromDeequ = outcomes(shared, data, new AtomicInteger());
        assertEquals(0, reads.get(), "nothing read: every answered range is proven");
        assertEquals(fromDeequ.size(), fromStatistics.size());
        for (int i = 0; i < fromDeequ.size(); i++) {
            assertEquals(fromDeequ.get(i).name(), fromStatistics.get(i).name());
            assertEquals(fromDeequ.get(i).passed(), fromStatistics.get(i).passed(), fromStatistics.get(i).name());
            assertEquals(fromDeequ.get(i).observed(), fromStatistics.get(i).observed(), fromStatistics.get(i).name());
        }
        assertTrue(fromStatistics.stream().anyMatch(o -> o.name().contains("name") && !o.passed()), "the pattern still fails on x1");
    }

    /** A value outside a range: the statistics say the range fails, Deequ's pass over the data says by how much. */
    @Test
    void aRangeTheStatisticsDoNotProveIsMeasuredOverTheData() {
        Dataset<Row> data = frame(new Object[][] {{1, 5, "ab"}, {2, 120, "cd"}, {3, -1, "ef"}, {4, null, "gh"}});
        DeequSuite answered = new DeequSuite(CONSTRAINTS, SCHEMA, Set.of("id", "name"), Set.of("id", "score"));
        AtomicInteger reads = new AtomicInteger();
        List<DeequSuite.Outcome> fromStatistics = outcomes(answered, data, reads);
        List<DeequSuite.Outcome> fromDeequ = outcomes(new DeequSuite(CONSTRAINTS, SCHEMA), data, new AtomicInteger());
        assertEquals(1, reads.get(), "one read, for the unproven range");
        DeequSuite.Outcome range = fromStatistics.stream().filter(o -> o.constraint().contains("score between")).findFirst().orElseThrow();
        assertFalse(range.passed());
        assertEquals("0.5", range.observed(), "two of four rows in range (a null is)");
        assertEquals(fromDeequ.stream().map(DeequSuite.Outcome::observed).toList(),
                fromStatistics.stream().map(DeequSuite.Outcome::observed).toList());
    }

    /** Statistics that lack a column (a batch written before its nulls were counted) leave it to Deequ's own pass. */
    @Test
    void aColumnTheStatisticsDoNotCoverIsMeasuredOverTheData() {
        Dataset<Row> data = frame(new Object[][] {{1, 5, null}, {2, 6, "cd"}});
        DeequSuite answered = new DeequSuite(CONSTRAINTS, SCHEMA, Set.of("id", "name"), Set.of("id", "score"));
        AtomicInteger reads = new AtomicInteger();
        Map<String, Long> nulls = Map.of("id", 0L);   // no count for name
        ColumnStatistics partial = new ColumnStatistics(2, nulls, least(data), greatest(data));
        Supplier<Dataset<Row>> read = () -> {
            reads.incrementAndGet();
            return data;
        };
        var metrics = answered.metrics(List.of(observed(answered, data)), partial, read);
        List<DeequSuite.Outcome> out = answered.evaluate(metrics, tmp.resolve("metrics").toString(), "d", "r", -1).outcomes();
        assertEquals(1, reads.get());
        DeequSuite.Outcome completeness = out.stream().filter(o -> o.constraint().contains("Completeness(name")).findFirst().orElseThrow();
        assertEquals("0.5", completeness.observed());
        assertTrue(completeness.passed());
    }

    private List<DeequSuite.Outcome> outcomes(DeequSuite suite, Dataset<Row> data, AtomicInteger reads) {
        Supplier<Dataset<Row>> read = () -> {
            reads.incrementAndGet();
            return data;
        };
        Row counts = data.agg(functions.count(functions.lit(1)), functions.sum(functions.when(functions.col("name").isNull(), 1).otherwise(0)))
                .first();
        ColumnStatistics statistics = new ColumnStatistics(counts.getLong(0), Map.of("id", 0L, "name", counts.getLong(1)),
                least(data), greatest(data));
        var metrics = suite.metrics(List.of(observed(suite, data)), statistics, read);
        return suite.evaluate(metrics, tmp.resolve("metrics-" + System.nanoTime()).toString(), "d", "r", -1).outcomes();
    }

    /** The shared aggregations over the data, as a batch write observes them. */
    private static Metrics observed(DeequSuite suite, Dataset<Row> data) {
        List<Column> aggs = suite.aggregations();
        if (aggs.isEmpty()) {
            return Metrics.EMPTY;
        }
        Row row = data.agg(aggs.get(0), aggs.subList(1, aggs.size()).toArray(Column[]::new)).first();
        Map<String, Object> values = new HashMap<>();
        for (int i = 0; i < row.size(); i++) {
            values.put(row.schema().fields()[i].name(), row.get(i));
        }
        return Metrics.of(values);
    }

    private static Map<String, BigDecimal> least(Dataset<Row> data) {
        return bound(data, true);
    }

    private static Map<String, BigDecimal> greatest(Dataset<Row> data) {
        return bound(data, false);
    }

    private static Map<String, BigDecimal> bound(Dataset<Row> data, boolean least) {
        Map<String, BigDecimal> out = new HashMap<>();
        for (String c : List.of("id", "score")) {
            Row r = data.agg(least ? functions.min(c) : functions.max(c)).first();
            if (!r.isNullAt(0)) {
                out.put(c, BigDecimal.valueOf(r.getInt(0)));
            }
        }
        return out;
    }

    private static Dataset<Row> frame(Object[][] rows) {
        SparkSession spark = SharedSpark.session();
        List<Row> out = new ArrayList<>();
        for (Object[] r : rows) {
            out.add(RowFactory.create(r));
        }
        return spark.createDataFrame(out, SCHEMA);
    }

    private static ConstraintSpec constraint(ConstraintSpec.Kind kind, String column, Double min, Double max) {
        return new ConstraintSpec(kind, column, List.of(), min, max, kind == ConstraintSpec.Kind.PATTERN ? "^[a-z]{2}$" : null, null,
                null, "test");
    }
}
