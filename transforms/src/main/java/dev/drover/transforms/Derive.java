package dev.drover.transforms;

import static java.util.Objects.requireNonNull;
import static org.apache.spark.sql.functions.expr;

import dev.drover.common.Messages;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** Adds or replaces columns from Spark SQL expressions, in the order given. */
public record Derive(Map<String, String> expressions) implements Step {
    public Derive {
        expressions = new LinkedHashMap<>(requireNonNull(expressions, "expressions is null"));
    }

    @Override
    public Map<String, String> expressions() {
        return Map.copyOf(expressions);
    }

    @Override
    public java.util.Set<String> modifies() {
        return expressions.keySet();
    }

    @Override
    public boolean keepsRows() {
        return true;
    }

    @Override
    public String kind() {
        return "derive";
    }

    @Override
    public Dataset<Row> apply(Dataset<Row> input, String label) {
        Dataset<Row> out = input;
        for (var entry : expressions.entrySet()) {
            try {
                out = out.withColumn(entry.getKey(), expr(entry.getValue()));
            } catch (Exception e) { // AnalysisException and ParseException: Scala throws them unchecked
                throw new TransformException(label, "derive." + entry.getKey(),
                        "expression '" + entry.getValue() + "' is not valid: " + Messages.firstLine(e.getMessage()));
            }
        }
        return out;
    }

}
