package dev.drover.transforms;

import static java.util.Objects.requireNonNull;
import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import scala.collection.JavaConverters;

/**
 * Adds a dimension by a left join against a lookup dataset on key columns. The lookup must be
 * unique on its keys (the job checks that before any batch runs). With {@code required}, a row
 * without a match fails instead of getting nulls.
 */
public record Lookup(String dataset, Dataset<Row> table, List<String> on, List<String> add, boolean required,
                     boolean broadcastTable) implements Step {
    private static final String HIT = RowErrors.PREFIX + "lookup_hit";

    public Lookup {
        requireNonNull(dataset, "dataset is null");
        requireNonNull(table, "table is null");
        on = List.copyOf(requireNonNull(on, "on is null"));
        add = List.copyOf(requireNonNull(add, "add is null"));
    }

    /** One row out per row in (a lookup is unique on its keys: the analyze stage proves it). */
    @Override
    public boolean keepsRows() {
        return true;
    }

    @Override
    public String kind() {
        return "lookup";
    }

    @Override
    public Dataset<Row> apply(Dataset<Row> input, String label) {
        Step.requireColumns(input, on, label, "lookup.on");
        Step.requireAbsent(input, add, label, "lookup.add");
        try {
            Step.requireColumns(table, on, label, "lookup.on");
            Step.requireColumns(table, add, label, "lookup.add");
        } catch (TransformException e) {
            throw new TransformException(label, e.field(), "lookup dataset " + dataset + ": " + e.getMessage());
        }
        List<Column> picked = new ArrayList<>();
        on.forEach(c -> picked.add(col(c)));
        add.forEach(c -> picked.add(col(c)));
        picked.add(lit(true).as(HIT));
        Dataset<Row> right = table.select(picked.toArray(Column[]::new));
        if (broadcastTable) {
            right = broadcast(right);
        }
        Dataset<Row> joined = input.join(right, JavaConverters.asScalaBuffer(on).toSeq(), "left");
        if (required) {
            joined = RowErrors.failWhen(joined, col(HIT).isNull(), label,
                    lit("no row in lookup dataset " + dataset + " matches " + String.join(", ", on)));
        }
        return joined.drop(HIT);
    }
}
