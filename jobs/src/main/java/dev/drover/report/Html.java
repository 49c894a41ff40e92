package dev.drover.report;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** The little HTML the report needs: escaping, and numbers and times written the same way on every page. */
final class Html {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);

    private Html() {}

    static String esc(Object value) {
        if (value == null) {
            return "";
        }
        String s = value.toString();
        StringBuilder out = new StringBuilder(s.length() + 8);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    static String time(Instant instant) {
        return instant == null ? "" : TIME.format(instant);
    }

    static String seconds(Duration d) {
        if (d == null) {
            return "";
        }
        double s = d.toMillis() / 1000.0;
        if (s < 100) {
            return String.format(Locale.ROOT, "%.1f s", s);
        }
        if (s < 6000) {
            return String.format(Locale.ROOT, "%d min %02d s", (long) s / 60, (long) s % 60);
        }
        return String.format(Locale.ROOT, "%d h %02d min", (long) s / 3600, ((long) s % 3600) / 60);
    }

    static String count(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    /** A page: the shared style sheet and script, relative to the page so the report opens from disk. */
    static String page(String title, String assets, String nav, String body) {
        return "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>" + esc(title) + "</title>"
                + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                + "<link rel=\"stylesheet\" href=\"" + assets + "report.css\"></head>\n<body>"
                + "<header><span class=\"brand\">Drover</span>" + nav + "</header>\n<main>\n" + body + "\n</main>"
                + "<script src=\"" + assets + "report.js\"></script></body></html>\n";
    }

    static String badge(String status) {
        return "<span class=\"badge s-" + esc(status) + "\">" + esc(status) + "</span>";
    }

    /** A table cell, escaped. */
    static String td(Object value) {
        return "<td>" + esc(value) + "</td>";
    }

    /** A right-aligned cell with a count. */
    static String num(long value) {
        return "<td class=\"n\">" + count(value) + "</td>";
    }

    /** A figure tile: its value (with an id for tests and scripts) over its label. */
    static String tile(String id, String label, String value) {
        return "<div class=\"tile\"><div class=\"value\" id=\"" + id + "\">" + esc(value) + "</div><div class=\"label\">" + esc(label) + "</div></div>";
    }

    /** Seconds from {@code from} to {@code to}. */
    static double secondsBetween(Instant from, Instant to) {
        return Duration.between(from, to).toMillis() / 1000.0;
    }
}
