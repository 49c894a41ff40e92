package dev.drover.view;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.drover.catalog.ConsumerEntity;
import dev.drover.catalog.StageNotes;
import dev.drover.ledger.BatchRecord;
import dev.drover.ledger.RunRecord;
import dev.drover.ledger.SchemaChangeRecord;
import dev.drover.ledger.StageRecord;
import dev.drover.model.CheckResult;
import dev.drover.model.ColumnChange;
import dev.drover.model.HistoryEntry;
import dev.drover.model.MigrationResult;
import dev.drover.model.Stage;
import dev.drover.model.ValidationResult;
import dev.drover.plan.Batch;
import dev.drover.plan.MigrationPlan;
import java.io.PrintStream;
import java.util.List;

/** Text and JSON views of plans, runs and history, for the CLI and the demo. */
public final class Render {
    public static final ObjectMapper JSON = new ObjectMapper();

    private Render() {}

    public static void plan(PrintStream out, MigrationPlan plan) {
        var spec = plan.spec();
        out.printf("Migration %s (%s)  %s%n", spec.id(), spec.description(), spec.file());
        out.printf("  source   %s at %s, pinned at version %d%n", plan.source().name(), plan.sourceLocation(), plan.sourceVersion());
        out.printf("  target   %s at %s (%s; %s)%n", plan.target().name(), plan.targetLocation(), spec.mode().label(),
                plan.snapshotVersion().map(v -> "snapshot will be version " + v).orElse("new table"));
        plan.lookupVersions().forEach((name, v) -> out.printf("  lookup   %s pinned at version %d%n", name, v));
        out.println("  schema   old -> new");
        plan.diff().lines().forEach(l -> out.println("  " + l));
        out.printf("  batches  %d, about %,d rows%n", plan.batches().size(), plan.estimatedRows());
        for (Batch b : plan.batches()) {
            String predicate = b.predicate().length() > 90 ? b.predicate().substring(0, 87) + "..." : b.predicate();
            out.printf("    %3d  ~%,d rows  %s%n", b.id(), b.estimatedRows(), predicate);
        }
        out.printf("  consumers affected  %d%n", plan.consumers().size());
        for (ConsumerEntity c : plan.consumers()) {
            out.printf("    %-24s %-10s wave %d  %s%n", c.name(), c.strategy().label(), c.wave(), c.contact().orElse(""));
        }
        out.printf("  stages (template %s)%n", plan.template().name());
        for (Stage stage : Stage.TEMPLATE) {
            StageNotes n = plan.template().notes(stage);
            out.printf("    %-9s expected %s; success: %s%n", stage.label(), n.expectedRuntime(), n.successCriteria());
        }
        out.println("Nothing was written (dry run).");
    }

    public static ObjectNode planJson(MigrationPlan plan) {
        ObjectNode node = JSON.createObjectNode();
        node.put("migration", plan.spec().id()).put("description", plan.spec().description())
                .put("file", plan.spec().file().toString());
        node.putObject("source").put("dataset", plan.source().name()).put("location", plan.sourceLocation())
                .put("version", plan.sourceVersion());
        node.putObject("target").put("dataset", plan.target().name()).put("location", plan.targetLocation())
                .put("mode", plan.spec().mode().label()).put("currentVersion", plan.snapshotVersion().orElse(null));
        ObjectNode lookups = node.putObject("lookups");
        plan.lookupVersions().forEach(lookups::put);
        ArrayNode schema = node.putArray("schemaChanges");
        for (ColumnChange c : plan.diff().changes()) {
            schema.addObject().put("kind", c.kind()).put("from", c.from()).put("to", c.to())
                    .put("fromType", c.fromType()).put("toType", c.toType()).put("breaking", c.breaking());
        }
        ArrayNode batches = node.putArray("batches");
        plan.batches().forEach(b -> batches.addObject().put("id", b.id()).put("predicate", b.predicate())
                .put("estimatedRows", b.estimatedRows()));
        ArrayNode consumers = node.putArray("consumers");
        plan.consumers().forEach(c -> consumers.addObject().put("name", c.name()).put("strategy", c.strategy().label())
                .put("wave", c.wave()).put("contact", c.contact().orElse(null)));
        node.put("written", false);
        return node;
    }

