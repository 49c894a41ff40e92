package dev.drover.model;

import static java.util.Objects.requireNonNull;

import dev.drover.error.InputError;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * One declared data constraint, from a dataset's {@code spec.constraints} in the catalog or a
 * migration spec's {@code checks.constraints}. The test stage runs them all as one Deequ
 * verification suite. Forms (YAML shown; HOCON is the same):
 * <pre>
 * - {column: user_id, complete: true}        # no nulls
 * - {column: email, completeness: 0.99}      # at least 99 % non-null
 * - {column: user_id, unique: true}
 * - {column: country, allowed: [DE, FR]}     # nulls allowed; add complete for none
 * - {column: score, min: 0, max: 100}        # either bound alone works too
 * - {column: email, pattern: "^[^@]+@[^@]+$"}
 * - {size: {min: 1, max: 1000000}}           # row count
 * - {sql: "score >= 0 OR score IS NULL", name: non-negative score}
 * </pre>
 */
public record ConstraintSpec(Kind kind, String column, List<String> allowed, Double min, Double max, String pattern,
                             String sql, String name, String origin) {
    /** Makes the bad-input error for a field (the caller knows the file and how it names fields). */
    @FunctionalInterface
    public interface Errors {
        InputError error(String field, String message);
    }

    public enum Kind { COMPLETE, COMPLETENESS, UNIQUE, ALLOWED, RANGE, PATTERN, SIZE, SQL }

    private static final Set<String> KEYS = Set.of("column", "complete", "completeness", "unique", "allowed", "min",
            "max", "pattern", "size", "sql", "name");

    public ConstraintSpec {
        requireNonNull(kind, "kind is null");
        allowed = allowed == null ? List.of() : List.copyOf(allowed);
        requireNonNull(origin, "origin is null");
    }

    /** What the constraint says, for reports and the ledger. */
    public String description() {
        String text = switch (kind) {
            case COMPLETE -> column + " is never null";
            case COMPLETENESS -> column + " is non-null in at least " + min + " of rows";
            case UNIQUE -> column + " is unique";
            case ALLOWED -> column + " is one of " + allowed;
            case RANGE -> column + (min != null && max != null ? " between " + min + " and " + max
                    : min != null ? " >= " + min : " <= " + max);
            case PATTERN -> column + " matches " + pattern;
            case SIZE -> "row count" + (min != null ? " >= " + min.longValue() : "") + (max != null ? " <= " + max.longValue() : "");
            case SQL -> "every row satisfies " + sql;
        };
        return name != null ? name + " (" + text + ")" : text;
    }

    /**
     * Reads one constraint from its unwrapped YAML/HOCON form. {@code columns}, when not null, are
     * the dataset's declared columns: a constraint on another column is bad input.
     */
    public static ConstraintSpec parse(Object value, Errors errors, String field, Set<String> columns, String origin) {
        if (!(value instanceof Map<?, ?> raw)) {
            throw errors.error(field, "expected a mapping such as {column: user_id, complete: true}");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> m = (Map<String, Object>) raw;
        for (String key : m.keySet()) {
            if (!KEYS.contains(key)) {
                throw errors.error(field + "." + key, "unknown key; expected one of " + new TreeSet<>(KEYS));
            }
        }
        String name = m.containsKey("name") ? text(m.get("name"), errors, field + ".name") : null;
        if (m.containsKey("size")) {
            if (!(m.get("size") instanceof Map<?, ?> size) || size.isEmpty()) {
                throw errors.error(field + ".size", "expected {min: N} and/or {max: N}");
            }
            Double min = number(size.get("min"), errors, field + ".size.min");
            Double max = number(size.get("max"), errors, field + ".size.max");
            only(m, errors, field, "size", "name");
            return new ConstraintSpec(Kind.SIZE, null, null, min, max, null, null, name, origin);
        }
        if (m.containsKey("sql")) {
            only(m, errors, field, "sql", "name");
            return new ConstraintSpec(Kind.SQL, null, null, null, null, null, text(m.get("sql"), errors, field + ".sql"), name, origin);
        }
        if (!m.containsKey("column")) {
            throw errors.error(field, "expected column (with complete, completeness, unique, allowed, min/max or pattern), size or sql");
        }
        String column = text(m.get("column"), errors, field + ".column");
        if (columns != null && !columns.contains(column)) {
            throw errors.error(field + ".column", "column '" + column + "' is not in the dataset's schema " + new TreeSet<>(columns));
        }
        List<String> kinds = m.keySet().stream().filter(k -> !k.equals("column") && !k.equals("name")
                && !k.equals("min") && !k.equals("max")).toList();
        boolean range = m.containsKey("min") || m.containsKey("max");
        if (kinds.size() + (range ? 1 : 0) != 1) {
            throw errors.error(field, "expected exactly one of complete, completeness, unique, allowed, min/max, pattern for column " + column);
        }
        if (range) {
            Double min = number(m.get("min"), errors, field + ".min");
            Double max = number(m.get("max"), errors, field + ".max");
            if (min != null && max != null && min > max) {
                throw errors.error(field, "min " + min + " is above max " + max);
            }
            return new ConstraintSpec(Kind.RANGE, column, null, min, max, null, null, name, origin);
        }
        String kind = kinds.get(0);
        Object v = m.get(kind);
        return switch (kind) {
            case "complete", "unique" -> {
                if (!Boolean.TRUE.equals(v)) {
                    throw errors.error(field + "." + kind, "expected true");
                }
                yield new ConstraintSpec(kind.equals("complete") ? Kind.COMPLETE : Kind.UNIQUE, column, null, null, null,
                        null, null, name, origin);
            }
            case "completeness" -> {
                Double ratio = number(v, errors, field + ".completeness");
                if (ratio == null || ratio <= 0 || ratio > 1) {
                    throw errors.error(field + ".completeness", "expected a share of rows above 0 and at most 1");
                }
                yield new ConstraintSpec(Kind.COMPLETENESS, column, null, ratio, null, null, null, name, origin);
            }
            case "allowed" -> {
                if (!(v instanceof List<?> list) || list.isEmpty()) {
                    throw errors.error(field + ".allowed", "expected a non-empty list of values");
                }
                List<String> values = new ArrayList<>();
                list.forEach(x -> values.add(String.valueOf(x)));
                yield new ConstraintSpec(Kind.ALLOWED, column, values, null, null, null, null, name, origin);
            }
            case "pattern" -> {
                String regex = text(v, errors, field + ".pattern");
                try {
                    Pattern.compile(regex);
                } catch (PatternSyntaxException e) {
                    throw errors.error(field + ".pattern", "not a valid regular expression: " + e.getDescription());
                }
                yield new ConstraintSpec(Kind.PATTERN, column, null, null, null, regex, null, name, origin);
            }
            default -> throw new IllegalStateException(kind);
        };
    }

    /** Reads a list of constraints; null or absent gives none. */
    public static List<ConstraintSpec> parseList(Object value, Errors errors, String field, Set<String> columns, String origin) {
        if (value == null) {
            return List.of();
        }
        if (!(value instanceof List<?> list)) {
            throw errors.error(field, "expected a list of constraints");
        }
        List<ConstraintSpec> out = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            out.add(parse(list.get(i), errors, field + "[" + i + "]", columns, origin));
        }
        return out;
    }

    private static void only(Map<String, Object> m, Errors errors, String field, String... allowed) {
        Set<String> ok = Set.of(allowed);
        for (String key : m.keySet()) {
            if (!ok.contains(key)) {
                throw errors.error(field + "." + key, "does not go with " + allowed[0]);
            }
        }
    }

    private static String text(Object v, Errors errors, String field) {
        if (!(v instanceof String s) || s.isBlank()) {
            throw errors.error(field, "expected text");
        }
        return s;
    }

    private static Double number(Object v, Errors errors, String field) {
        if (v == null) {
            return null;
        }
        if (v instanceof Number n) {
            return n.doubleValue();
        }
        throw errors.error(field, "expected a number, got '" + v + "'");
    }
}
