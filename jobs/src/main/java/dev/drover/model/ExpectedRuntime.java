package dev.drover.model;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A template stage's {@code expectedRuntime}, read as a bound where its words allow: "under 1
 * minute", "about 2 hours", "seconds" (under a minute), "about 1 minute per 5 million rows per
 * executor core" (scaled by the run's rows and cores), "under a quarter of the transform time"
 * (a share of another stage's duration). Text it cannot read has no bound: the report shows it
 * as written and no alert compares against it.
 */
public final class ExpectedRuntime {
    private static final Pattern AMOUNT = Pattern.compile("(\\d+(?:\\.\\d+)?|an?|one)\\s*(second|sec|s|minute|min|m|hour|h)s?\\b");
    private static final Pattern BARE = Pattern.compile("^(?:a few |several )?(seconds|minutes|hours)$");
    private static final Pattern PER_ROWS = Pattern.compile("per\\s+(\\d+(?:\\.\\d+)?)\\s*(thousand|million|billion|k|m)?\\s+rows");
    private static final Pattern SHARE = Pattern.compile("(a quarter|a third|half|a tenth|\\d+(?:\\.\\d+)?\\s*%)\\s+of\\s+the\\s+(\\w+)\\s+(?:stage\\s+)?time");

    private ExpectedRuntime() {}

    /**
     * The bound for a stage that wrote {@code rows} rows with {@code cores} executor cores, given
     * how long the run's other stages took; empty when the text is not one of the forms above.
     */
    public static Optional<Duration> bound(String text, long rows, int cores, Map<Stage, Duration> stageDurations) {
        if (text == null) {
            return Optional.empty();
        }
        String t = text.trim().toLowerCase(Locale.ROOT);
        Matcher share = SHARE.matcher(t);
        if (share.find()) {
            Stage other;
            try {
                other = Stage.valueOf(share.group(2).toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                return Optional.empty();
            }
            Duration base = stageDurations.get(other);
            if (base == null) {
                return Optional.empty();
            }
            return Optional.of(Duration.ofMillis(Math.round(base.toMillis() * fraction(share.group(1)))));
        }
        Matcher bare = BARE.matcher(t);
        if (bare.find()) {
            return Optional.of(switch (bare.group(1)) {
                case "seconds" -> Duration.ofSeconds(59);
                case "minutes" -> Duration.ofMinutes(59);
                default -> Duration.ofHours(23);
            });
        }
        Matcher amount = AMOUNT.matcher(t);
        if (!amount.find()) {
            return Optional.empty();
        }
        String n = amount.group(1);
        double value = n.equals("a") || n.equals("an") || n.equals("one") ? 1 : Double.parseDouble(n);
        double seconds = value * switch (amount.group(2)) {
            case "second", "sec", "s" -> 1;
            case "minute", "min", "m" -> 60;
            default -> 3600;
        };
        Matcher perRows = PER_ROWS.matcher(t);
        if (perRows.find()) {
            double unit = Double.parseDouble(perRows.group(1)) * multiplier(perRows.group(2));
            seconds *= Math.max(1, Math.ceil(rows / unit));
        }
        if (t.contains("per executor core") || t.contains("per core")) {
            seconds /= Math.max(1, cores);
        }
        return Optional.of(Duration.ofMillis(Math.round(seconds * 1000)));
    }

    private static double fraction(String words) {
        return switch (words) {
            case "a quarter" -> 0.25;
            case "a third" -> 1.0 / 3;
            case "half" -> 0.5;
            case "a tenth" -> 0.1;
            default -> Double.parseDouble(words.replace("%", "").trim()) / 100;
        };
    }

    private static double multiplier(String word) {
        if (word == null) {
            return 1;
        }
        return switch (word) {
            case "thousand", "k" -> 1e3;
            case "million", "m" -> 1e6;
            default -> 1e9;
        };
    }
}