    public static void result(PrintStream out, MigrationResult r) {
        switch (r.outcome()) {
            case ALREADY_APPLIED -> out.printf("%s: %s%n", r.migration(), r.message());
            case SUCCEEDED -> {
                out.printf("run %s: %s succeeded%s: %,d rows written, %,d quarantined, target version %d%n",
                        r.runId(), r.migration(), r.resumed() ? " (resumed)" : "", r.rowsWritten(), r.rowsQuarantined(),
                        r.targetVersion());
                checks(out, r.checks());
                if (r.rowsQuarantined() > 0) {
                    out.println("  warning: " + r.message());
                }
                if (r.rowsRetried() > 0) {
                    out.printf("  warning: a per-row step tried %,d rows more than once; %,d of them then succeeded%n",
                            r.rowsRetried(), r.rowsRecovered());
                }
            }
            case FAILED -> {
                out.printf("run %s: %s FAILED; nothing was published%n", r.runId(), r.migration());
                checks(out, r.checks());
            }
        }
    }

    /** One line: each phase's seconds, in the order the run met them. */
    public static void timings(PrintStream out, java.util.Map<String, Double> timings) {
        out.println("  timings: " + String.join(", ", timings.entrySet().stream()
                .map(e -> String.format("%s %.2f s", e.getKey(), e.getValue())).toList()));
    }

    /** A time as the console shows it: UTC, to the second. */
    public static String time(java.time.Instant instant) {
        return instant.truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString();
    }

    public static void runs(PrintStream out, List<RunRecord> runs) {
        if (runs.isEmpty()) {
            out.println("no runs in the ledger yet");
            return;
        }
        out.printf("%-24s %-22s %-12s %-10s %8s %8s  %s%n", "RUN", "MIGRATION", "STATUS", "TARGET", "SNAPSHOT", "VERSION", "UPDATED");
        for (RunRecord r : runs) {
            out.printf("%-24s %-22s %-12s %-10s %8s %8s  %s%n", r.runId(), r.migration(), r.status().label(), r.target(),
                    r.snapshotVersion().map(String::valueOf).orElse("none"), r.targetVersion().map(String::valueOf).orElse("-"),
                    r.eventTime());
        }
    }

    public static void requests(PrintStream out, List<dev.drover.ledger.RequestRecord> requests) {
        if (requests.isEmpty()) {
            out.println("no agent requests in the ledger yet");
            return;
        }
        // ids are whatever the requester chose (a UUID by default): columns as wide as their content
        int id = width("REQUEST", requests.stream().map(dev.drover.ledger.RequestRecord::requestId));
        int target = width("TARGET", requests.stream().map(dev.drover.ledger.RequestRecord::target));
        int requester = width("REQUESTER", requests.stream().map(dev.drover.ledger.RequestRecord::requester));
        String format = "%-" + id + "s %-9s %-" + target + "s %-" + requester + "s %-12s %-24s %4s  %s%s%n";
        out.printf(format, "REQUEST", "KIND", "TARGET", "REQUESTER", "STATUS", "RUN", "EXIT", "UPDATED", "");
        for (var r : requests) {
            out.printf(format, r.requestId(), r.kind(), r.target(), r.requester(), r.status().label(), r.runId().isEmpty() ? "-" : r.runId(),
                    r.exitCode(), time(r.eventTime()), r.message().isEmpty() ? "" : "  " + r.message());
        }
    }

    private static int width(String header, java.util.stream.Stream<String> values) {
        return Math.max(header.length(), values.mapToInt(String::length).max().orElse(0));
    }

    public static ArrayNode requestsJson(List<dev.drover.ledger.RequestRecord> requests) {
        ArrayNode array = JSON.createArrayNode();
        requests.forEach(r -> array.addObject().put("request", r.requestId()).put("kind", r.kind()).put("target", r.target())
                .put("requester", r.requester()).put("status", r.status().label()).put("run", r.runId().isEmpty() ? null : r.runId())
                .put("exitCode", r.exitCode()).put("replied", r.replied()).put("message", r.message())
                .put("updated", r.eventTime().toString()));
        return array;
    }

