package dev.drover.report;

import static dev.drover.report.Html.badge;
import static dev.drover.report.Html.count;
import static dev.drover.report.Html.esc;
import static dev.drover.report.Html.num;
import static dev.drover.report.Html.secondsBetween;
import static dev.drover.report.Html.td;
import static dev.drover.report.Html.tile;

import dev.drover.delta.CommitTag;
import dev.drover.delta.DeltaTables;
import dev.drover.ledger.AlertRecord;
import dev.drover.ledger.BatchRecord;
import dev.drover.ledger.LedgerContents;
import dev.drover.ledger.RunRecord;
import dev.drover.ledger.SchemaChangeRecord;
import dev.drover.ledger.StageRecord;
import dev.drover.model.CheckResult;
import dev.drover.model.ExpectedRuntime;
import dev.drover.model.RunStatus;
import dev.drover.model.Stage;
import dev.drover.outbox.EventState;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/** A run's page ({@code runs/<run>.html}): its figures, then one section per kind of record. */
final class RunPage {
    private final ReportInput in;
    private final LedgerContents ledger;
    private final ReportWriter.RunSummary s;
    private final RunRecord r;
    private final List<StageRecord> stages;
    private final List<BatchRecord> batches;
    private final java.util.function.BinaryOperator<String> runLink;

    /** {@code runLink}: a run id and a path prefix → a link to its page (plain text for a run the report does not show). */
    RunPage(ReportInput in, ReportWriter.RunSummary summary, java.util.function.BinaryOperator<String> runLink) {
        this.in = in;
        this.ledger = in.ledger();
        this.s = summary;
        this.r = summary.run();
        this.stages = ledger.stagesOf(r.runId());
        this.batches = ledger.batchesOf(r.runId());
        this.runLink = runLink;
    }

    String html() {
        StringBuilder b = new StringBuilder();
        heading(b);
        stages(b);
        batches(b);
        checks(b);
        schemaChange(b);
        quarantine(b);
        consumers(b);
        alerts(b);
        history(b);
        return Html.page("Drover — run " + r.runId(), "../assets/", "", b.toString());
    }

    /** The run's id, status, source and target, who asked, its message and its figures. */
    private void heading(StringBuilder b) {
        b.append("<p><a href=\"../index.html\">all runs</a></p>");
        b.append("<h1>Run <span id=\"run-id\">").append(esc(r.runId())).append("</span> ").append(badge(r.status().label())).append("</h1>");
        b.append("<p class=\"meta\">").append(esc(r.migration())).append(": ").append(esc(r.source())).append(" v").append(r.sourceVersion())
                .append(" → ").append(esc(r.target())).append(" (").append(esc(r.mode().label())).append(")")
                .append(r.snapshotVersion().map(v -> ", snapshot v" + v).orElse(""))
                .append(r.targetVersion().map(v -> ", now at v" + v).orElse("")).append(" · asked by ").append(esc(s.askedBy())).append("</p>");
        if (!r.message().isEmpty()) {
            b.append("<p class=\"message").append(r.status() == RunStatus.SUCCEEDED ? " note-warn" : "").append("\">")
                    .append(esc(r.message())).append("</p>");
        }
        double transformSeconds = stages.stream().filter(st -> st.stage() == Stage.TRANSFORM).findFirst()
                .map(st -> secondsBetween(st.startedAt(), st.endedAt().orElse(in.generatedAt()))).orElse(0.0);
        b.append("<section class=\"tiles\">")
                .append(tile("run-rows", "rows written", count(s.rows())))
                .append(tile("run-duration", "took", s.duration().map(Html::seconds).orElse("running")))
                .append(tile("run-rate", "rows/s (transform)", transformSeconds > 0 ? count(Math.round(s.rows() / transformSeconds)) : "–"))
                .append(tile("run-checks", "checks passed", s.checksPassed() + " of " + (s.checksPassed() + s.checksFailed())))
                .append(tile("run-quarantined", "rows quarantined", count(s.quarantined())))
                .append(tile("run-told", "consumers told", s.eventsTold() + " of " + s.events()))
                .append("</section>");
    }

    /** Each stage: outcome, start, time taken against the template's expected runtime. */
    private void stages(StringBuilder b) {
        b.append("<h2>Stages</h2><table id=\"stages\"><thead><tr><th>stage</th><th>outcome</th><th>started</th><th class=\"n\">took</th>"
                + "<th>expected (template)</th><th class=\"n\">bound</th><th>against the bound</th></tr></thead><tbody>");
        Map<Stage, Duration> durations = new EnumMap<>(Stage.class);
        stages.forEach(st -> durations.put(st.stage(), Duration.between(st.startedAt(), st.endedAt().orElse(in.generatedAt()))));
        for (StageRecord st : stages) {
            Duration took = durations.get(st.stage());
            Optional<Duration> bound = ExpectedRuntime.bound(st.expectedRuntime(), s.rows(), 1, durations);
            boolean over = bound.isPresent() && took.compareTo(bound.get()) > 0;
            b.append("<tr class=\"").append(over ? "over" : "").append("\">").append(td(st.stage().label())).append(td(st.outcome().label()))
                    .append(td(Html.time(st.startedAt()))).append("<td class=\"n\">").append(st.endedAt().isPresent() ? Html.seconds(took) : "running")
                    .append("</td>").append(td(st.expectedRuntime())).append("<td class=\"n\">").append(bound.map(Html::seconds).orElse("–"))
                    .append("</td><td>").append(Svg.bar(took.toMillis() / 1000.0, bound.map(d -> d.toMillis() / 1000.0).orElse(0.0)))
                    .append(over ? " over" : "").append("</td></tr>");
        }
        b.append("</tbody></table><p class=\"note\">Bounds read from the template's words; \"per executor core\" is taken at one core.</p>");
    }

