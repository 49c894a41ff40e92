package dev.drover.impact;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * The names a consumer's queries use for catalog datasets: the catalog name (quoted when it is not
 * a plain identifier, as {@code `users-v1`}), {@code delta.`location`}, and the names the consumer
 * lists in {@code drover.dev/table-names} ({@code analytics.users=users-v1}). Matching ignores case,
 * quoting and spaces around dots; a location matches by its absolute path.
 */
public final class TableNames {
    private final Map<String, String> byName = new LinkedHashMap<>();
    private final Map<String, String> byLocation = new LinkedHashMap<>();
    private final Map<String, java.util.List<String>> consumerNames = new LinkedHashMap<>();
    private final UnaryOperator<String> location;

    /**
     * @param datasets the catalog's dataset names
     * @param location a dataset's location, absolute (as the run resolves it)
     * @param listed   the consumer's own names: name → dataset
     */
    public TableNames(java.util.Collection<String> datasets, UnaryOperator<String> location, Map<String, String> listed) {
        this.location = location;
        for (String d : datasets) {
            byName.put(d.toLowerCase(Locale.ROOT), d);
            byLocation.put(normalPath(location.apply(d)), d);
        }
        listed.forEach((name, dataset) -> {
            byName.put(key(name), dataset);
            consumerNames.computeIfAbsent(dataset, k -> new java.util.ArrayList<>()).add(name);
        });
    }

    /** The dataset a table reference (its text as written) names, if any. */
    public Optional<String> dataset(String written) {
        String path = deltaPath(written);
        if (path != null) {
            return Optional.ofNullable(byLocation.get(normalPath(path)));
        }
        return Optional.ofNullable(byName.get(key(written)));
    }

    /**
     * How to write a reference to {@code dataset} in the style {@code written} used for the old
     * one: {@code delta.`location`} for a path; the catalog name (quoted when it needs it) for a
     * catalog name; else the consumer's own name for it, the one with the same prefix (database,
     * template parameter) as {@code written} first; else the catalog name.
     */
    public String reference(String dataset, String written) {
        String path = deltaPath(written);
        if (path != null) {
            return "delta.`" + samePlace(path, dataset).replace("`", "``") + "`";
        }
        java.util.List<String> own = consumerNames.getOrDefault(dataset, java.util.List.of());
        if (own.isEmpty() || byName.get(key(written)) != null && key(written).equals(byName.get(key(written)).toLowerCase(Locale.ROOT))) {
            return quote(dataset);
        }
        String prefix = prefix(key(written));
        return own.stream().filter(n -> prefix(key(n)).equals(prefix)).findFirst().orElse(own.get(0));
    }

    /**
     * The new dataset's location written as the consumer wrote the old one's: when both live in
     * the same folder, the written path with its last segment swapped; else the location as is.
     */
    private String samePlace(String writtenPath, String dataset) {
        String next = location.apply(dataset);
        String old = byLocation.get(normalPath(writtenPath));
        if (old == null) {
            return next;
        }
        Path was = Path.of(normalPath(location.apply(old)));
        Path now = Path.of(normalPath(next));
        String trimmed = writtenPath.endsWith("/") ? writtenPath.substring(0, writtenPath.length() - 1) : writtenPath;
        if (java.util.Objects.equals(was.getParent(), now.getParent()) && trimmed.endsWith("/" + was.getFileName())) {
            return trimmed.substring(0, trimmed.length() - was.getFileName().toString().length()) + now.getFileName();
        }
        return next;
    }

    private static String prefix(String key) {
        int dot = key.lastIndexOf('.');
        return dot < 0 ? "" : key.substring(0, dot);
    }

    /** {@code name} as a Spark SQL identifier: as is when plain, else in backquotes. */
    public static String quote(String name) {
        return name.matches("[A-Za-z_][A-Za-z0-9_]*") ? name : "`" + name.replace("`", "``") + "`";
    }

    static String key(String written) {
        StringBuilder out = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < written.length(); i++) {
            char c = written.charAt(i);
            if (c == '`') {
                if (quoted && i + 1 < written.length() && written.charAt(i + 1) == '`') {
                    out.append('`');
                    i++;
                } else {
                    quoted = !quoted;
                }
            } else if (quoted || !Character.isWhitespace(c)) {
                out.append(quoted ? c : Character.toLowerCase(c));
            }
        }
        return out.toString().toLowerCase(Locale.ROOT);
    }

    /** The path of a {@code delta.`path`} reference, or null. */
    static String deltaPath(String written) {
        String t = written.strip();
        int dot = t.indexOf('.');
        if (dot < 0 || !t.substring(0, dot).strip().equalsIgnoreCase("delta")) {
            return null;
        }
        String rest = t.substring(dot + 1).strip();
        if (rest.length() < 2 || rest.charAt(0) != '`' || rest.charAt(rest.length() - 1) != '`') {
            return null;
        }
        return rest.substring(1, rest.length() - 1).replace("``", "`");
    }

    private static String normalPath(String path) {
        String p = path.startsWith("file://") ? path.substring("file://".length()) : path.startsWith("file:") ? path.substring(5) : path;
        if (p.contains("://")) {
            return p.endsWith("/") ? p.substring(0, p.length() - 1) : p;
        }
        return Path.of(p).toAbsolutePath().normalize().toString();
    }
}
