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
 * Renders the dashboard: {@code index.html} ({@link IndexPage}: requests, waves, runs, newest first, with filters),
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
        Files.writeString(out.resolve("index.html"), new IndexPage(in, new ArrayList<>(summaries.values()), this::runLink).html(), StandardCharsets.UTF_8);
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

    private static void copyAsset(String name, Path out) throws IOException {
        try (InputStream asset = ReportWriter.class.getResourceAsStream("/report/" + name)) {
            if (asset == null) {
                throw new UncheckedIOException(new IOException("the report's asset " + name + " is missing from the jar"));
            }
            Files.write(out.resolve("assets").resolve(name), asset.readAllBytes());
        }
    }
}
