package dev.drover.transforms;

import static java.util.Objects.requireNonNull;

import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Applies steps in order. The result always carries the row-error columns; rows with a
 * non-null {@link RowErrors#ERROR} failed a step and belong in quarantine.
 */
public record Pipeline(List<Step> steps) {
    public Pipeline {
        steps = List.copyOf(requireNonNull(steps, "steps is null"));
    }

    public static String label(int index, Step step) {
        return "step " + (index + 1) + " (" + step.kind() + ")";
    }

    /** True when every step gives one output row per input row (see {@link Step#keepsRows()}). */
    public boolean keepsRows() {
        return steps.stream().allMatch(Step::keepsRows);
    }

    public Dataset<Row> apply(Dataset<Row> input) {
        Dataset<Row> out = RowErrors.withErrorColumns(input);
        for (int i = 0; i < steps.size(); i++) {
            Step step = steps.get(i);
            String label = label(i, step);
            out = step.apply(out, label);
            if (!RowErrors.hasErrorColumns(out)) {
                throw new TransformException(label, step.kind(),
                        "the step dropped the row-marker columns " + RowErrors.ERROR + ", " + RowErrors.STEP + " and " + RowErrors.DROPPED
                                + "; keep them (SELECT *, … in SQL)");
            }
        }
        return out;
    }
}
