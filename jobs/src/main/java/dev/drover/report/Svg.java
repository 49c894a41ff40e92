package dev.drover.report;

import java.util.List;
import java.util.Locale;

/**
 * Charts as inline SVG, drawn here so the report needs no script library and renders offline:
 * line (or step) series over time, each on the left or the right axis with its own scale.
 */
final class Svg {
    private static final int WIDTH = 760;
    private static final int HEIGHT = 220;
    private static final int LEFT = 56;
    private static final int RIGHT = 56;
    private static final int TOP = 16;
    private static final int BOTTOM = 28;

    /** One line: its points as (x, y), drawn as steps (a count that holds until it changes) or straight. */
    record Series(String name, String cssClass, List<double[]> points, boolean step, boolean rightAxis) {}

    private Svg() {}

    /** A chart of series over x (seconds from the start, labelled as such), with a legend; empty text when nothing to draw. */
    static String chart(String title, String xLabel, String leftLabel, String rightLabel, List<Series> series) {
        if (series.stream().allMatch(s -> s.points().isEmpty())) {
            return "";
        }
        double xMax = series.stream().flatMap(s -> s.points().stream()).mapToDouble(p -> p[0]).max().orElse(1);
        xMax = xMax <= 0 ? 1 : xMax;
        double leftMax = niceMax(series.stream().filter(s -> !s.rightAxis()).flatMap(s -> s.points().stream()).mapToDouble(p -> p[1]).max().orElse(1));
        double rightMax = niceMax(series.stream().filter(Series::rightAxis).flatMap(s -> s.points().stream()).mapToDouble(p -> p[1]).max().orElse(1));
        boolean hasRight = series.stream().anyMatch(Series::rightAxis);
        int plotW = WIDTH - LEFT - RIGHT;
        int plotH = HEIGHT - TOP - BOTTOM;
        StringBuilder svg = new StringBuilder();
        svg.append("<figure class=\"chart\"><svg viewBox=\"0 0 ").append(WIDTH).append(' ').append(HEIGHT)
                .append("\" role=\"img\" aria-label=\"").append(Html.esc(title)).append("\">");
        for (int i = 0; i <= 4; i++) {
            double y = TOP + plotH - plotH * i / 4.0;
            svg.append(String.format(Locale.ROOT, "<line class=\"grid\" x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\"/>", LEFT, y, LEFT + plotW, y));
            svg.append(String.format(Locale.ROOT, "<text class=\"tick\" x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>", LEFT - 6, y + 4,
                    label(leftMax * i / 4)));
            if (hasRight) {
                svg.append(String.format(Locale.ROOT, "<text class=\"tick\" x=\"%d\" y=\"%.1f\">%s</text>", LEFT + plotW + 6, y + 4,
                        label(rightMax * i / 4)));
            }
        }
        for (int i = 0; i <= 4; i++) {
            double x = LEFT + plotW * i / 4.0;
            svg.append(String.format(Locale.ROOT, "<text class=\"tick\" x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>", x,
                    HEIGHT - 8, label(xMax * i / 4)));
        }
        svg.append(String.format(Locale.ROOT, "<text class=\"axis\" x=\"%d\" y=\"%d\">%s</text>", LEFT, TOP - 4, Html.esc(leftLabel)));
        if (hasRight) {
            svg.append(String.format(Locale.ROOT, "<text class=\"axis\" x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>", LEFT + plotW,
                    TOP - 4, Html.esc(rightLabel)));
        }
        for (Series s : series) {
            if (s.points().isEmpty()) {
                continue;
            }
            double max = s.rightAxis() ? rightMax : leftMax;
            StringBuilder path = new StringBuilder();
            double lastY = Double.NaN;
            for (double[] p : s.points()) {
                double x = LEFT + plotW * p[0] / xMax;
                double y = TOP + plotH - plotH * p[1] / max;
                if (path.isEmpty()) {
                    path.append(String.format(Locale.ROOT, "M%.1f %.1f", x, y));
                } else if (s.step()) {
                    path.append(String.format(Locale.ROOT, " H%.1f V%.1f", x, y));
                } else {
                    path.append(String.format(Locale.ROOT, " L%.1f %.1f", x, y));
                }
                lastY = y;
            }
            if (s.step() && !Double.isNaN(lastY)) {
                path.append(String.format(Locale.ROOT, " H%d", LEFT + plotW));
            }
            svg.append("<path class=\"").append(s.cssClass()).append("\" d=\"").append(path).append("\"><title>")
                    .append(Html.esc(s.name())).append("</title></path>");
        }
        svg.append("</svg><figcaption>").append(Html.esc(title)).append(" · x: ").append(Html.esc(xLabel));
        for (Series s : series) {
            svg.append(" <span class=\"key ").append(s.cssClass()).append("\">").append(Html.esc(s.name()))
                    .append(s.rightAxis() ? " (right axis)" : "").append("</span>");
        }
        return svg.append("</figcaption></figure>").toString();
    }

    /** A horizontal bar of a stage's duration against its bound (the bound at 60% of the width). */
    static String bar(double seconds, double boundSeconds) {
        double scale = boundSeconds > 0 ? Math.max(boundSeconds / 0.6, seconds) : Math.max(seconds, 0.001);
        double w = 200 * seconds / scale;
        String cls = boundSeconds > 0 && seconds > boundSeconds ? "over" : "within";
        StringBuilder s = new StringBuilder(String.format(Locale.ROOT,
                "<svg class=\"bar\" viewBox=\"0 0 200 14\" width=\"200\" height=\"14\"><rect class=\"%s\" x=\"0\" y=\"2\" width=\"%.1f\" height=\"10\"/>",
                cls, w));
        if (boundSeconds > 0) {
            double bx = 200 * boundSeconds / scale;
            s.append(String.format(Locale.ROOT, "<line class=\"bound\" x1=\"%.1f\" y1=\"0\" x2=\"%.1f\" y2=\"14\"/>", bx, bx));
        }
        return s.append("</svg>").toString();
    }

    private static double niceMax(double max) {
        if (max <= 0) {
            return 1;
        }
        double magnitude = Math.pow(10, Math.floor(Math.log10(max)));
        for (double step : new double[] {1, 2, 2.5, 5, 10}) {
            if (step * magnitude >= max) {
                return step * magnitude;
            }
        }
        return 10 * magnitude;
    }

    private static String label(double v) {
        if (v >= 1e6) {
            return String.format(Locale.ROOT, "%.1fM", v / 1e6);
        }
        if (v >= 1e4) {
            return String.format(Locale.ROOT, "%.0fk", v / 1e3);
        }
        if (v == Math.rint(v)) {
            return String.format(Locale.ROOT, "%.0f", v);
        }
        return String.format(Locale.ROOT, "%.1f", v);
    }
}
