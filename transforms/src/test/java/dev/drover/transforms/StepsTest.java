package dev.drover.transforms;

import static dev.drover.testing.SharedSpark.assertSameRows;
import static dev.drover.testing.Frames.frame;
import static dev.drover.testing.Frames.row;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.sql.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.Test;

class StepsTest {
    private static final String ERRORS = ", _drover_error STRING, _drover_error_step STRING, _drover_dropped_by STRING";

    @Test
    void renameRenamesAndKeepsValues() {
        Dataset<Row> in = frame("id INT, name STRING", row(1, "ann"), row(2, "bob"));
        Dataset<Row> out = new Rename(Map.of("name", "display_name")).apply(in, "step 1 (rename)");
        assertSameRows(frame("id INT, display_name STRING", row(1, "ann"), row(2, "bob")), out);
    }

    @Test
    void renameOfMissingColumnNamesTheColumn() {
        Dataset<Row> in = frame("id INT", row(1));
        var e = assertThrows(TransformException.class,
                () -> new Rename(Map.of("nme", "x")).apply(in, "step 1 (rename)"));
        assertTrue(e.getMessage().contains("'nme' does not exist"), e.getMessage());
        assertEquals("step 1 (rename)", e.step());
    }

    @Test
    void castConvertsGoodValuesAndFailsBadOnesInsteadOfNulling() {
        Dataset<Row> in = frame("id INT, score STRING, big BIGINT",
                row(1, "7", 5L), row(2, "x7", 6L), row(3, null, 3_000_000_000L));
        Map<String, DataType> types = new LinkedHashMap<>();
        types.put("score", DataTypes.IntegerType);
        types.put("big", DataTypes.IntegerType);
        Dataset<Row> out = new Cast(types).apply(in, "step 2 (cast)");
        assertSameRows(frame("id INT, score INT, big INT" + ERRORS,
                row(1, 7, 5, null, null, null),
                row(2, null, 6, "value 'x7' of column score does not convert to int", "step 2 (cast)", null),
                row(3, null, null, "value '3000000000' of column big does not convert to int", "step 2 (cast)", null)),
                out);
    }

    @Test
    void castToDecimalAndDate() {
        Dataset<Row> in = frame("amount STRING, day STRING", row("12.50", "2024-01-31"));
        Map<String, DataType> types = new LinkedHashMap<>();
        types.put("amount", DataTypes.createDecimalType(10, 2));
        types.put("day", DataTypes.DateType);
        Dataset<Row> out = new Cast(types).apply(in, "s");
        assertSameRows(frame("amount DECIMAL(10,2), day DATE" + ERRORS,
                row(new BigDecimal("12.50"), Date.valueOf("2024-01-31"), null, null, null)), out);
    }

    @Test
    void deriveAddsColumnsFromSqlExpressions() {
        Dataset<Row> in = frame("id INT, amount DOUBLE", row(1, 2.5), row(2, null));
        Map<String, String> exprs = new LinkedHashMap<>();
        exprs.put("amount_cents", "CAST(round(amount * 100) AS BIGINT)");
        exprs.put("has_amount", "amount_cents IS NOT NULL");
        Dataset<Row> out = new Derive(exprs).apply(in, "s");
        assertSameRows(frame("id INT, amount DOUBLE, amount_cents BIGINT, has_amount BOOLEAN NOT NULL",
                row(1, 2.5, 250L, true), row(2, null, null, false)), out);
    }

    @Test
    void deriveWithBadExpressionNamesTheField() {
        Dataset<Row> in = frame("id INT", row(1));
        var e = assertThrows(TransformException.class,
                () -> new Derive(Map.of("x", "no_such_col + 1")).apply(in, "step 3 (derive)"));
        assertEquals("derive.x", e.field());
    }

    @Test
    void lookupAddsDimensionAndLeavesUnmatchedNull() {
        Dataset<Row> users = frame("id INT, country_id INT", row(1, 10), row(2, 20), row(3, 99));
        Dataset<Row> countries = frame("country_id INT, country STRING, pop INT", row(10, "NO", 5), row(20, "SE", 10));
        Dataset<Row> out = new Lookup("countries", countries, List.of("country_id"), List.of("country"), false, true)
                .apply(users, "s");
        assertSameRows(frame("country_id INT, id INT, country STRING",
                row(10, 1, "NO"), row(20, 2, "SE"), row(99, 3, null)), out);
    }

