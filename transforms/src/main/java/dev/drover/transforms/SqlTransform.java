package dev.drover.transforms;

import static java.util.Objects.requireNonNull;

import dev.drover.common.Messages;
import java.util.UUID;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * A SQL SELECT over the batch, which it names {@code __THIS__} (as Spark ML's SQLTransformer
 * does). The frame it reads carries the row-error columns; the query must keep them
 * ({@code SELECT *, …} does). {@code rowLocal}: the spec declares that the query maps each row on
 * its own ({@code row-local = true}), so a transition window may apply it to changed rows alone.
 */
public record SqlTransform(String name, String sql, boolean rowLocal) implements Step {
    public static final String THIS = "__THIS__";

    public SqlTransform {
        requireNonNull(name, "name is null");
        requireNonNull(sql, "sql is null");
    }

    public SqlTransform(String name, String sql) {
        this(name, sql, false);
    }

    @Override
    public String kind() {
        return "sql";
    }

    @Override
    public Dataset<Row> apply(Dataset<Row> input, String label) {
        if (!sql.contains(THIS)) {
            throw new TransformException(label, "sql", name + " does not read " + THIS + " (the batch)");
        }
        String view = "drover_batch_" + UUID.randomUUID().toString().replace("-", "");
        input.createOrReplaceTempView(view);
        try {
            return input.sparkSession().sql(sql.replace(THIS, view));
        } catch (Exception e) { // ParseException and AnalysisException are unchecked from Scala
            throw new TransformException(label, "sql", name + " is not valid SQL: " + Messages.firstLine(e.getMessage()));
        }
    }
}