    /** Rows written over the run, and each batch. */
    private void batches(StringBuilder b) {
        b.append("<h2>Batches</h2>");
        List<double[]> cumulative = new ArrayList<>();
        long sum = 0;
        cumulative.add(new double[] {0, 0});
        for (BatchRecord batch : batches.stream().filter(BatchRecord::isWritten).sorted(Comparator.comparing(BatchRecord::eventTime)).toList()) {
            sum += batch.rowsWritten();
            cumulative.add(new double[] {secondsBetween(s.started(), batch.eventTime()), sum});
        }
        b.append(Svg.chart("Rows written over the run", "seconds from the run's start", "rows", "", List.of(
                new Svg.Series("rows written", "line-rows", cumulative.size() > 1 ? cumulative : List.of(), false, false))));
        b.append("<table id=\"batches\"><thead><tr><th class=\"n\">batch</th><th>status</th><th class=\"n\">estimated</th><th class=\"n\">written</th>"
                + "<th class=\"n\">quarantined</th><th class=\"n\">retried</th><th class=\"n\">target version</th><th>at</th><th>predicate</th></tr></thead><tbody>");
        for (BatchRecord batch : batches) {
            b.append("<tr>").append(num(batch.batchId())).append(td(batch.status().label())).append(num(batch.estimatedRows()))
                    .append(num(batch.rowsWritten())).append(num(batch.rowsQuarantined())).append(num(batch.rowsRetried()))
                    .append("<td class=\"n\">").append(batch.targetVersion().map(String::valueOf).orElse("")).append("</td>")
                    .append(td(Html.time(batch.eventTime()))).append("<td class=\"code\">").append(esc(batch.predicate())).append("</td></tr>");
        }
        b.append("</tbody></table>");
    }

    /** Every check of the test stage. */
    private void checks(StringBuilder b) {
        List<CheckResult> checks = ledger.checksOf(r.runId());
        b.append("<h2>Checks</h2>");
        if (checks.isEmpty()) {
            b.append("<p class=\"empty\">No checks recorded.</p>");
        } else {
            b.append("<table id=\"checks\"><thead><tr><th>kind</th><th>check</th><th>result</th><th>expected</th><th>observed</th></tr></thead><tbody>");
            for (CheckResult c : checks) {
                String result = !c.passed() ? "failed" : c.warning() ? "warning" : "passed";
                b.append("<tr class=\"check ").append(result).append("\">").append(td(c.kind().label())).append(td(c.name()))
                        .append("<td>").append(badge(result)).append("</td>").append(td(c.expected())).append(td(c.observed())).append("</tr>");
            }
            b.append("</tbody></table>");
        }
    }

    /** The schema contract, column by column. */
    private void schemaChange(StringBuilder b) {
        List<SchemaChangeRecord> schema = ledger.schemaChangesOf(r.runId());
        b.append("<h2>Schema change</h2>");
        if (schema.isEmpty()) {
            b.append("<p class=\"empty\">No schema contract recorded.</p>");
        } else {
            b.append("<table id=\"schema\"><thead><tr><th>from column</th><th>type</th><th>nullable</th><th>to column</th><th>type</th>"
                    + "<th>nullable</th><th>change</th><th>breaking</th></tr></thead><tbody>");
            for (SchemaChangeRecord c : schema) {
                b.append("<tr class=\"").append(c.breaking() ? "bad" : "").append("\">").append(td(c.fromColumn().orElse("–")))
                        .append(td(c.fromType().orElse(""))).append(td(c.fromNullable().map(String::valueOf).orElse("")))
                        .append(td(c.toColumn().orElse("–"))).append(td(c.toType().orElse(""))).append(td(c.toNullable().map(String::valueOf).orElse("")))
                        .append(td(c.kinds())).append(td(c.breaking() ? "yes" : "no")).append("</tr>");
            }
            b.append("</tbody></table>");
        }
    }