    @Test
    void requiredLookupFailsUnmatchedRows() {
        Dataset<Row> users = frame("id INT, country_id INT", row(1, 10), row(3, 99));
        Dataset<Row> countries = frame("country_id INT, country STRING", row(10, "NO"));
        Dataset<Row> out = new Lookup("countries", countries, List.of("country_id"), List.of("country"), true, true)
                .apply(users, "step 4 (lookup)");
        assertSameRows(frame("country_id INT, id INT, country STRING" + ERRORS,
                row(10, 1, "NO", null, null, null),
                row(99, 3, null, "no row in lookup dataset countries matches country_id", "step 4 (lookup)", null)), out);
    }

    @Test
    void splitCutsOneColumnIntoSeveral() {
        Dataset<Row> in = frame("id INT, name STRING", row(1, "Ann Lee Smith"), row(2, "Bob"));
        Dataset<Row> out = new Split("name", " ", List.of("first_name", "last_name"), false).apply(in, "s");
        assertSameRows(frame("id INT, first_name STRING, last_name STRING",
                row(1, "Ann", "Lee Smith"), row(2, "Bob", null)), out);
    }

    @Test
    void mergeJoinsColumnsSkippingNulls() {
        Dataset<Row> in = frame("id INT, first STRING, last STRING", row(1, "Ann", "Lee"), row(2, "Bob", null));
        Dataset<Row> out = new Merge(List.of("first", "last"), "full_name", " ", false).apply(in, "s");
        assertSameRows(frame("id INT, full_name STRING NOT NULL", row(1, "Ann Lee"), row(2, "Bob")), out);
    }

    @Test
    void dropRemovesColumnsAndRefusesUnknownOnes() {
        Dataset<Row> in = frame("id INT, a STRING, b STRING", row(1, "x", "y"));
        assertSameRows(frame("id INT, b STRING", row(1, "y")), new Drop(List.of("a")).apply(in, "s"));
        assertThrows(TransformException.class, () -> new Drop(List.of("zz")).apply(in, "s"));
    }

    @Test
    void defaultsFillNullsAndAddMissingColumns() {
        Dataset<Row> in = frame("id INT, tier STRING", row(1, null), row(2, "gold"));
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("tier", "basic");
        values.put("active", true);
        Dataset<Row> out = new Defaults(values).apply(in, "s");
        assertSameRows(frame("id INT, tier STRING NOT NULL, active BOOLEAN NOT NULL",
                row(1, "basic", true), row(2, "gold", true)), out);
    }

    @Test
    void sqlTransformSelectsOverTheBatch() {
        Dataset<Row> in = RowErrors.withErrorColumns(frame("id INT, v INT", row(1, 2), row(2, 3)));
        Dataset<Row> out = new SqlTransform("double.sql", "SELECT *, v * 2 AS v2 FROM __THIS__ WHERE id > 0")
                .apply(in, "s");
        assertSameRows(frame("id INT, v INT" + ERRORS + ", v2 INT",
                row(1, 2, null, null, null, 4), row(2, 3, null, null, null, 6)), out);
    }

    @Test
    void sqlTransformMustReadTheBatch() {
        Dataset<Row> in = frame("id INT", row(1));
        assertThrows(TransformException.class, () -> new SqlTransform("x.sql", "SELECT 1").apply(in, "s"));
    }

    @Test
    void classTransformLoadsWithOptionsAndCanFailRows() {
        ClassTransform step = ClassTransform.load(UpperCase.class.getName(), Map.of("column", "name"),
                getClass().getClassLoader());
        Dataset<Row> in = RowErrors.withErrorColumns(frame("id INT, name STRING", row(1, "ann"), row(2, "")));
        Dataset<Row> out = step.apply(in, "step 1 (class)");
        assertSameRows(frame("id INT, name STRING" + ERRORS,
                row(1, "ANN", null, null, null), row(2, "", "empty name", "step 1 (class)", null)), out);
    }

    @Test
    void filterMarksRemovedRowsWithoutDeletingThemAndNeverMarksFailedOnes() {
        Dataset<Row> in = frame("id INT, status STRING, score STRING",
                row(1, "active", "5"), row(2, "deleted", "6"), row(3, null, "7"), row(4, "deleted", "bad"));
        Pipeline pipeline = new Pipeline(List.of(
                new Cast(Map.of("score", DataTypes.IntegerType)),
                new Filter("status <> 'deleted'", 0.5)));
        assertSameRows(frame("id INT, status STRING, score INT" + ERRORS,
                row(1, "active", 5, null, null, null),
                row(2, "deleted", 6, null, null, "step 2 (filter)"),
                row(3, null, 7, null, null, "step 2 (filter)"),
                row(4, "deleted", null, "value 'bad' of column score does not convert to int", "step 1 (cast)", null)),
                pipeline.apply(in));

        var e = assertThrows(TransformException.class, () -> new Filter("no_such_column > 1", -1).apply(in, "step 3 (filter)"));
        assertTrue(e.getMessage().contains("no_such_column"), e.getMessage());
    }

