package dev.drover.view;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.drover.catalog.ConsumerEntity;
import dev.drover.ledger.FleetRecord;
import dev.drover.ledger.WaveRecord;
import dev.drover.ledger.WaveRunRecord;
import dev.drover.model.FleetEvent;
import dev.drover.model.Quota;
import dev.drover.model.WaveOutcome;
import dev.drover.plan.MigrationPlan;
import dev.drover.wave.WaveResult;
import dev.drover.wave.WaveRunner;
import java.io.PrintStream;
import java.util.List;
import java.util.function.Function;

/** How a wave's dry run and its end read on the console and as JSON. */
public final class WaveView {
    private WaveView() {}

    public static void preview(PrintStream out, String selection, List<WaveRunner.Preview> previews, List<String> applied,
                               int parallel, Function<WaveRunner.Preview, Quota> quota) {
        out.printf("Wave of %s: %d migration(s) to run, in this order, %d at once; %d applied before%n", selection,
                previews.size(), parallel, applied.size());
        int n = 0;
        for (WaveRunner.Preview p : previews) {
            Quota q = quota.apply(p);
            out.printf("  %3d  %-28s after %s%n", ++n, p.item().id(), p.item().after().isEmpty() ? "-" : String.join(", ", p.item().after()));
            out.printf("       %s -> %s; pool weight %d, min-share %d, max-tasks %s%n", p.item().spec().source(), p.item().spec().target(),
                    q.weight(), q.minShare(), q.limitsTasks() ? String.valueOf(q.maxTasks()) : "no limit");
            if (p.plan().isPresent()) {
                MigrationPlan plan = p.plan().get();
                out.printf("       batches %d, about %,d rows; consumers %s%n", plan.batches().size(), plan.estimatedRows(),
                        plan.consumers().isEmpty() ? "none" : String.join(", ", plan.consumers().stream().map(ConsumerEntity::name).toList()));
            } else {
                out.printf("       %s%n", p.note());
            }
        }
        if (!applied.isEmpty()) {
            out.printf("  applied before (not run): %s%n", String.join(", ", applied));
        }
        out.println("Nothing was written (dry run).");
    }

    public static ObjectNode previewJson(String selection, List<WaveRunner.Preview> previews, List<String> applied, int parallel,
                                         Function<WaveRunner.Preview, Quota> quota) {
        ObjectNode node = Render.JSON.createObjectNode();
        node.put("selection", selection).put("parallel", parallel);
        ArrayNode items = node.putArray("migrations");
        for (WaveRunner.Preview p : previews) {
            ObjectNode item = items.addObject();
            item.put("migration", p.item().id()).put("source", p.item().spec().source()).put("target", p.item().spec().target());
            p.item().after().forEach(item.putArray("after")::add);
            Quota q = quota.apply(p);
            item.putObject("quota").put("weight", q.weight()).put("minShare", q.minShare()).put("maxTasks", q.maxTasks());
            if (p.plan().isPresent()) {
                item.put("batches", p.plan().get().batches().size()).put("estimatedRows", p.plan().get().estimatedRows());
                ArrayNode consumers = item.putArray("consumers");
                p.plan().get().consumers().forEach(c -> consumers.add(c.name()));
            } else {
                item.putNull("batches").put("note", p.note());
            }
        }
        applied.forEach(node.putArray("alreadyApplied")::add);
        node.put("written", false);
        return node;
    }

    public static void result(PrintStream out, WaveResult r) {
        out.printf("wave %s %s: %d passed, %d failed and rolled back, %d skipped, %d held by another run; %d applied before; "
                        + "%,d rows in %.1f s%n", r.waveId(), r.passed() ? "succeeded" : "failed",
                r.count(WaveOutcome.PASSED) + r.count(WaveOutcome.ALREADY_APPLIED), r.count(WaveOutcome.FAILED),
                r.count(WaveOutcome.SKIPPED), r.count(WaveOutcome.HELD), r.alreadyApplied().size(), r.rowsWritten(), r.seconds());
        table(out, r.runs());
    }

    public static void waves(PrintStream out, List<WaveRecord> waves) {
        if (waves.isEmpty()) {
            out.println("no waves in the ledger");
            return;
        }
        out.printf("%-24s %-10s %5s %7s %6s %5s %5s  %-20s %-20s %s%n", "WAVE", "STATUS", "RUNS", "PASSED", "FAILED", "HELD",
                "SKIP", "STARTED", "ENDED", "SELECTION");
        for (WaveRecord w : waves) {
            out.printf("%-24s %-10s %5d %7d %6d %5d %5d  %-20s %-20s %s%n", w.waveId(), w.status().label(), w.migrations(), w.passed(),
                    w.failed(), w.held(), w.skipped(), Render.time(w.startedAt()), w.endedAt().map(Render::time).orElse("-"),
                    w.selection());
        }
    }

    public static ArrayNode wavesJson(List<WaveRecord> waves) {
        ArrayNode array = Render.JSON.createArrayNode();
        waves.forEach(w -> array.add(waveRecordJson(w)));
        return array;
    }