    public static ArrayNode runsJson(List<RunRecord> runs) {
        ArrayNode array = JSON.createArrayNode();
        runs.forEach(r -> array.add(runJson(r)));
        return array;
    }

    public static ObjectNode runJson(RunRecord r) {
        return JSON.createObjectNode().put("run", r.runId()).put("migration", r.migration())
                .put("status", r.status().label()).put("source", r.source()).put("sourceVersion", r.sourceVersion())
                .put("target", r.target()).put("targetLocation", r.targetLocation()).put("mode", r.mode().label())
                .put("snapshotVersion", r.snapshotVersion().orElse(null)).put("targetVersion", r.targetVersion().orElse(null))
                .put("message", r.message()).put("updated", r.eventTime().toString());
    }

    public static void run(PrintStream out, RunView v) {
        RunRecord r = v.run();
        out.printf("run %s  %s  %s%s%n", r.runId(), r.migration(), r.status().label(), v.active() ? " (active)" : "");
        out.printf("  source %s at version %d -> target %s (%s), snapshot %s, now version %s%n", r.source(),
                r.sourceVersion(), r.target(), r.mode().label(), r.snapshotVersion().map(s -> "version " + s).orElse("none (new table)"),
                r.targetVersion().map(String::valueOf).orElse("-"));
        if (!r.message().isEmpty()) {
            out.println("  " + r.message());
        }
        out.printf("  batches %d of %d committed%n", v.committedBatches(), v.batches().size());
        for (StageRecord s : v.stages()) {
            String seconds = s.endedAt().map(end -> String.valueOf(java.time.Duration.between(s.startedAt(), end).toSeconds())).orElse("-");
            out.printf("  %-9s %-9s %4ss  (expected %s)%n", s.stage().label(), s.outcome().label(), seconds, s.expectedRuntime());
        }
        checks(out, v.checks());
        List<String> breaking = v.schemaChanges().stream().filter(SchemaChangeRecord::breaking)
                .map(c -> c.fromColumn().or(c::toColumn).orElse("") + " " + c.kinds()).toList();
        if (!v.schemaChanges().isEmpty()) {
            out.printf("  schema: %d columns compared (old and new), %s%n", v.schemaChanges().size(),
                    breaking.isEmpty() ? "no breaking change" : "breaking: " + String.join(", ", breaking));
        }
        v.quarantineByStep().forEach((step, rows) -> out.printf("  quarantined %,d rows at %s%n", rows, step));
        if (!v.events().isEmpty()) {
            var byStatus = new java.util.TreeMap<String, Long>();
            v.events().forEach(e -> byStatus.merge(e.status().label(), 1L, Long::sum));
            out.printf("  consumer events: %s%n", String.join(", ", byStatus.entrySet().stream()
                    .map(e -> e.getValue() + " " + e.getKey()).toList()));
            v.events().stream().limit(20).forEach(e -> out.printf("    %-11s %-12s %-24s %-10s %-10s %s%s%s%n", e.status().label(), e.type().label(),
                    e.consumer(), e.strategy().label() + (e.strategy() == dev.drover.model.UpdateStrategy.PHASED ? " " + e.wave() : ""), e.channel().label(), e.topic(),
                    e.detail().isEmpty() ? "" : "  " + e.detail(), e.error().isEmpty() ? "" : "  (" + e.error() + ")"));
            if (v.events().size() > 20) {
                out.printf("    ... and %d more%n", v.events().size() - 20);
            }
        }
    }

    /** Checks, failed ones first with what was expected and observed; passed ones one per line. */
    public static void checks(PrintStream out, List<CheckResult> checks) {
        if (checks.isEmpty()) {
            return;
        }
        long failed = checks.stream().filter(c -> !c.passed()).count();
        out.printf("  checks: %d passed, %d failed%n", checks.size() - failed, failed);
        checks.stream().filter(c -> !c.passed()).forEach(c -> out.println("    " + c.line()));
        checks.stream().filter(CheckResult::passed).forEach(c -> out.println("    " + c.line()));
    }

    public static void validation(PrintStream out, ValidationResult r) {
        out.printf("run %s: %s validation %s%n", r.runId(), r.migration(), r.passed() ? "passed" : "FAILED");
        checks(out, r.checks());
        r.schema().lines().stream().filter(l -> !l.startsWith("    ")).forEach(l -> out.println("  " + l.trim()));
    }

