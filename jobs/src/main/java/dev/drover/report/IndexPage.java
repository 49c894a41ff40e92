package dev.drover.report;

import static dev.drover.report.Html.badge;
import static dev.drover.report.Html.count;
import static dev.drover.report.Html.esc;
import static dev.drover.report.Html.num;
import static dev.drover.report.Html.td;
import static dev.drover.report.Html.tile;

import dev.drover.ledger.LedgerContents;
import dev.drover.ledger.RequestRecord;
import dev.drover.ledger.RunRecord;
import dev.drover.ledger.WaveRecord;
import dev.drover.model.RunStatus;
import java.time.Duration;
import java.util.List;
import java.util.function.BinaryOperator;

/** The report's index ({@code index.html}): totals, filters, then requests, waves and runs, newest first. */
final class IndexPage {
    private static final List<String> STATUSES = List.of("running", "succeeded", "failed", "rolled-back", "refused", "accepted", "started", "passed");

    private final ReportInput in;
    private final LedgerContents ledger;
    private final List<ReportWriter.RunSummary> runs;
    private final BinaryOperator<String> runLink;

    /** {@code runLink}: a run id and a path prefix → a link to its page (plain text for a run the report does not show). */
    IndexPage(ReportInput in, List<ReportWriter.RunSummary> runs, BinaryOperator<String> runLink) {
        this.in = in;
        this.ledger = in.ledger();
        this.runs = runs;
        this.runLink = runLink;
    }

    String html() {
        StringBuilder b = new StringBuilder();
        tiles(b);
        filters(b);
        requests(b);
        waves(b);
        runs(b);
        return Html.page("Drover — migrations", "assets/", "", b.toString());
    }

    private void tiles(StringBuilder b) {
        long failed = runs.stream().filter(s -> s.run().status() == RunStatus.FAILED || s.run().status() == RunStatus.ROLLED_BACK).count();
        long finished = runs.stream().filter(s -> s.run().status() != RunStatus.RUNNING).count();
        long running = runs.size() - finished;
        long checksFailed = runs.stream().mapToLong(ReportWriter.RunSummary::checksFailed).sum();
        long checks = runs.stream().mapToLong(s -> s.checksPassed() + s.checksFailed()).sum();
        b.append("<h1>Migrations</h1><p class=\"meta\">Generated ").append(Html.time(in.generatedAt())).append(" from the ledger.</p>");
        b.append("<section class=\"tiles\">")
                .append(tile("runs-total", "runs", count(runs.size())))
                .append(tile("runs-running", "running", count(running)))
                .append(tile("runs-failed", "failed or rolled back", count(failed)))
                .append(tile("error-rate", "error rate", finished == 0 ? "–" : percent(failed, finished)))
                .append(tile("checks-failed", "checks failed", count(checksFailed) + " of " + count(checks)))
                .append(tile("rows-total", "rows written", count(runs.stream().mapToLong(ReportWriter.RunSummary::rows).sum())))
                .append(tile("quarantined-total", "rows quarantined", count(runs.stream().mapToLong(ReportWriter.RunSummary::quarantined).sum())))
                .append(tile("waves-total", "waves", count(ledger.waves().size())))
                .append(tile("requests-total", "agent requests", count(ledger.requests().size())))
                .append(tile("windows-open", "open transition windows", count(in.transitions().stream().filter(t -> t.window().open()).count())))
                .append(tile("alerts-sent", "alerts sent", count(ledger.alerts().values().stream().flatMap(List::stream)
                        .filter(dev.drover.ledger.AlertRecord::sent).count())))
                .append("</section>");
    }

    private void filters(StringBuilder b) {
        b.append("<form class=\"filters\" onsubmit=\"return false\"><label>Status <select id=\"status-filter\"><option value=\"\">any</option>");
        for (String s : STATUSES) {
            b.append("<option>").append(s).append("</option>");
        }
        b.append("</select></label> <label>Search <input id=\"text-filter\" type=\"search\" placeholder=\"dataset, migration, run, requester\"></label>")
                .append(" <span id=\"shown\"></span> · <a href=\"fleet.html\">fleet</a> · <a href=\"transitions.html\">transition windows</a></form>");

    }