    @Test
    void dedupKeepsTheFirstRowPerKeyByItsOrderAndMarksTheRestRemoved() {
        Dataset<Row> in = frame("id INT, version INT, score STRING",
                row(1, 1, "5"), row(1, 3, "6"), row(1, 2, "7"),   // id 1: version 3 wins
                row(2, 1, "8"),                                    // id 2: alone
                row(3, 2, "bad"), row(3, 1, "9"));                 // id 3: the newest fails its cast, so version 1 wins
        Pipeline pipeline = new Pipeline(List.of(
                new Cast(Map.of("score", DataTypes.IntegerType)),
                new Dedup(List.of("id"), "version DESC", 0.5)));
        assertSameRows(frame("id INT, version INT, score INT" + ERRORS,
                row(1, 1, 5, null, null, "step 2 (dedup)"),
                row(1, 3, 6, null, null, null),
                row(1, 2, 7, null, null, "step 2 (dedup)"),
                row(2, 1, 8, null, null, null),
                row(3, 2, null, "value 'bad' of column score does not convert to int", "step 1 (cast)", null),
                row(3, 1, 9, null, null, null)),
                pipeline.apply(in));
        assertTrue(pipeline.keepsRows(), "dedup marks rows, it does not drop them");

        var e = assertThrows(TransformException.class, () -> new Dedup(List.of("id"), "no_such_column DESC", -1).apply(in, "step 3 (dedup)"));
        assertTrue(e.getMessage().contains("no_such_column"), e.getMessage());
        e = assertThrows(TransformException.class, () -> new Dedup(List.of("nope"), "", -1).apply(in, "step 3 (dedup)"));
        assertTrue(e.getMessage().contains("'nope' does not exist"), e.getMessage());
    }

    @Test
    void dedupBreaksTiesByTheHiddenSourceKeySoAReplayKeepsTheSameRow() {
        // two rows of id 1 with the same version: the smaller hidden source key wins, in any input order
        Dataset<Row> in = frame("id INT, version INT, _drover_key_0 INT", row(1, 1, 20), row(1, 1, 10), row(2, 1, 30));
        Dataset<Row> reversed = frame("id INT, version INT, _drover_key_0 INT", row(2, 1, 30), row(1, 1, 10), row(1, 1, 20));
        Dedup dedup = new Dedup(List.of("id"), "version DESC", -1);
        for (Dataset<Row> frame : List.of(in, reversed)) {
            assertSameRows(frame("id INT, version INT, _drover_key_0 INT" + ERRORS,
                    row(1, 1, 20, null, null, "step 1 (dedup)"),
                    row(1, 1, 10, null, null, null),
                    row(2, 1, 30, null, null, null)), dedup.apply(frame, "step 1 (dedup)"));
        }
    }

    @Test
    void classTransformThatIsNotATransformIsRefused() {
        var e = assertThrows(TransformException.class,
                () -> ClassTransform.load(String.class.getName(), Map.of(), getClass().getClassLoader()));
        assertTrue(e.getMessage().contains("does not implement"));
    }

    @Test
    void pipelineKeepsTheFirstErrorAndRefusesStepsThatDropErrorColumns() {
        Dataset<Row> in = frame("id INT, score STRING, rank STRING", row(1, "bad", "also bad"), row(2, "3", "4"));
        Pipeline pipeline = new Pipeline(List.of(
                new Cast(Map.of("score", DataTypes.IntegerType)),
                new Cast(Map.of("rank", DataTypes.IntegerType)),
                new Rename(Map.of("score", "points"))));
        assertSameRows(frame("id INT, points INT, rank INT" + ERRORS,
                row(1, null, null, "value 'bad' of column score does not convert to int", "step 1 (cast)", null),
                row(2, 3, 4, null, null, null)), pipeline.apply(in));

        Pipeline dropping = new Pipeline(List.of(new SqlTransform("q.sql", "SELECT id FROM __THIS__")));
        var e = assertThrows(TransformException.class, () -> dropping.apply(in));
        assertEquals("step 1 (sql)", e.step());
    }

    /** A user transform as a team would write one. */
    public static final class UpperCase implements Transform {
        private final String column;

        public UpperCase(Map<String, String> options) {
            this.column = options.get("column");
        }

        @Override
        public Dataset<Row> apply(Dataset<Row> input) {
            Dataset<Row> marked = RowErrors.failWhen(input, input.col(column).equalTo(""), "step 1 (class)",
                    org.apache.spark.sql.functions.lit("empty name"));
            return marked.withColumn(column, org.apache.spark.sql.functions.upper(marked.col(column)));
        }
    }
}