    public static ObjectNode validationJson(ValidationResult r) {
        ObjectNode node = JSON.createObjectNode().put("run", r.runId()).put("migration", r.migration()).put("passed", r.passed());
        node.set("checks", checksJson(r.checks()));
        ArrayNode schema = node.putArray("schemaChanges");
        for (ColumnChange c : r.schema().changes()) {
            schema.addObject().put("kind", c.kind()).put("from", c.from()).put("to", c.to()).put("fromType", c.fromType())
                    .put("toType", c.toType()).put("breaking", c.breaking());
        }
        return node;
    }

    public static ArrayNode checksJson(List<CheckResult> checks) {
        ArrayNode array = JSON.createArrayNode();
        checks.forEach(c -> array.addObject().put("kind", c.kind().label()).put("check", c.name()).put("passed", c.passed())
                .put("warning", c.warning()).put("expected", c.expected()).put("observed", c.observed()));
        return array;
    }

    public static ObjectNode runViewJson(RunView v) {
        ObjectNode node = runJson(v.run());
        node.put("active", v.active());
        ArrayNode stages = node.putArray("stages");
        for (StageRecord s : v.stages()) {
            ObjectNode st = stages.addObject().put("stage", s.stage().label()).put("outcome", s.outcome().label())
                    .put("startedAt", s.startedAt().toString())
                    .put("endedAt", s.endedAt().map(Object::toString).orElse(null))
                    .put("expectedRuntime", s.expectedRuntime()).put("rollback", s.rollback())
                    .put("successCriteria", s.successCriteria());
            try {
                st.set("detail", JSON.readTree(s.detail()));
            } catch (Exception e) {
                st.put("detail", s.detail());
            }
        }
        ArrayNode batches = node.putArray("batches");
        for (BatchRecord b : v.batches()) {
            batches.addObject().put("id", b.batchId()).put("status", b.status().label()).put("rowsWritten", b.rowsWritten())
                    .put("rowsQuarantined", b.rowsQuarantined()).put("rowsRetried", b.rowsRetried())
                    .put("rowsRecovered", b.rowsRecovered()).put("targetVersion", b.targetVersion().orElse(null));
        }
        node.set("checks", checksJson(v.checks()));
        ObjectNode quarantine = node.putObject("quarantinedByStep");
        v.quarantineByStep().forEach(quarantine::put);
        ArrayNode events = node.putArray("events");
        v.events().forEach(e -> events.addObject().put("eventId", e.eventId()).put("consumer", e.consumer()).put("type", e.type().label())
                .put("strategy", e.strategy().label()).put("wave", e.wave()).put("channel", e.channel().label()).put("topic", e.topic())
                .put("status", e.status().label()).put("attempts", e.attempts()).put("error", e.error()).put("detail", e.detail()));
        return node;
    }

    public static void history(PrintStream out, String dataset, List<HistoryEntry> entries) {
        out.printf("history of %s (newest first)%n", dataset);
        out.printf("%7s  %-23s %-10s %-24s %-10s %-10s %5s %-12s %10s%n", "VERSION", "TIMESTAMP", "OPERATION", "RUN",
                "MIGRATION", "STAGE", "BATCH", "RUN STATUS", "ROWS");
        for (HistoryEntry e : entries) {
            out.printf("%7d  %-23s %-10s %-24s %-10s %-10s %5s %-12s %10s%n", e.version(), e.timestamp(), e.operation(),
                    nz(e.run()), nz(e.migration()), nz(e.stage()), e.batch() == null ? "" : e.batch(), nz(e.runStatus()),
                    e.rows() == null ? "" : e.rows());
        }
    }

    public static ArrayNode historyJson(List<HistoryEntry> entries) {
        ArrayNode array = JSON.createArrayNode();
        for (HistoryEntry e : entries) {
            array.addObject().put("version", e.version()).put("timestamp", e.timestamp().toInstant().toString())
                    .put("operation", e.operation()).put("run", e.run()).put("migration", e.migration())
                    .put("stage", e.stage()).put("batch", e.batch()).put("runStatus", e.runStatus()).put("rows", e.rows());
        }
        return array;
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }
}
