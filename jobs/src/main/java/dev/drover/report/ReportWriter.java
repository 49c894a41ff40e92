package dev.drover.report;

import static dev.drover.report.Html.badge;
import static dev.drover.report.Html.count;
import static dev.drover.report.Html.esc;
import static dev.drover.report.Html.num;
import static dev.drover.report.Html.td;
import static dev.drover.report.Html.tile;

import dev.drover.ledger.BatchRecord;
import dev.drover.ledger.LedgerContents;
import dev.drover.ledger.RequestRecord;
import dev.drover.ledger.RunRecord;
import dev.drover.ledger.StageRecord;
import dev.drover.ledger.WaveRecord;
import dev.drover.model.CheckResult;
import dev.drover.model.RunStatus;
import dev.drover.outbox.Delivery;
import dev.drover.outbox.EventState;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Renders the dashboard: {@code index.html} (requests, waves, runs, newest first, with filters),
 * {@code runs/<run>.html} per run ({@link RunPage}), {@code fleet.html} ({@link FleetPage}: executors against the
 * backlog per wave), {@code transitions.html} ({@link TransitionPage}) and {@code assets/} (one
 * style sheet, one small script, no outside links).
 */
public final class ReportWriter {
    private final ReportInput in;
    private final LedgerContents ledger;
    private final Map<String, RequestRecord> requestByRun = new HashMap<>();
    private final Map<String, String> waveByRun = new HashMap<>();
    private final Map<String, RunSummary> summaries = new LinkedHashMap<>();

    /** What was written: the pages and the runs, waves and requests they show. */
    public record Written(Path index, int runPages, int waves, int requests) {}

    /** The figures of a run the index shows and the run page heads with. */
    record RunSummary(RunRecord run, Instant started, Optional<Instant> ended, long rows, long quarantined, long checksPassed,
                      long checksFailed, long eventsTold, long events, String askedBy) {
        Optional<Duration> duration() {
            return ended.map(e -> Duration.between(started, e));
        }
    }

    ReportWriter(ReportInput input) {
        this.in = input;
        this.ledger = input.ledger();
        ledger.requests().stream().filter(r -> !r.runId().isEmpty())
                .forEach(r -> requestByRun.putIfAbsent(r.runId(), r));
        ledger.waveRuns().forEach((wave, runs) -> runs.forEach(r -> waveByRun.put(r.runId(), wave)));
        ledger.runs().forEach(r -> summaries.put(r.runId(), summarize(r)));
    }

    Written write(Path out) throws IOException {
        Files.createDirectories(out.resolve("runs"));
        Files.createDirectories(out.resolve("assets"));
        copyAsset("report.css", out);
        copyAsset("report.js", out);
        Files.writeString(out.resolve("index.html"), index(), StandardCharsets.UTF_8);
        Files.writeString(out.resolve("fleet.html"), new FleetPage(ledger).html(), StandardCharsets.UTF_8);
        Files.writeString(out.resolve("transitions.html"), new TransitionPage(in.transitions(), in.generatedAt()).html(), StandardCharsets.UTF_8);
        for (RunSummary s : summaries.values()) {
            Files.writeString(out.resolve("runs").resolve(fileName(s.run().runId())), new RunPage(in, s, this::runLink).html(), StandardCharsets.UTF_8);
        }
        return new Written(out.resolve("index.html"), summaries.size(), ledger.waves().size(), ledger.requests().size());
    }

    private RunSummary summarize(RunRecord run) {
        List<StageRecord> stages = ledger.stagesOf(run.runId());
        List<BatchRecord> batches = ledger.batchesOf(run.runId());
        Instant started = stages.stream().map(StageRecord::startedAt).min(Comparator.naturalOrder()).orElse(run.eventTime());
        Optional<Instant> ended = run.status() == RunStatus.RUNNING ? Optional.empty()
                : Optional.of(stages.stream().map(s -> s.endedAt().orElse(s.startedAt())).max(Comparator.naturalOrder()).orElse(run.eventTime()));
        long rows = batches.stream().filter(BatchRecord::isWritten).mapToLong(BatchRecord::rowsWritten).sum();
        long quarantined = ledger.quarantineOf(run.runId()).values().stream().mapToLong(Long::longValue).sum();
        List<CheckResult> checks = ledger.checksOf(run.runId());
        long passed = checks.stream().filter(CheckResult::passed).count();
        List<EventState> events = in.events().getOrDefault(run.runId(), List.of()).stream()
                .filter(e -> e.status() != Delivery.Status.CANCELLED).toList();
        long told = events.stream().filter(e -> e.status() == Delivery.Status.DELIVERED).count();
        RequestRecord request = requestByRun.get(run.runId());
        String askedBy = request != null ? request.requester() + " (request " + request.requestId() + ")"
                : waveByRun.containsKey(run.runId()) ? "wave " + waveByRun.get(run.runId()) : "command on " + run.host();
        return new RunSummary(run, started, ended, rows, quarantined, passed, checks.size() - passed, told, events.size(), askedBy);
    }

    // ---- index

