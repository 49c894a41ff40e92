package dev.drover.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.drover.testing.SharedSpark;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** The last-wins reduction of a change data feed, on small in-memory feeds shaped as Delta's. */
class ChangeFeedTest {
    private static final StructType FEED = new StructType().add("id", DataTypes.LongType).add("v", DataTypes.StringType)
            .add(ChangeFeed.CHANGE_TYPE, DataTypes.StringType).add(ChangeFeed.COMMIT_VERSION, DataTypes.LongType);

    private static Map<Long, Row> reduce(Object[]... rows) {
        Dataset<Row> feed = SharedSpark.session().createDataFrame(java.util.Arrays.stream(rows).map(RowFactory::create).toList(), FEED);
        return ChangeFeed.reduce(feed, List.of("id"), List.of("id", "v")).collectAsList().stream()
                .collect(Collectors.toMap(r -> r.getLong(0), r -> r));
    }

    @Test
    void theLastChangeByCommitWinsAndTheFirstBeforeImageIsKept() {
        Map<Long, Row> out = reduce(
                new Object[] {1L, "a", ChangeFeed.PREIMAGE, 3L}, new Object[] {1L, "b", ChangeFeed.POSTIMAGE, 3L},
                new Object[] {1L, "b", ChangeFeed.PREIMAGE, 5L}, new Object[] {1L, "c", ChangeFeed.POSTIMAGE, 5L});
        Row one = out.get(1L);
        assertEquals("c", one.getAs("v"), "the last update's after-image");
        assertEquals(ChangeFeed.POSTIMAGE, one.getAs(ChangeFeed.LAST_TYPE));
        assertEquals("a", one.getAs(ChangeFeed.BEFORE_PREFIX + "v"), "the row as it was before the range");
        assertTrue((Boolean) one.getAs(ChangeFeed.EXISTED));
        assertEquals(4L, (long) one.getAs(ChangeFeed.CHANGES));
    }

    @Test
    void insideOneCommitTheAfterImageWinsOverADelete() {
        // an overwrite in one commit: every old row deleted, the new ones inserted, one key in both
        Map<Long, Row> out = reduce(new Object[] {2L, "new", ChangeFeed.INSERT, 4L}, new Object[] {2L, "old", ChangeFeed.DELETE, 4L});
        assertEquals(ChangeFeed.INSERT, out.get(2L).getAs(ChangeFeed.LAST_TYPE));
        assertEquals("new", out.get(2L).getAs("v"));
        assertEquals("old", out.get(2L).getAs(ChangeFeed.BEFORE_PREFIX + "v"));
    }

    @Test
    void aKeyInsertedThenDeletedInTheRangeNeverExisted() {
        Map<Long, Row> out = reduce(new Object[] {3L, "x", ChangeFeed.INSERT, 2L}, new Object[] {3L, "x", ChangeFeed.DELETE, 6L},
                new Object[] {4L, "y", ChangeFeed.DELETE, 2L});
        assertEquals(ChangeFeed.DELETE, out.get(3L).getAs(ChangeFeed.LAST_TYPE));
        assertFalse((Boolean) out.get(3L).getAs(ChangeFeed.EXISTED), "inserted within the range");
        assertTrue(out.get(3L).isNullAt(out.get(3L).fieldIndex(ChangeFeed.BEFORE_PREFIX + "v")));
        assertTrue((Boolean) out.get(4L).getAs(ChangeFeed.EXISTED), "deleted, so it was there before");
    }

    @Test
    void schemaChangesAreAdditiveOnlyForNewNullableColumns() {
        StructType before = new StructType().add("id", DataTypes.LongType, false).add("name", DataTypes.StringType);
        SourceSchemaChange added = SourceSchemaChange.between(before, before.add("email", DataTypes.StringType, true));
        assertEquals(List.of("email"), added.addedNames());
        assertTrue(added.incompatible().isEmpty());
        SourceSchemaChange broken = SourceSchemaChange.between(before,
                new StructType().add("id", DataTypes.IntegerType, false).add("age", DataTypes.IntegerType, false));
        assertEquals(List.of("id retyped bigint -> int", "age added as non-null", "name removed"), broken.incompatible());
        assertTrue(SourceSchemaChange.between(before, before).none());
    }
}
