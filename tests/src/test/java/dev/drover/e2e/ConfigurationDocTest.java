package dev.drover.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigValue;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The configuration reference (docs/configuration.md) and {@code conf/drover.conf}, the defaults
 * Drover embeds, cannot drift: every key the file has is in the reference's table, every key the
 * table names is in the file, and where the table gives a default as one literal it is the file's.
 * A row names one key, several sharing a parent ({@code a.b.c} / {@code d}: {@code a.b.c} and
 * {@code a.b.d}), or an object whose keys are the user's ({@code a.b { … }}).
 */
class ConfigurationDocTest {
    private static final Pattern ROW = Pattern.compile("^\\| (`drover\\.[^|]+) \\| ([^|]*) \\|");
    private static final Pattern LITERAL = Pattern.compile("^`([^`<]*)`$");

    @Test
    void theReferenceTableAndTheEmbeddedDefaultsNameTheSameKeysWithTheSameDefaults() throws IOException {
        Config defaults = ConfigFactory.parseFile(Project.conf().resolve("drover.conf").toFile(),
                ConfigParseOptions.defaults().setAllowMissing(false)).resolve();
        Map<String, String> documented = new TreeMap<>();
        Set<String> objects = new TreeSet<>();
        for (String line : Files.readAllLines(Project.root().resolve("docs/configuration.md"))) {
            Matcher row = ROW.matcher(line);
            if (!row.find()) {
                continue;
            }
            List<String> keys = keys(row.group(1).trim());
            String[] values = row.group(2).trim().split(" / ");
            for (int i = 0; i < keys.size(); i++) {
                String key = keys.get(i);
                if (key.endsWith(" { … }")) {
                    objects.add(key.substring(0, key.length() - " { … }".length()));
                } else {
                    documented.put(key, values.length == keys.size() ? values[i].trim() : row.group(2).trim());
                }
            }
        }
        assertTrue(documented.size() > 40, "the table was read: " + documented.keySet());

        Set<String> inFile = new TreeSet<>();
        for (Map.Entry<String, ConfigValue> e : defaults.entrySet()) {
            if (objects.stream().noneMatch(o -> e.getKey().startsWith(o + "."))) {
                inFile.add(e.getKey());
            }
        }
        // an object documented as a whole may be empty in the file: it is then no leaf
        objects.forEach(o -> assertTrue(defaults.hasPathOrNull(o), "documented " + o + " { … } is not in conf/drover.conf"));

        Set<String> undocumented = new TreeSet<>(inFile);
        undocumented.removeAll(documented.keySet());
        assertEquals(Set.of(), undocumented, "keys of conf/drover.conf missing from docs/configuration.md");
        Set<String> unknown = new TreeSet<>(documented.keySet());
        unknown.removeAll(inFile);
        assertEquals(Set.of(), unknown, "keys of docs/configuration.md that conf/drover.conf does not have");

        List<String> differ = new ArrayList<>();
        documented.forEach((key, text) -> {
            Matcher literal = LITERAL.matcher(text);
            String actual = String.valueOf(defaults.getValue(key).unwrapped());
            if (literal.matches() && !same(literal.group(1), actual)) {
                differ.add(key + ": documented " + literal.group(1) + ", conf/drover.conf has " + actual);
            } else if (text.startsWith("empty") && !actual.isEmpty()) {
                differ.add(key + ": documented empty, conf/drover.conf has " + actual);
            }
        });
        assertEquals(List.of(), differ, "defaults that differ");
    }

    /** Equal as text, or as numbers ({@code 2.0} in a table, {@code 2} as HOCON reads it). */
    private static boolean same(String documented, String actual) {
        if (documented.equals(actual)) {
            return true;
        }
        try {
            return new java.math.BigDecimal(documented).compareTo(new java.math.BigDecimal(actual)) == 0;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /** {@code `a.b.c` / `d`} → a.b.c, a.b.d. */
    private static List<String> keys(String cell) {
        List<String> out = new ArrayList<>();
        String parent = null;
        for (String part : cell.split(" / ")) {
            String key = part.trim().replace("`", "");
            if (parent == null) {
                parent = key.contains(".") ? key.substring(0, key.lastIndexOf('.') + 1) : "";
                out.add(key);
            } else {
                out.add(parent + key);
            }
        }
        return out;
    }
}