    /** Rows quarantined by step, and the most common errors. */
    private void quarantine(StringBuilder b) {
        b.append("<h2>Quarantine</h2>");
        Map<String, Long> byStep = ledger.quarantineOf(r.runId());
        if (byStep.isEmpty() || s.quarantined() == 0) {
            b.append("<p class=\"empty\">Nothing quarantined.</p>");
        } else {
            b.append("<table id=\"quarantine\"><thead><tr><th>step</th><th class=\"n\">rows</th></tr></thead><tbody>");
            byStep.forEach((step, n) -> b.append("<tr>").append(td(step)).append(num(n)).append("</tr>"));
            b.append("</tbody></table><h3>Top errors</h3><table id=\"errors\"><thead><tr><th>step</th><th>error</th><th class=\"n\">rows</th></tr></thead><tbody>");
            in.topErrors().getOrDefault(r.runId(), List.of())
                    .forEach(e -> b.append("<tr>").append(td(e.step())).append(td(e.error())).append(num(e.rows())).append("</tr>"));
            b.append("</tbody></table>");
        }
    }

    /** Each consumer event: strategy, channel, delivery. */
    private void consumers(StringBuilder b) {
        b.append("<h2>Consumers</h2>");
        List<EventState> events = in.events().getOrDefault(r.runId(), List.of());
        if (events.isEmpty()) {
            b.append("<p class=\"empty\">No consumer events.</p>");
        } else {
            Map<String, Long> byStatus = events.stream().collect(Collectors.groupingBy(e -> e.status().label(), LinkedHashMap::new, Collectors.counting()));
            b.append("<p class=\"meta\" id=\"event-states\">").append(esc(byStatus.entrySet().stream().map(e -> e.getValue() + " " + e.getKey())
                    .collect(Collectors.joining(", ")))).append("</p>");
            b.append("<table id=\"consumers\"><thead><tr><th>strategy</th><th class=\"n\">wave</th><th>consumer</th><th>event</th><th>channel</th>"
                    + "<th>destination</th><th>status</th><th class=\"n\">attempts</th><th>result</th><th>error</th></tr></thead><tbody>");
            events.stream().sorted(Comparator.comparing(EventState::strategy).thenComparingInt(EventState::wave).thenComparing(EventState::consumer))
                    .forEach(e -> b.append("<tr>").append(td(e.strategy().label())).append(num(e.wave())).append(td(e.consumer())).append(td(e.type().label()))
                            .append(td(e.channel().label())).append(td(e.topic())).append("<td>").append(badge(e.status().label())).append("</td>")
                            .append(num(e.attempts())).append(td(e.detail())).append(td(e.error())).append("</tr>"));
            b.append("</tbody></table>");
        }
    }

    /** Alerts sent, or tried, about this run. */
    private void alerts(StringBuilder b) {
        b.append("<h2>Alerts</h2>");
        List<AlertRecord> alerts = ledger.alertsAbout(r.runId());
        if (alerts.isEmpty()) {
            b.append("<p class=\"empty\">No alerts about this run.</p>");
        } else {
            b.append("<table id=\"alerts\"><thead><tr><th>when</th><th>reason</th><th>action</th><th>sink</th><th>status</th>"
                    + "<th class=\"n\">attempts</th><th>summary</th><th>error</th></tr></thead><tbody>");
            alerts.forEach(a -> b.append("<tr>").append(td(Html.time(a.eventTime()))).append(td(a.reason().label())).append(td(a.action().label()))
                    .append(td(a.sink().label())).append("<td>").append(badge(a.sent() ? "delivered" : "failed")).append("</td>")
                    .append(num(a.attempts())).append(td(a.summary())).append(td(a.error())).append("</tr>"));
            b.append("</tbody></table>");
        }
    }

    /** The target's Delta history, this run's commits marked. */
    private void history(StringBuilder b) {
        b.append("<h2>Delta history of ").append(esc(r.target())).append("</h2>");
        List<DeltaTables.Version> versions = in.history().getOrDefault(r.targetLocation(), List.of());
        if (versions.isEmpty()) {
            b.append("<p class=\"empty\">Not read (see --versions) or no table.</p>");
        } else {
            b.append("<table id=\"history\"><thead><tr><th class=\"n\">version</th><th>when</th><th>operation</th><th>run</th><th>stage</th>"
                    + "<th class=\"n\">batch</th><th class=\"n\">rows</th></tr></thead><tbody>");
            for (DeltaTables.Version v : versions) {
                Optional<CommitTag> tag = v.tag();
                boolean mine = tag.map(t -> t.run().equals(r.runId())).orElse(false);
                b.append("<tr class=\"").append(mine ? "mine" : "").append("\">").append(num(v.version())).append(td(Html.time(v.timestamp())))
                        .append(td(v.operation())).append("<td>").append(tag.map(t -> runLink.apply(t.run(), "")).orElse("")).append("</td>")
                        .append(td(tag.map(t -> t.stage().label()).orElse(""))).append("<td class=\"n\">")
                        .append(tag.map(CommitTag::batch).map(String::valueOf).orElse("")).append("</td><td class=\"n\">")
                        .append(v.rows().map(Html::count).orElse("")).append("</td></tr>");
            }
            b.append("</tbody></table>");
        }
    }
}