    private String index() {
        List<RunSummary> runs = new ArrayList<>(summaries.values());
        long failed = runs.stream().filter(s -> s.run().status() == RunStatus.FAILED || s.run().status() == RunStatus.ROLLED_BACK).count();
        long finished = runs.stream().filter(s -> s.run().status() != RunStatus.RUNNING).count();
        long running = runs.size() - finished;
        long checksFailed = runs.stream().mapToLong(RunSummary::checksFailed).sum();
        long checks = runs.stream().mapToLong(s -> s.checksPassed() + s.checksFailed()).sum();
        StringBuilder b = new StringBuilder();
        b.append("<h1>Migrations</h1><p class=\"meta\">Generated ").append(Html.time(in.generatedAt())).append(" from the ledger.</p>");
        b.append("<section class=\"tiles\">")
                .append(tile("runs-total", "runs", count(runs.size())))
                .append(tile("runs-running", "running", count(running)))
                .append(tile("runs-failed", "failed or rolled back", count(failed)))
                .append(tile("error-rate", "error rate", finished == 0 ? "–" : percent(failed, finished)))
                .append(tile("checks-failed", "checks failed", count(checksFailed) + " of " + count(checks)))
                .append(tile("rows-total", "rows written", count(runs.stream().mapToLong(RunSummary::rows).sum())))
                .append(tile("quarantined-total", "rows quarantined", count(runs.stream().mapToLong(RunSummary::quarantined).sum())))
                .append(tile("waves-total", "waves", count(ledger.waves().size())))
                .append(tile("requests-total", "agent requests", count(ledger.requests().size())))
                .append(tile("windows-open", "open transition windows", count(in.transitions().stream().filter(t -> t.window().open()).count())))
                .append(tile("alerts-sent", "alerts sent", count(ledger.alerts().values().stream().flatMap(List::stream)
                        .filter(dev.drover.ledger.AlertRecord::sent).count())))
                .append("</section>");
        b.append("<form class=\"filters\" onsubmit=\"return false\"><label>Status <select id=\"status-filter\"><option value=\"\">any</option>");
        for (String s : List.of("running", "succeeded", "failed", "rolled-back", "refused", "accepted", "started", "passed")) {
            b.append("<option>").append(s).append("</option>");
        }
        b.append("</select></label> <label>Search <input id=\"text-filter\" type=\"search\" placeholder=\"dataset, migration, run, requester\"></label>")
                .append(" <span id=\"shown\"></span> · <a href=\"fleet.html\">fleet</a> · <a href=\"transitions.html\">transition windows</a></form>");

        b.append("<h2>Agent requests</h2>");
        if (ledger.requests().isEmpty()) {
            b.append("<p class=\"empty\">No requests: the agent has not been asked for anything.</p>");
        } else {
            b.append("<table class=\"filterable\" id=\"requests\"><thead><tr><th>request</th><th>kind</th><th>target</th><th>who asked</th>"
                    + "<th>status</th><th>run</th><th>exit</th><th>when</th><th>message</th></tr></thead><tbody>");
            for (RequestRecord r : ledger.requests()) {
                b.append(row(r.status().label(), r.requestId() + " " + r.kind() + " " + r.target() + " " + r.requester() + " " + r.runId()))
                        .append(td(r.requestId())).append(td(r.kind())).append(td(r.target())).append(td(r.requester()))
                        .append("<td>").append(badge(r.status().label())).append("</td><td>").append(runLink(r.runId(), "runs/"))
                        .append("</td>").append(td(r.exitCode())).append(td(Html.time(r.eventTime()))).append(td(r.message())).append("</tr>");
            }
            b.append("</tbody></table>");
        }

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

        b.append("<h2>Runs</h2>");
        if (runs.isEmpty()) {
            b.append("<p class=\"empty\">No runs in the ledger yet.</p>");
        } else {
            b.append("<table class=\"filterable\" id=\"runs\"><thead><tr><th>run</th><th>migration</th><th>dataset</th><th>status</th>"
                    + "<th class=\"n\">rows</th><th class=\"n\">took</th><th class=\"n\">checks passed</th><th class=\"n\">checks failed</th>"
                    + "<th class=\"n\">quarantined</th><th class=\"n\">consumers told</th><th>who asked</th><th>started</th></tr></thead><tbody>");
            for (RunSummary s : runs) {
                RunRecord r = s.run();
                b.append(row(r.status().label(), r.runId() + " " + r.migration() + " " + r.target() + " " + s.askedBy()))
                        .append("<td>").append(runLink(r.runId(), "runs/")).append("</td>").append(td(r.migration())).append(td(r.target()))
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
        return Html.page("Drover — migrations", "assets/", "", b.toString());
    }

    // ---- pieces

    private String runLink(String runId, String prefix) {
        if (runId == null || runId.isEmpty()) {
            return "";
        }
        if (!summaries.containsKey(runId)) {
            return esc(runId);
        }
        return "<a href=\"" + prefix + esc(fileName(runId)) + "\">" + esc(runId) + "</a>";
    }

    /** A run's page name: its id with anything outside [A-Za-z0-9._-] made '_'. */
    static String fileName(String runId) {
        return runId.replaceAll("[^A-Za-z0-9._-]", "_") + ".html";
    }

    private static String row(String status, String search) {
        return "<tr data-status=\"" + esc(status) + "\" data-search=\"" + esc(search.toLowerCase(java.util.Locale.ROOT)) + "\">";
    }

    private static String percent(long part, long whole) {
        return String.format(java.util.Locale.ROOT, "%.1f%%", 100.0 * part / whole);
    }

    private static void copyAsset(String name, Path out) throws IOException {
        try (InputStream asset = ReportWriter.class.getResourceAsStream("/report/" + name)) {
            if (asset == null) {
                throw new UncheckedIOException(new IOException("the report's asset " + name + " is missing from the jar"));
            }
            Files.write(out.resolve("assets").resolve(name), asset.readAllBytes());
        }
    }
}