    public static void wave(PrintStream out, WaveRecord w, List<WaveRunRecord> runs, List<FleetRecord> fleet) {
        out.printf("wave %s: %s; selection %s; started %s%s on %s (pid %d)%n", w.waveId(), w.status().label(), w.selection(),
                Render.time(w.startedAt()), w.endedAt().map(e -> ", ended " + Render.time(e)).orElse(""), w.host(), w.pid());
        out.printf("  %d migrations: %d passed, %d failed, %d held, %d skipped; %d applied before%n", w.migrations(), w.passed(),
                w.failed(), w.held(), w.skipped(), w.alreadyApplied());
        table(out, runs);
        if (fleet.isEmpty()) {
            out.println("  fleet: no executor changes recorded (a local master has none)");
            return;
        }
        out.printf("  fleet: %d added, %d removed, %d requests; at most %d executors%n", count(fleet, FleetEvent.ADDED),
                count(fleet, FleetEvent.REMOVED), count(fleet, FleetEvent.REQUESTED),
                fleet.stream().mapToInt(FleetRecord::executors).max().orElse(0));
        out.printf("  %-20s %-10s %-9s %8s %9s  %s%n", "TIME", "EVENT", "EXECUTOR", "BACKLOG", "EXECUTORS", "REASON");
        for (FleetRecord f : fleet) {
            out.printf("  %-20s %-10s %-9s %8d %9d  %s%n", Render.time(f.eventTime()), f.event().label(), f.executor().isEmpty() ? "-" : f.executor(),
                    f.backlog(), f.executors(), f.reason());
        }
    }

    private static long count(List<FleetRecord> fleet, dev.drover.model.FleetEvent event) {
        return fleet.stream().filter(f -> f.event() == event).count();
    }

    public static ObjectNode waveJson(WaveRecord w, List<WaveRunRecord> runs, List<FleetRecord> fleet) {
        ObjectNode node = waveRecordJson(w);
        node.set("migrations", runsJson(runs));
        ArrayNode changes = node.putArray("fleet");
        fleet.forEach(f -> changes.addObject().put("time", f.eventTime().toString()).put("event", f.event().label())
                .put("executor", f.executor().isEmpty() ? null : f.executor()).put("host", f.host().isEmpty() ? null : f.host())
                .put("cores", f.cores()).put("backlog", f.backlog()).put("executors", f.executors()).put("reason", f.reason()));
        return node;
    }

    private static ObjectNode waveRecordJson(WaveRecord w) {
        ObjectNode node = Render.JSON.createObjectNode();
        node.put("wave", w.waveId()).put("status", w.status().label()).put("selection", w.selection())
                .put("startedAt", w.startedAt().toString()).put("endedAt", w.endedAt().map(Object::toString).orElse(null))
                .put("host", w.host()).put("pid", w.pid());
        node.putObject("counts").put("migrations", w.migrations()).put("passed", w.passed()).put("failed", w.failed())
                .put("held", w.held()).put("skipped", w.skipped()).put("alreadyApplied", w.alreadyApplied());
        return node;
    }

    private static void table(PrintStream out, List<WaveRunRecord> runs) {
        if (runs.isEmpty()) {
            return;
        }
        out.printf("  %-28s %-15s %-24s %12s %8s  %s%n", "MIGRATION", "OUTCOME", "RUN", "ROWS", "SECONDS", "NOTE");
        for (WaveRunRecord run : runs) {
            out.println(String.format("  %-28s %-15s %-24s %,12d %8.1f  %s", run.migration(), run.outcome().label(),
                    run.runId().isEmpty() ? "-" : run.runId(), run.rowsWritten(), run.seconds(),
                    run.outcome().passed() ? "" : run.message()).stripTrailing());
        }
    }

    private static ArrayNode runsJson(List<WaveRunRecord> list) {
        ArrayNode runs = Render.JSON.createArrayNode();
        for (WaveRunRecord run : list) {
            runs.addObject().put("migration", run.migration()).put("outcome", run.outcome().label())
                    .put("runId", run.runId().isEmpty() ? null : run.runId()).put("rowsWritten", run.rowsWritten())
                    .put("rowsQuarantined", run.rowsQuarantined()).put("seconds", Math.round(run.seconds() * 10) / 10.0)
                    .put("message", run.message()).put("endedAt", run.eventTime().toString());
        }
        return runs;
    }

    public static ObjectNode resultJson(WaveResult r) {
        ObjectNode node = Render.JSON.createObjectNode();
        node.put("wave", r.waveId()).put("selection", r.selection()).put("resumed", r.resumed()).put("passed", r.passed())
                .put("seconds", Math.round(r.seconds() * 10) / 10.0).put("rowsWritten", r.rowsWritten());
        ObjectNode counts = node.putObject("counts");
        for (WaveOutcome o : WaveOutcome.values()) {
            counts.put(o.label(), r.count(o));
        }
        node.set("migrations", runsJson(r.runs()));
        r.alreadyApplied().forEach(node.putArray("alreadyApplied")::add);
        return node;
    }
}
