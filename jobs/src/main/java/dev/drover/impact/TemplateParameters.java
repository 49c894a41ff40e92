package dev.drover.impact;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Template parameters in a consumer's SQL ({@code ${name}}, {@code {{ name }}}) masked for the
 * parser. Outside string literals each becomes an identifier of exactly its own length (a table
 * name part, or a value the analysis treats as NULL); inside a string literal it becomes the
 * consumer's value for it when one is declared (so {@code DATE'${run_date}'} parses), else stays.
 * Positions in the masked text map back to the consumer's text, so the rewrite edits the
 * original and the parameters come back as the consumer wrote them.
 */
public final class TemplateParameters {
    /** One parameter: its text, its name, where it stands and what replaced it for the parser. */
    public record Parameter(String text, String name, int start, int end, String placeholder) {
    }

    private static final Pattern PARAMETER = Pattern.compile("\\$\\{\\s*([A-Za-z_][\\w.]*)\\s*}|\\{\\{\\s*([A-Za-z_][\\w.]*)\\s*}}");

    private final String original;
    private final String masked;
    private final List<Parameter> parameters;
    private final int[] toOriginal;

    private TemplateParameters(String original, String masked, List<Parameter> parameters, int[] toOriginal) {
        this.original = original;
        this.masked = masked;
        this.parameters = parameters;
        this.toOriginal = toOriginal;
    }

    public static TemplateParameters mask(String sql) {
        return mask(sql, Map.of());
    }

    public static TemplateParameters mask(String sql, Map<String, String> values) {
        boolean[] literal = stringLiterals(sql);
        Matcher m = PARAMETER.matcher(sql);
        StringBuilder masked = new StringBuilder();
        List<Integer> map = new ArrayList<>();
        List<Parameter> found = new ArrayList<>();
        int at = 0;
        while (m.find()) {
            for (int i = at; i < m.start(); i++) {
                masked.append(sql.charAt(i));
                map.add(i);
            }
            String name = m.group(1) != null ? m.group(1) : m.group(2);
            String replacement;
            if (literal[m.start()]) {
                replacement = values.getOrDefault(name, m.group());
            } else {
                int length = m.end() - m.start();
                String id = "_p" + found.size();
                if (id.length() > length) {
                    id = "_" + Integer.toString(found.size(), 36);
                }
                StringBuilder placeholder = new StringBuilder(id);
                while (placeholder.length() < length) {
                    placeholder.append('_');
                }
                replacement = placeholder.toString();
            }
            found.add(new Parameter(m.group(), name, m.start(), m.end(), replacement));
            for (int i = 0; i < replacement.length(); i++) {
                masked.append(replacement.charAt(i));
                map.add(replacement.length() == m.end() - m.start() ? m.start() + i : m.start());
            }
            at = m.end();
        }
        for (int i = at; i < sql.length(); i++) {
            masked.append(sql.charAt(i));
            map.add(i);
        }
        map.add(sql.length());
        int[] positions = map.stream().mapToInt(Integer::intValue).toArray();
        return new TemplateParameters(sql, masked.toString(), List.copyOf(found), positions);
    }

    /** Which characters of {@code sql} are inside a '…' or "…" string literal (comments skipped). */
    private static boolean[] stringLiterals(String sql) {
        boolean[] inside = new boolean[sql.length() + 1];
        int i = 0;
        while (i < sql.length()) {
            char c = sql.charAt(i);
            if (c == '-' && i + 1 < sql.length() && sql.charAt(i + 1) == '-') {
                while (i < sql.length() && sql.charAt(i) != '\n') {
                    i++;
                }
            } else if (c == '/' && i + 1 < sql.length() && sql.charAt(i + 1) == '*') {
                int close = sql.indexOf("*/", i + 2);
                i = close < 0 ? sql.length() : close + 2;
            } else if (c == '`') {
                int close = sql.indexOf('`', i + 1);
                i = close < 0 ? sql.length() : close + 1;
            } else if (c == '\'' || c == '"') {
                int j = i + 1;
                while (j < sql.length() && sql.charAt(j) != c) {
                    j += sql.charAt(j) == '\\' ? 2 : 1;
                }
                for (int k = i; k <= Math.min(j, sql.length() - 1); k++) {
                    inside[k] = true;
                }
                i = j + 1;
            } else {
                i++;
            }
        }
        return inside;
    }

    public String original() {
        return original;
    }

    public String masked() {
        return masked;
    }

    public List<Parameter> parameters() {
        return parameters;
    }

    /** The position in the consumer's text of a position in the masked text. */
    public int toOriginal(int maskedPosition) {
        if (maskedPosition < 0) {
            return maskedPosition;
        }
        return toOriginal[Math.min(maskedPosition, toOriginal.length - 1)];
    }

    public boolean any() {
        return !parameters.isEmpty();
    }

    /** The parameter an identifier placeholder stands for (case-insensitive). */
    public java.util.Optional<Parameter> byPlaceholder(String identifier) {
        return parameters.stream().filter(p -> p.placeholder().equalsIgnoreCase(identifier)).findFirst();
    }

    /** The consumer's text with each parameter replaced by its value; null when a value is missing. */
    public static String bind(String text, Map<String, String> values) {
        StringBuilder out = new StringBuilder();
        Matcher m = PARAMETER.matcher(text);
        int at = 0;
        while (m.find()) {
            String name = m.group(1) != null ? m.group(1) : m.group(2);
            String value = values.get(name);
            if (value == null) {
                return null;
            }
            out.append(text, at, m.start()).append(value);
            at = m.end();
        }
        return out.append(text.substring(at)).toString();
    }

    /** Names of the parameters, in order, each once. */
    public List<String> names() {
        return parameters.stream().map(Parameter::name).distinct().toList();
    }
}
