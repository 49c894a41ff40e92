package dev.drover.report;

import static dev.drover.report.Html.badge;
import static dev.drover.report.Html.esc;
import static dev.drover.report.Html.num;
import static dev.drover.report.Html.secondsBetween;
import static dev.drover.report.Html.td;

import dev.drover.ledger.SyncRecord;
import dev.drover.model.SyncKind;
import dev.drover.transition.TransitionStatus;
import dev.drover.transition.Window;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The report's transition page: per window, how far its target lagged its source over time (the
 * source versions waiting at each sync's start, and none after each sync that passed), every
 * sync with what it did, and each consumer of the source: moved or not, how, and by when.
 */
final class TransitionPage {
    private final List<TransitionStatus> statuses;
    private final Instant generatedAt;

    TransitionPage(List<TransitionStatus> statuses, Instant generatedAt) {
        this.statuses = List.copyOf(statuses);
        this.generatedAt = generatedAt;
    }

    String html() {
        StringBuilder b = new StringBuilder("<p><a href=\"index.html\">all runs</a></p><h1>Transition windows</h1>");
        b.append("<p class=\"meta\">Generated ").append(Html.time(generatedAt)).append(". A window keeps a new-table migration's target in step"
                + " with its live source for the source's dual-write consumers, until every consumer has moved and the source is retired.</p>");
        if (statuses.isEmpty()) {
            b.append("<p class=\"empty\">No transition windows.</p>");
        }
        for (TransitionStatus s : statuses) {
            b.append(window(s));
        }
        return Html.page("Drover — transition windows", "assets/", "", b.toString());
    }

    private String window(TransitionStatus s) {
        Window w = s.window();
        StringBuilder b = new StringBuilder("<section class=\"window\" id=\"window-").append(esc(w.migration().replace('/', '-')))
                .append("\" data-migration=\"").append(esc(w.migration())).append("\">");
        b.append("<h2>").append(esc(w.migration())).append(": ").append(esc(w.source())).append(" → ").append(esc(w.target())).append("</h2>");
        b.append("<p class=\"meta\">").append(badge(w.open() ? "open" : "retired")).append(" · base run ").append(esc(w.base().runId()))
                .append(" · source latest v").append(s.sourceLatest()).append(" · in step with v").append(w.lastSynced())
                .append(" · <span class=\"lag\" data-versions=\"").append(s.lagVersions()).append("\">lag ").append(s.lagVersions())
                .append(" version(s)").append(s.lagVersions() > 0 ? ", " + Html.seconds(s.lag()) : "").append("</span>")
                .append(w.deadline().map(d -> " · deadline " + d + (s.overdue() ? " (passed)" : "")).orElse("")).append("</p>");
        b.append(Svg.chart("Source versions waiting for a sync", "seconds from the window's start", "versions", "", List.of(
                new Svg.Series("versions behind", "line-backlog", lag(w), true, false))));
        long moved = w.consumers().size() - w.notMoved().size();
        b.append("<h3>Consumers: <span class=\"adoption\" data-moved=\"").append(moved).append("\" data-total=\"").append(w.consumers().size())
                .append("\">").append(moved).append(" of ").append(w.consumers().size()).append(" moved</span></h3>");
        b.append("<table class=\"consumers\"><thead><tr><th>consumer</th><th>strategy</th><th>deadline</th><th>moved</th><th>how</th>"
                + "<th>when</th></tr></thead><tbody>");
        for (Window.ConsumerState c : w.consumers()) {
            b.append("<tr data-consumer=\"").append(esc(c.consumer().name())).append("\" data-moved=\"").append(c.hasMoved()).append("\">")
                    .append(td(c.consumer().name())).append(td(c.consumer().strategy().label()))
                    .append(td(c.deadline().map(Object::toString).orElse(""))).append("<td>").append(badge(c.hasMoved() ? "moved" : "waiting"))
                    .append("</td>").append(td(c.moved().map(m -> m.how() + (m.by().isEmpty() ? "" : " by " + m.by())).orElse("")))
                    .append(td(c.moved().map(m -> Html.time(m.at())).orElse(""))).append("</tr>");
        }
        b.append("</tbody></table>");
        b.append("<h3>Syncs: ").append(w.syncsDone()).append(" done, ").append(w.syncsFailed()).append(" failed</h3>");
        b.append("<table class=\"syncs\"><thead><tr><th>sync</th><th>kind</th><th>status</th><th>source versions</th><th class=\"n\">changed keys</th>"
                + "<th class=\"n\">inserted</th><th class=\"n\">updated</th><th class=\"n\">deleted</th><th class=\"n\">quarantined</th>"
                + "<th>target version</th><th>started</th><th>took</th><th>message</th></tr></thead><tbody>");
        for (SyncRecord r : w.syncs()) {
            b.append("<tr data-status=\"").append(esc(r.status().label())).append("\">").append(td(r.syncId())).append(td(r.kind().label()))
                    .append("<td>").append(badge(r.status().label())).append("</td>").append(td(r.range()))
                    .append(num(r.changeRows())).append(num(r.inserted())).append(num(r.updated())).append(num(r.deleted()))
                    .append(num(r.quarantined())).append(td(r.targetAfter().map(String::valueOf).orElse("")))
                    .append(td(Html.time(r.startedAt()))).append(td(Html.seconds(Duration.between(r.startedAt(), r.eventTime()))))
                    .append(td(r.message())).append("</tr>");
        }
        return b.append("</tbody></table></section>").toString();
    }

    /** Versions waiting at each sync's start and none once a sync passed, in seconds from the window's base run. */
    private static List<double[]> lag(Window w) {
        List<double[]> points = new ArrayList<>();
        Instant start = w.base().eventTime();
        points.add(new double[] {0, 0});
        for (SyncRecord r : w.syncs()) {
            if (r.kind() != SyncKind.SYNC) {
                continue;
            }
            points.add(new double[] {Math.max(0, secondsBetween(start, r.startedAt())), r.toVersion() - r.fromVersion() + 1});
            if (r.status() == dev.drover.model.SyncStatus.SUCCEEDED) {
                points.add(new double[] {Math.max(0, secondsBetween(start, r.eventTime())), 0});
            }
        }
        return points;
    }
}
