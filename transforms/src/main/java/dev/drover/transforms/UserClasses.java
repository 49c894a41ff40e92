package dev.drover.transforms;

import java.util.Map;

/**
 * A user's step class, named in a spec: loaded by name and made with its options (a public
 * constructor taking a {@code Map<String, String>}) or with none.
 */
final class UserClasses {
    private UserClasses() {}

    /** An instance of {@code className} as a {@code type}; {@code kind} names the step in errors ("class", "map"). */
    static <T> T instance(String className, Map<String, String> options, ClassLoader loader, Class<T> type, String kind) {
        String field = kind.equals("class") ? "class" : kind + ".class";
        Class<?> loaded;
        try {
            loaded = Class.forName(className, true, loader);
        } catch (ClassNotFoundException e) {
            throw new TransformException(kind, field, "class " + className + " is not on the classpath");
        }
        if (!type.isAssignableFrom(loaded)) {
            throw new TransformException(kind, field, className + " does not implement " + type.getName());
        }
        try {
            try {
                return type.cast(loaded.getConstructor(Map.class).newInstance(Map.copyOf(options)));
            } catch (NoSuchMethodException e) {
                return type.cast(loaded.getConstructor().newInstance());
            }
        } catch (ReflectiveOperationException e) {
            throw new TransformException(kind, field, className + " needs a public constructor taking no arguments or a Map<String, String>");
        }
    }
}
