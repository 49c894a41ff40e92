package dev.drover.transforms;

import static java.util.Objects.requireNonNull;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import dev.drover.common.Messages;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Keeps the rows for which a SQL predicate is true. Removed rows are not deleted here: they are
 * marked (as {@link RowErrors#DROPPED}, with this step's label), so the job can count them and
 * the test stage can account for them against the step's declared expectation
 * ({@code maxRemovedRatio}; negative = not declared). A row for which the predicate is null is
 * removed too, as SQL's WHERE would.
 */
public record Filter(String keep, double maxRemovedRatio) implements RemovesRows {
    public Filter {
        requireNonNull(keep, "keep is null");
    }

    @Override
    public boolean keepsRows() {
        return true;
    }

    @Override
    public String kind() {
        return "filter";
    }

    @Override
    public Dataset<Row> apply(Dataset<Row> input, String label) {
        Column predicate;
        try {
            predicate = org.apache.spark.sql.functions.expr(keep);
            input.select(predicate).schema();
        } catch (Exception e) { // ParseException and AnalysisException are unchecked from Scala
            throw new TransformException(label, "filter.keep", "'" + keep + "' is not a valid SQL predicate over the batch: "
                    + Messages.firstLine(e.getMessage()));
        }
        Dataset<Row> out = RowErrors.withErrorColumns(input);
        Column removed = col(RowErrors.DROPPED).isNull().and(col(RowErrors.ERROR).isNull())
                .and(coalesce(predicate, lit(false)).equalTo(false));
        return out.withColumn(RowErrors.DROPPED, when(removed, lit(label)).otherwise(col(RowErrors.DROPPED)));
    }
}