    private void requests(StringBuilder b) {
        b.append("<h2>Agent requests</h2>");
        if (ledger.requests().isEmpty()) {
            b.append("<p class=\"empty\">No requests: the agent has not been asked for anything.</p>");
        } else {
            b.append("<table class=\"filterable\" id=\"requests\"><thead><tr><th>request</th><th>kind</th><th>target</th><th>who asked</th>"
                    + "<th>status</th><th>run</th><th>exit</th><th>when</th><th>message</th></tr></thead><tbody>");
            for (RequestRecord r : ledger.requests()) {
                b.append(row(r.status().label(), r.requestId() + " " + r.kind() + " " + r.target() + " " + r.requester() + " " + r.runId()))
                        .append(td(r.requestId())).append(td(r.kind())).append(td(r.target())).append(td(r.requester()))
                        .append("<td>").append(badge(r.status().label())).append("</td><td>").append(runLink.apply(r.runId(), "runs/"))
                        .append("</td>").append(td(r.exitCode())).append(td(Html.time(r.eventTime()))).append(td(r.message())).append("</tr>");
            }
            b.append("</tbody></table>");
        }
    }

    private void waves(StringBuilder b) {
        b.append("<h2>Waves</h2>");
        if (ledger.waves().isEmpty()) {
            b.append("<p class=\"empty\">No waves.</p>");
        } else {
            b.append("<table class=\"filterable\" id=\"waves\"><thead><tr><th>wave</th><th>selection</th><th>status</th><th class=\"n\">migrations</th>"
                    + "<th class=\"n\">passed</th><th class=\"n\">already applied</th><th class=\"n\">failed</th><th class=\"n\">held</th>"
                    + "<th>started</th><th>took</th></tr></thead><tbody>");
            for (WaveRecord w : ledger.waves()) {
                b.append(row(w.status().label(), w.waveId() + " " + w.selection()))
                        .append("<td><a href=\"fleet.html#").append(esc(FleetPage.anchor(w.waveId()))).append("\">").append(esc(w.waveId())).append("</a></td>")
                        .append(td(w.selection())).append("<td>").append(badge(w.status().label())).append("</td>")
                        .append(num(w.migrations())).append(num(w.passed())).append(num(w.alreadyApplied())).append(num(w.failed()))
                        .append(num(w.held())).append(td(Html.time(w.startedAt())))
                        .append(td(w.endedAt().map(e -> Html.seconds(Duration.between(w.startedAt(), e))).orElse("running"))).append("</tr>");
            }
            b.append("</tbody></table>");
        }
    }

    private void runs(StringBuilder b) {
        b.append("<h2>Runs</h2>");
        if (runs.isEmpty()) {
            b.append("<p class=\"empty\">No runs in the ledger yet.</p>");
        } else {
            b.append("<table class=\"filterable\" id=\"runs\"><thead><tr><th>run</th><th>migration</th><th>dataset</th><th>status</th>"
                    + "<th class=\"n\">rows</th><th class=\"n\">took</th><th class=\"n\">checks passed</th><th class=\"n\">checks failed</th>"
                    + "<th class=\"n\">quarantined</th><th class=\"n\">consumers told</th><th>who asked</th><th>started</th></tr></thead><tbody>");
            for (ReportWriter.RunSummary s : runs) {
                RunRecord r = s.run();
                b.append(row(r.status().label(), r.runId() + " " + r.migration() + " " + r.target() + " " + s.askedBy()))
                        .append("<td>").append(runLink.apply(r.runId(), "runs/")).append("</td>").append(td(r.migration())).append(td(r.target()))
                        .append("<td>").append(badge(r.status().label())).append("</td>")
                        .append("<td class=\"n rows\">").append(count(s.rows())).append("</td>")
                        .append("<td class=\"n\">").append(s.duration().map(Html::seconds).orElse("running")).append("</td>")
                        .append("<td class=\"n checks-passed\">").append(s.checksPassed()).append("</td>")
                        .append("<td class=\"n checks-failed").append(s.checksFailed() > 0 ? " bad" : "").append("\">").append(s.checksFailed()).append("</td>")
                        .append("<td class=\"n quarantined").append(s.quarantined() > 0 ? " warn" : "").append("\">").append(count(s.quarantined())).append("</td>")
                        .append("<td class=\"n told\">").append(s.eventsTold()).append(" of ").append(s.events()).append("</td>")
                        .append(td(s.askedBy())).append(td(Html.time(s.started()))).append("</tr>");
            }
            b.append("</tbody></table>");
        }
    }

    private static String row(String status, String search) {
        return "<tr data-status=\"" + esc(status) + "\" data-search=\"" + esc(search.toLowerCase(java.util.Locale.ROOT)) + "\">";
    }

    private static String percent(long part, long whole) {
        return String.format(java.util.Locale.ROOT, "%.1f%%", 100.0 * part / whole);
    }
}
