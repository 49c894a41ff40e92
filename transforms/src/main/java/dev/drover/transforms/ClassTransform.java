package dev.drover.transforms;

import static java.util.Objects.requireNonNull;

import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** Runs a user {@link Transform} loaded by class name. */
public record ClassTransform(String className, Transform transform) implements Step {
    public ClassTransform {
        requireNonNull(className, "className is null");
        requireNonNull(transform, "transform is null");
    }

    /** Instantiates {@code className} with its options map, or with no arguments. */
    public static ClassTransform load(String className, Map<String, String> options, ClassLoader loader) {
        Class<?> type;
        try {
            type = Class.forName(className, true, loader);
        } catch (ClassNotFoundException e) {
            throw new TransformException("class", "class", "class " + className + " is not on the classpath");
        }
        if (!Transform.class.isAssignableFrom(type)) {
            throw new TransformException("class", "class", className + " does not implement " + Transform.class.getName());
        }
        try {
            try {
                return new ClassTransform(className, (Transform) type.getConstructor(Map.class).newInstance(Map.copyOf(options)));
            } catch (NoSuchMethodException e) {
                return new ClassTransform(className, (Transform) type.getConstructor().newInstance());
            }
        } catch (ReflectiveOperationException e) {
            throw new TransformException("class", "class",
                    className + " needs a public constructor taking no arguments or a Map<String, String>");
        }
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
