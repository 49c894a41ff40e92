package dev.drover.testing;

import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.StructType;

/** Inline DataFrames for tests: a DDL schema and rows (shared with the other modules' tests through this test jar). */
public final class Frames {
    private Frames() {}

    public static Dataset<Row> frame(String ddl, Object[]... rows) {
        List<Row> list = Arrays.stream(rows).map(RowFactory::create).toList();
        return SharedSpark.session().createDataFrame(list, StructType.fromDDL(ddl));
    }

    public static Object[] row(Object... values) {
        return values;
    }
}
