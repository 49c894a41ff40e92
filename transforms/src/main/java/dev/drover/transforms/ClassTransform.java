package dev.drover.transforms;

import static java.util.Objects.requireNonNull;

import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Runs a user {@link Transform} loaded by class name; {@code rowLocal} when the spec declares it
 * maps each row on its own ({@code row-local = true}).
 */
public record ClassTransform(String className, Transform transform, boolean rowLocal) implements Step {
    public ClassTransform {
        requireNonNull(className, "className is null");
        requireNonNull(transform, "transform is null");
    }

    /** Instantiates {@code className} with its options map, or with no arguments. */
    public static ClassTransform load(String className, Map<String, String> options, ClassLoader loader) {
        return load(className, options, loader, false);
    }

    public static ClassTransform load(String className, Map<String, String> options, ClassLoader loader, boolean rowLocal) {
        return new ClassTransform(className, UserClasses.instance(className, options, loader, Transform.class, "class"), rowLocal);
    }

    @Override
    public String kind() {
        return "class";
    }

    @Override
    public Dataset<Row> apply(Dataset<Row> input, String label) {
        return transform.apply(input);
    }
}
