package dev.drover.transforms;

import static java.util.Objects.requireNonNull;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import dev.drover.common.Messages;
import dev.drover.common.SqlNames;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Keeps one row per value of the {@code on} columns: the first by {@code orderBy} (SQL sort
 * items, such as {@code "updated_at DESC"}). The other rows are not deleted: like a filter's,
 * they are marked as removed by this step ({@link RowErrors#DROPPED}), counted, and accounted
 * for by the test stage against {@code maxRemovedRatio} (negative = not declared). Only rows
 * still on their way take part: a row an earlier step failed or removed neither wins nor loses.
 * Ties in {@code orderBy} are broken by Drover's hidden copies of the source primary key when
 * the frame has them, so a replayed batch keeps the same rows.
 */
public record Dedup(List<String> on, String orderBy, double maxRemovedRatio) implements RemovesRows {
    private static final String RANK = RowErrors.PREFIX + "dedup_rank";

    public Dedup {
        on = List.copyOf(requireNonNull(on, "on is null"));
        requireNonNull(orderBy, "orderBy is null");
        if (on.isEmpty()) {
            throw new IllegalArgumentException("on is empty");
        }
    }

    @Override
    public boolean keepsRows() {
        return true;
    }

    @Override
    public String kind() {
        return "dedup";
    }

    @Override
    public Dataset<Row> apply(Dataset<Row> input, String label) {
        Step.requireColumns(input, on, label, "dedup.on");
        Dataset<Row> out = RowErrors.withErrorColumns(input);
        Column alive = col(RowErrors.ERROR).isNull().and(col(RowErrors.DROPPED).isNull());
        List<String> order = new ArrayList<>();
        if (!orderBy.isBlank()) {
            order.add(orderBy);
        }
        Arrays.stream(out.columns()).filter(c -> c.startsWith(RowErrors.KEY_PREFIX)).sorted().forEach(c -> order.add(SqlNames.quote(c)));
        String partition = on.stream().map(c -> SqlNames.quote(c)).collect(Collectors.joining(", "));
        String window = "row_number() OVER (PARTITION BY " + partition + ", " + RowErrors.ERROR + " IS NULL AND "
                + RowErrors.DROPPED + " IS NULL" + (order.isEmpty() ? "" : " ORDER BY " + String.join(", ", order)) + ")";
        Dataset<Row> ranked;
        try {
            ranked = out.withColumn(RANK, expr(window));
            ranked.schema();
        } catch (Exception e) { // ParseException and AnalysisException are unchecked from Scala
            throw new TransformException(label, "dedup.order-by", "'" + orderBy + "' does not sort the batch's rows: "
                    + Messages.firstLine(e.getMessage()));
        }
        Column removed = alive.and(col(RANK).gt(1));
        return ranked.withColumn(RowErrors.DROPPED, when(removed, lit(label)).otherwise(col(RowErrors.DROPPED))).drop(RANK);
    }

    @Override
    public boolean rowLocal() {
        return false;
    }
}
