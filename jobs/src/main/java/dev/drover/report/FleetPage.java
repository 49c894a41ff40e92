package dev.drover.report;

import static dev.drover.report.Html.badge;
import static dev.drover.report.Html.esc;
import static dev.drover.report.Html.num;
import static dev.drover.report.Html.secondsBetween;
import static dev.drover.report.Html.td;

import dev.drover.ledger.FleetRecord;
import dev.drover.ledger.LedgerContents;
import dev.drover.ledger.WaveRecord;
import dev.drover.model.FleetEvent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** The report's fleet page ({@code fleet.html}): per wave, executors over time against the backlog, and every change. */
final class FleetPage {
    private final LedgerContents ledger;

    FleetPage(LedgerContents ledger) {
        this.ledger = ledger;
    }

    String html() {
        Map<String, List<FleetRecord>> byWave = new LinkedHashMap<>();
        ledger.fleet().forEach(f -> byWave.computeIfAbsent(f.waveId(), k -> new ArrayList<>()).add(f));
        Map<String, WaveRecord> waves = ledger.waves().stream().collect(Collectors.toMap(WaveRecord::waveId, w -> w, (a, b) -> a));
        StringBuilder b = new StringBuilder("<p><a href=\"index.html\">all runs</a></p><h1>Fleet</h1>");
        b.append("<p class=\"meta\">Executors over time against the backlog (pending batches, plus queued requests for the agent), per wave.</p>");
        if (byWave.isEmpty()) {
            b.append("<p class=\"empty\">No fleet changes recorded (dynamic allocation off, or no wave yet).</p>");
        }
        List<String> order = new ArrayList<>();
        ledger.waves().forEach(w -> order.add(w.waveId()));
        byWave.keySet().stream().filter(k -> !order.contains(k)).forEach(order::add);
        for (String wave : order) {
            List<FleetRecord> changes = byWave.getOrDefault(wave, List.of());
            WaveRecord w = waves.get(wave);
            b.append("<section class=\"wave\" id=\"").append(esc(anchor(wave))).append("\"><h2>").append(esc(wave)).append("</h2>");
            if (w != null) {
                b.append("<p class=\"meta\">").append(esc(w.selection())).append(" · ").append(badge(w.status().label())).append(" · ")
                        .append(w.passed()).append(" passed, ").append(w.failed()).append(" failed of ").append(w.migrations()).append("</p>");
            }
            if (changes.isEmpty()) {
                b.append("<p class=\"empty\">No fleet changes in this wave.</p></section>");
                continue;
            }
            Instant start = w != null ? w.startedAt() : changes.get(0).eventTime();
            List<double[]> executors = new ArrayList<>();
            List<double[]> backlog = new ArrayList<>();
            for (FleetRecord f : changes) {
                double x = Math.max(0, secondsBetween(start, f.eventTime()));
                executors.add(new double[] {x, f.executors()});
                backlog.add(new double[] {x, f.backlog()});
            }
            long added = changes.stream().filter(f -> f.event() == FleetEvent.ADDED).count();
            long removed = changes.stream().filter(f -> f.event() == FleetEvent.REMOVED).count();
            long requested = changes.stream().filter(f -> f.event() == FleetEvent.REQUESTED).count();
            b.append("<p class=\"fleet-counts\" data-added=\"").append(added).append("\" data-removed=\"").append(removed).append("\">")
                    .append(added).append(" added, ").append(removed).append(" removed, ").append(requested).append(" policy requests; peak ")
                    .append(changes.stream().mapToInt(FleetRecord::executors).max().orElse(0)).append(" executors</p>");
            b.append(Svg.chart("Executors and backlog", "seconds from the wave's start", "executors", "backlog", List.of(
                    new Svg.Series("executors", "line-executors", executors, true, false),
                    new Svg.Series("backlog", "line-backlog", backlog, true, true))));
            b.append("<details><summary>").append(changes.size()).append(" changes</summary><table><thead><tr><th>at</th><th>event</th>"
                    + "<th>executor</th><th class=\"n\">executors</th><th class=\"n\">backlog</th><th>reason</th></tr></thead><tbody>");
            for (FleetRecord f : changes) {
                b.append("<tr>").append(td(Html.time(f.eventTime()))).append(td(f.event().label())).append(td(f.executor())).append(num(f.executors()))
                        .append(num(f.backlog())).append(td(f.reason())).append("</tr>");
            }
            b.append("</tbody></table></details></section>");
        }
        return Html.page("Drover — fleet", "assets/", "", b.toString());
    }

    /** A wave's anchor on this page (the index links each wave to it). */
    static String anchor(String id) {
        return "w-" + id.replaceAll("[^A-Za-z0-9._-]", "_");
    }
}
