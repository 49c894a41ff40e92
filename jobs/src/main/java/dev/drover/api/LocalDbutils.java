package dev.drover.api;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The part of Databricks' {@code dbutils} that Drover's notebooks use, for running them outside
 * Databricks (spark-shell, the tests): {@code widgets.text(name, default, label)} declares a
 * parameter and {@code widgets.get(name)} reads it. A value comes from the system property
 * {@code drover.widget.<name>}, else from {@link Widgets#set}, else the declared default. Bind it
 * as {@code val dbutils = dev.drover.api.LocalDbutils.create()} before the first cell.
 */
public final class LocalDbutils {
    private final Widgets widgets = new Widgets();

    private LocalDbutils() {}

    public static LocalDbutils create() {
        return new LocalDbutils();
    }

    public Widgets widgets() {
        return widgets;
    }

    /** Notebook parameters, as {@code dbutils.widgets} has them. */
    public static final class Widgets {
        private final Map<String, String> defaults = new LinkedHashMap<>();
        private final Map<String, String> values = new LinkedHashMap<>();

        public void text(String name, String defaultValue, String label) {
            defaults.put(name, defaultValue);
        }

        public void text(String name, String defaultValue) {
            text(name, defaultValue, name);
        }

        /** Sets a value as a caller of the notebook would (Databricks: a job's parameters). */
        public void set(String name, String value) {
            values.put(name, value);
        }

        public String get(String name) {
            String property = System.getProperty("drover.widget." + name);
            if (property != null) {
                return property;
            }
            if (values.containsKey(name)) {
                return values.get(name);
            }
            if (!defaults.containsKey(name)) {
                throw new IllegalArgumentException("no widget '" + name + "'; declared: " + defaults.keySet());
            }
            return defaults.get(name);
        }
    }
}
