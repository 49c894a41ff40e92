package dev.drover.alert;

import static java.util.Objects.requireNonNull;

import dev.drover.config.AlertSettings;
import dev.drover.ledger.AlertRecord;
import dev.drover.ledger.BatchRecord;
import dev.drover.ledger.Ledger;
import dev.drover.ledger.LedgerReader;
import dev.drover.ledger.RunRecord;
import dev.drover.ledger.StageRecord;
import dev.drover.ledger.WaveRecord;
import dev.drover.model.AlertAction;
import dev.drover.model.AlertReason;
import dev.drover.model.AlertSeverity;
import dev.drover.model.AlertSinkKind;
import dev.drover.model.AlertStatus;
import dev.drover.model.ExpectedRuntime;
import dev.drover.model.RunStatus;
import dev.drover.model.Stage;
import java.io.PrintStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides what to alert on and delivers it: after a run (failed checks, a slow stage, quarantine
 * over the warning level; resolving the migration's open PagerDuty incidents when it passes),
 * after a wave with failures, after a notify that left events undelivered. Each (subject,
 * reason, action, sink) goes once: the ledger's {@code alerts} table says what was sent. A sink
 * that does not answer is retried ({@code attempts}, backoff doubling), the failure recorded;
 * nothing here ever throws into a migration.
 */
public final class Alerts {
    private static final Logger LOG = LoggerFactory.getLogger(Alerts.class);
    private static final Set<AlertReason> RESOLVED_BY_A_PASSING_RUN = Set.of(AlertReason.RUN_FAILED, AlertReason.SLOW_STAGE, AlertReason.QUARANTINE);

    private final AlertSettings settings;
    private final Ledger ledger;
    private final PrintStream out;
    private final List<Sink> sinks = new ArrayList<>();
    private final HttpClient http;
    private final Duration maxLag;
    private final Duration remindBefore;

    public Alerts(AlertSettings settings, Ledger ledger, PrintStream out) {
        this(settings, ledger, out, Duration.ofHours(1), Duration.ofDays(7));
    }

    /** {@code maxLag}, {@code remindBefore}: the transition windows' limits ({@code drover.sync.max-lag}, {@code drover.transition.remind-before}). */
    public Alerts(AlertSettings settings, Ledger ledger, PrintStream out, Duration maxLag, Duration remindBefore) {
        this.maxLag = requireNonNull(maxLag, "maxLag is null");
        this.remindBefore = requireNonNull(remindBefore, "remindBefore is null");
        this.settings = requireNonNull(settings, "settings is null");
        this.ledger = requireNonNull(ledger, "ledger is null");
        this.out = requireNonNull(out, "out is null");
        if (settings.slack()) {
            sinks.add(new Sink.Slack(settings.slackWebhook()));
        }
        if (settings.pagerduty()) {
            sinks.add(new Sink.PagerDuty(settings.pagerdutyUrl(), settings.pagerdutyRoutingKey(), host()));
        }
        this.http = sinks.isEmpty() ? null : HttpClient.newBuilder().connectTimeout(settings.timeout()).build();
    }

    public boolean enabled() {
        return !sinks.isEmpty();
    }

    /** After a run ended (passed, or failed and rolled back): what it calls for. */
    public void afterRun(String runId) {
        if (!enabled()) {
            return;
        }
        try {
            LedgerReader read = ledger.read();
            RunRecord run = read.requireRun(runId);
            List<Alert> triggers = new ArrayList<>(runAlerts(run, read.stages(runId), read.batches(runId), read.quarantineCounts(runId)));
            if (run.status() == RunStatus.SUCCEEDED) {
                triggers.addAll(needsPerson(run, new dev.drover.outbox.Outbox(ledger).events(runId)));
            }
            List<AlertRecord> history = read.alerts(run.migration());
            List<Alert> resolves = new ArrayList<>();
            if (run.status() == RunStatus.SUCCEEDED) {
                Set<AlertReason> raisedNow = new java.util.HashSet<>();
                triggers.forEach(t -> raisedNow.add(t.reason()));
                for (AlertReason reason : open(history)) {
                    if (RESOLVED_BY_A_PASSING_RUN.contains(reason) && !raisedNow.contains(reason)) {
                        resolves.add(new Alert(runId, run.migration(), reason, AlertSeverity.INFO,
                                run.migration() + ": run " + runId + " passed", Map.of()));
                    }
                }
            }
            deliver(triggers, resolves, history);
        } catch (RuntimeException e) {
            LOG.warn("alerts after run {} were not evaluated: {}", runId, e.toString());
        }
    }

    /**
     * After a sync of a transition window: a failed sync alerts (and a later one that passes
     * resolves it); then what the window calls for as it stands ({@link #windows}).
     */
    public void afterSync(String migration, dev.drover.model.SyncResult result, java.util.function.Supplier<List<dev.drover.transition.TransitionStatus>> windows) {
        if (!enabled()) {
            return;
        }
        try {
            List<AlertRecord> history = ledger.read().alerts(migration);
            if (result.outcome() == dev.drover.model.SyncResult.Outcome.FAILED_AND_RESTORED
                    || result.outcome() == dev.drover.model.SyncResult.Outcome.VERIFY_FAILED) {
                deliver(List.of(new Alert(result.syncId(), migration, AlertReason.SYNC_FAILED, AlertSeverity.ERROR, migration + ": sync " + result.syncId()
                        + " failed; " + result.message(), ordered("sync", result.syncId(), "versions", result.fromVersion() + ".." + result.toVersion()))),
                        List.of(), history);
            } else if (open(history).contains(AlertReason.SYNC_FAILED)) {
                deliver(List.of(), List.of(new Alert(result.syncId(), migration, AlertReason.SYNC_FAILED, AlertSeverity.INFO,
                        migration + ": sync " + result.syncId() + " passed", Map.of())), history);
            }
            windows(windows.get());
        } catch (RuntimeException e) {
            LOG.warn("alerts after sync {} were not evaluated: {}", result.syncId(), e.toString());
        }
    }

    /**
     * What transition windows call for now: a target lagging its source by more than
     * {@code drover.sync.max-lag}; a deadline passed with consumers not moved; a reminder
     * {@code drover.transition.remind-before} ahead of it. Once per lag episode (the last synced
     * version) and per window and reason.
     */
    public void windows(List<dev.drover.transition.TransitionStatus> statuses) {
        if (!enabled()) {
            return;
        }
        for (var status : statuses) {
            try {
                var w = status.window();
                List<Alert> due = new ArrayList<>();
                if (status.lagOver(maxLag)) {
                    due.add(new Alert(w.migration() + "@" + w.lastSynced(), w.migration(), AlertReason.SYNC_LAG, AlertSeverity.WARNING,
                            String.format(Locale.ROOT, "%s: %s lags %s by %d version(s), %d min (limit %d min); drover sync %s", w.migration(),
                                    w.target(), w.source(), status.lagVersions(), status.lag().toMinutes(), maxLag.toMinutes(), w.migration()),
                            ordered("last synced", String.valueOf(w.lastSynced()), "source latest", String.valueOf(status.sourceLatest()))));
                }
                String notMoved = String.join(", ", w.notMoved().stream().map(c -> c.consumer().name()).toList());
                if (status.overdue()) {
                    due.add(new Alert(w.migration() + ":" + w.base().runId(), w.migration(), AlertReason.DEADLINE_PASSED, AlertSeverity.ERROR,
                            w.migration() + ": the dual-write deadline " + w.deadline().orElseThrow() + " passed and " + notMoved
                                    + " still read " + w.source(), ordered("not moved", notMoved)));
                } else if (status.remind(remindBefore)) {
                    due.add(new Alert(w.migration() + ":" + w.base().runId(), w.migration(), AlertReason.DEADLINE_REMINDER, AlertSeverity.WARNING,
                            w.migration() + ": " + notMoved + " must move from " + w.source() + " to " + w.target() + " by "
                                    + w.deadline().orElseThrow(), ordered("not moved", notMoved)));
                }
                if (!due.isEmpty()) {
                    deliver(due, List.of(), ledger.read().alerts(w.migration()));
                }
            } catch (RuntimeException e) {
                LOG.warn("alerts of window {} were not evaluated: {}", status.window().migration(), e.toString());
            }
        }
    }

    /** After a wave ended: one alert when any of its migrations failed. */
    public void afterWave(WaveRecord wave) {
        if (!enabled() || wave.failed() == 0) {
            return;
        }
        try {
            Alert alert = new Alert(wave.waveId(), "wave/" + wave.waveId(), AlertReason.WAVE_FAILED, AlertSeverity.ERROR,
                    "wave " + wave.waveId() + " ended with " + wave.failed() + " of " + wave.migrations() + " migration(s) failed",
                    ordered("selection", wave.selection(), "passed", String.valueOf(wave.passed()), "failed", String.valueOf(wave.failed()),
                            "held", String.valueOf(wave.held())));
            deliver(List.of(alert), List.of(), ledger.read().alerts(alert.group()));
        } catch (RuntimeException e) {
            LOG.warn("alerts after wave {} were not evaluated: {}", wave.waveId(), e.toString());
        }
    }

    /** After notify: an alert per run whose events were left undelivered (run id to migration and count). */
    public void undelivered(Map<String, String> migrationOfRun, Map<String, Long> undeliveredByRun) {
        if (!enabled()) {
            return;
        }
        undeliveredByRun.forEach((runId, count) -> {
            try {
                String migration = migrationOfRun.getOrDefault(runId, runId);
                Alert alert = new Alert(runId, migration, AlertReason.UNDELIVERED, AlertSeverity.WARNING,
                        migration + ": " + count + " consumer event(s) of run " + runId + " not delivered; drover notify --retry-failed sends them again",
                        ordered("run", runId, "undelivered", String.valueOf(count)));
                deliver(List.of(alert), List.of(), ledger.read().alerts(migration));
            } catch (RuntimeException e) {
                LOG.warn("alerts after notify for run {} were not evaluated: {}", runId, e.toString());
            }
        });
    }

    List<Alert> runAlerts(RunRecord run, List<StageRecord> stages, List<BatchRecord> batches, Map<String, Long> quarantine) {
        List<Alert> alerts = new ArrayList<>();
        String runId = run.runId();
        long written = batches.stream().filter(BatchRecord::isWritten).mapToLong(BatchRecord::rowsWritten).sum();
        if (run.status() == RunStatus.FAILED || run.status() == RunStatus.ROLLED_BACK) {
            alerts.add(new Alert(runId, run.migration(), AlertReason.RUN_FAILED, AlertSeverity.ERROR,
                    run.migration() + ": run " + runId + " failed its checks and was rolled back: " + run.message(),
                    ordered("run", runId, "target", run.target(), "status", run.status().label())));
        }
        Map<Stage, Duration> took = new EnumMap<>(Stage.class);
        stages.forEach(s -> s.endedAt().ifPresent(e -> took.put(s.stage(), Duration.between(s.startedAt(), e))));
        List<String> slow = new ArrayList<>();
        for (StageRecord s : stages) {
            Duration d = took.get(s.stage());
            if (d == null) {
                continue;
            }
            ExpectedRuntime.bound(s.expectedRuntime(), written, 1, took).ifPresent(bound -> {
                if (d.toMillis() > settings.runtimeFactor() * bound.toMillis()) {
                    slow.add(String.format(Locale.ROOT, "%s took %.1f s, over %.1f x its expected %s", s.stage().label(),
                            d.toMillis() / 1000.0, settings.runtimeFactor(), s.expectedRuntime()));
                }
            });
        }
        if (!slow.isEmpty()) {
            alerts.add(new Alert(runId, run.migration(), AlertReason.SLOW_STAGE, AlertSeverity.WARNING,
                    run.migration() + ": run " + runId + " ran over its template's expected runtime: " + String.join("; ", slow),
                    ordered("run", runId, "target", run.target())));
        }
        long quarantined = quarantine.values().stream().mapToLong(Long::longValue).sum();
        long seen = written + quarantined;
        if (quarantined > 0 && seen > 0 && (double) quarantined / seen >= settings.quarantineWarning()) {
            alerts.add(new Alert(runId, run.migration(), AlertReason.QUARANTINE, AlertSeverity.WARNING,
                    String.format(Locale.ROOT, "%s: run %s quarantined %,d of %,d rows (%.3f%%, warning level %.3f%%)", run.migration(), runId,
                            quarantined, seen, 100.0 * quarantined / seen, 100 * settings.quarantineWarning()),
                    ordered("run", runId, "target", run.target(), "by step", quarantine.toString())));
        }
        return alerts;
    }

    /**
     * One alert per consumer whose update needs a person (its event's {@code consumer.impact}
     * says so), addressed to its contact: which queries, and why.
     */
    static List<Alert> needsPerson(RunRecord run, List<dev.drover.outbox.OutboxEvent> events) {
        List<Alert> alerts = new ArrayList<>();
        Set<String> seen = new java.util.HashSet<>();
        for (dev.drover.outbox.OutboxEvent e : events) {
            if (e.type() != dev.drover.outbox.EventType.MIGRATED || !seen.add(e.consumer())) {
                continue;
            }
            com.fasterxml.jackson.databind.JsonNode c;
            try {
                c = Sink.JSON.readTree(e.payload()).path("consumer");
            } catch (java.io.IOException ex) {
                continue;
            }
            com.fasterxml.jackson.databind.JsonNode impact = c.path("impact");
            if (!impact.path("class").asText().equals("needs-person")) {
                continue;
            }
            List<String> why = new ArrayList<>();
            if (!impact.path("problem").isNull() && !impact.path("problem").asText().isEmpty()) {
                why.add(impact.path("problem").asText());
            }
            impact.path("queries").forEach(q -> {
                if (q.path("class").asText().equals("needs-person")) {
                    why.add(q.path("query").asText() + ": " + String.join("; ", java.util.stream.StreamSupport
                            .stream(q.path("reasons").spliterator(), false).map(com.fasterxml.jackson.databind.JsonNode::asText).toList()));
                }
            });
            String contact = c.path("contact").asText("");
            alerts.add(new Alert(run.runId() + ":" + e.consumer(), run.migration(), AlertReason.NEEDS_PERSON, AlertSeverity.WARNING,
                    (contact.isEmpty() ? "" : contact + ": ") + run.migration() + ": consumer " + e.consumer() + " has "
                            + why.size() + " quer" + (why.size() == 1 ? "y" : "ies") + " no proven rewrite can fix; a person must update "
                            + (why.size() == 1 ? "it" : "them") + " (drover status " + run.runId() + ")",
                    ordered("consumer", e.consumer(), "contact", contact.isEmpty() ? "none in the catalog" : contact,
                            "queries", String.join(" | ", why))));
        }
        return alerts;
    }

    /** Reasons with a PagerDuty trigger sent and no resolve sent after it. */
    private static List<AlertReason> open(List<AlertRecord> history) {
        Map<AlertReason, Boolean> open = new LinkedHashMap<>();
        for (AlertRecord r : history) {
            if (r.sink() == AlertSinkKind.PAGERDUTY && r.sent()) {
                open.put(r.reason(), r.action() == AlertAction.TRIGGER);
            }
        }
        return open.entrySet().stream().filter(Map.Entry::getValue).map(Map.Entry::getKey).toList();
    }

    private void deliver(List<Alert> triggers, List<Alert> resolves, List<AlertRecord> history) {
        List<AlertRecord> records = new ArrayList<>();
        for (AlertAction action : AlertAction.values()) {
            for (Alert alert : action == AlertAction.TRIGGER ? triggers : resolves) {
                for (Sink sink : sinks) {
                    boolean done = history.stream().anyMatch(r -> r.sent() && r.subject().equals(alert.subject())
                            && r.reason() == alert.reason() && r.action() == action && r.sink() == sink.kind());
                    HttpRequest request = done ? null : sink.request(alert, action, settings.timeout());
                    if (request != null) {
                        records.add(send(sink, alert, action, request));
                    }
                }
            }
        }
        if (!records.isEmpty()) {
            ledger.append(dev.drover.ledger.LedgerTables.ALERTS, records);
        }
    }

    private AlertRecord send(Sink sink, Alert alert, AlertAction action, HttpRequest request) {
        String error = "";
        int attempt = 0;
        Duration wait = settings.backoff();
        while (attempt < settings.attempts()) {
            attempt++;
            try {
                HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
                int code = response.statusCode();
                if (code >= 200 && code < 300) {
                    out.printf("alert: %s %s %s to %s%n", alert.reason().label(), action.label(), alert.subject(), sink.kind().label());
                    return record(sink, alert, action, AlertStatus.SENT, attempt, "");
                }
                error = "HTTP " + code + " " + scrub(sink, first(response.body()));
                if (code < 500 && code != 429) {
                    break;   // the sink refused the request itself: sending it again will not help
                }
            } catch (java.io.IOException e) {
                error = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + scrub(sink, first(e.getMessage())));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                error = "interrupted";
                break;
            }
            if (attempt < settings.attempts()) {
                try {
                    Thread.sleep(wait.toMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
                wait = wait.multipliedBy(2);
            }
        }
        out.printf("alert: %s %s %s to %s NOT delivered after %d attempt(s): %s%n", alert.reason().label(), action.label(), alert.subject(), sink.kind().label(),
                attempt, error);
        LOG.warn("alert {} {} {} to {} not delivered after {} attempt(s): {}", alert.reason().label(), action.label(), alert.subject(), sink.kind().label(), attempt, error);
        return record(sink, alert, action, AlertStatus.FAILED, attempt, error);
    }

    private static AlertRecord record(Sink sink, Alert alert, AlertAction action, AlertStatus status, int attempts, String error) {
        return new AlertRecord(alert.subject(), alert.group(), alert.reason(), action, sink.kind(), status, attempts, alert.dedupKey(),
                alert.summary(), error, Instant.now());
    }

    private static String scrub(Sink sink, String text) {
        String clean = text;
        for (String secret : sink.secrets()) {
            if (secret != null && secret.length() > 1) {
                clean = clean.replace(secret, "<secret>");
            }
        }
        return clean;
    }

    private static String first(String text) {
        String line = text == null ? "" : text.strip().lines().findFirst().orElse("");
        return line.length() > 200 ? line.substring(0, 200) + "…" : line;
    }

    private static Map<String, String> ordered(String... pairs) {
        Map<String, String> map = new LinkedHashMap<>();
        for (int i = 0; i + 1 < pairs.length; i += 2) {
            map.put(pairs[i], pairs[i + 1]);
        }
        return map;
    }

    private static String host() {
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.net.UnknownHostException e) {
            return "drover";
        }
    }
}
