package dev.drover.spec;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigList;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import dev.drover.error.SpecError;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reading one field of a spec: the value's type is checked and a bad one is a {@link SpecError}
 * naming the file ({@code where}) and the field's path ({@code field} + key, such as
 * {@code steps[1].cast.score}).
 */
final class SpecFields {
    private static final Pattern COLUMN = Pattern.compile("^[A-Za-z_][A-Za-z0-9_]*$");

    private SpecFields() {}

    static java.math.BigDecimal decimal(Config c, String key, String where, String field) {
        ConfigValue value = c.getValue(key);
        try {
            return new java.math.BigDecimal(String.valueOf(value.unwrapped()));
        } catch (NumberFormatException e) {
            throw new SpecError(where, join(field, key), "expected a number, got '" + value.unwrapped() + "'");
        }
    }

    static double share(Config c, String key, String where, String field) {
        double value;
        try {
            value = c.getDouble(key);
        } catch (ConfigException e) {
            value = -1;
        }
        if (value < 0 || value > 1) {
            throw new SpecError(where, join(field, key), "expected a number between 0 and 1");
        }
        return value;
    }

    /** Refuses a key outside {@code allowed}; {@code prefix} is the field path up to the key ("checks."). */
    static void onlyKeys(Set<String> keys, Set<String> allowed, String where, String prefix) {
        for (String key : keys) {
            if (!allowed.contains(key)) {
                throw new SpecError(where, prefix + key, "unknown key; expected one of " + new java.util.TreeSet<>(allowed));
            }
        }
    }

    static void column(String name, String where, String field) {
        if (!COLUMN.matcher(name).matches() || name.startsWith("_drover_")) {
            throw new SpecError(where, field, "'" + name + "' is not a valid column name (letters, digits, _; not starting with a digit or _drover_)");
        }
    }

    static Config object(Config c, String key, String where, String field) {
        try {
            return c.getConfig(quoteKey(key));
        } catch (ConfigException e) {
            throw new SpecError(where, join(field, key), "expected an object { … }");
        }
    }

    static Map<String, String> stringMap(Config step, String kind, String where, String field) {
        ConfigValue value = step.root().get(kind);
        if (value.valueType() != ConfigValueType.OBJECT || ((ConfigObject) value).isEmpty()) {
            throw new SpecError(where, field, "expected a non-empty object { column = value }");
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (var entry : ((ConfigObject) value).entrySet()) {
            ConfigValueType type = entry.getValue().valueType();
            if (type == ConfigValueType.OBJECT || type == ConfigValueType.LIST || type == ConfigValueType.NULL) {
                throw new SpecError(where, field + "." + entry.getKey(), "expected a text value");
            }
            out.put(entry.getKey(), String.valueOf(entry.getValue().unwrapped()));
        }
        return out;
    }

    static List<String> stringOrList(Config c, String key, String where, String field) {
        if (!c.hasPath(key)) {
            throw new SpecError(where, join(field, key), "is missing");
        }
        ConfigValue value = c.getValue(key);
        List<String> out = new ArrayList<>();
        if (value.valueType() == ConfigValueType.STRING) {
            out.add((String) value.unwrapped());
        } else if (value.valueType() == ConfigValueType.LIST) {
            for (ConfigValue item : (ConfigList) value) {
                if (item.valueType() != ConfigValueType.STRING) {
                    throw new SpecError(where, join(field, key), "expected column names");
                }
                out.add((String) item.unwrapped());
            }
        } else {
            throw new SpecError(where, join(field, key), "expected a column name or a list of them");
        }
        if (out.isEmpty()) {
            throw new SpecError(where, join(field, key), "expected at least one column");
        }
        return out;
    }

    static String text(Config c, String key, String where) {
        return text(c, key, where, "");
    }

    static String text(Config c, String key, String where, String field) {
        if (!c.hasPath(key)) {
            throw new SpecError(where, join(field, key), "is missing");
        }
        ConfigValue value = c.getValue(key);
        if (value.valueType() != ConfigValueType.STRING && value.valueType() != ConfigValueType.NUMBER
                && value.valueType() != ConfigValueType.BOOLEAN) {
            throw new SpecError(where, join(field, key), "expected a text value");
        }
        return String.valueOf(value.unwrapped());
    }

    static boolean bool(Config c, String key, String where, String field) {
        try {
            return c.getBoolean(key);
        } catch (ConfigException e) {
            throw new SpecError(where, join(field, key), "expected true or false");
        }
    }

    static String join(String field, String key) {
        return field.isEmpty() ? key : field + "." + key;
    }

    static String quoteKey(String key) {
        return key.contains(".") ? "\"" + key + "\"" : key;
    }
}
