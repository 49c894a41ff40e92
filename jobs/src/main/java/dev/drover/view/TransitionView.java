package dev.drover.view;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.drover.ledger.SyncRecord;
import dev.drover.model.RetireResult;
import dev.drover.model.SyncKind;
import dev.drover.model.SyncResult;
import dev.drover.transition.TransitionStatus;
import dev.drover.transition.Window;
import java.io.PrintStream;
import java.time.Instant;
import java.util.List;

/** How syncs, transition windows and retirements are shown: text for people, JSON for scripts. */
public final class TransitionView {
    private TransitionView() {}

    public static void sync(PrintStream out, SyncResult r) {
        String range = r.fromVersion() > r.toVersion() ? "" : " versions " + r.fromVersion() + ".." + r.toVersion();
        switch (r.outcome()) {
            case UP_TO_DATE -> out.printf("sync %s: %s up to date: %s%n", r.syncId(), r.migration(), r.message());
            case VERIFIED, VERIFY_FAILED -> out.printf("sync %s: %s full check %s at source version %d%n", r.syncId(), r.migration(),
                    r.outcome() == SyncResult.Outcome.VERIFIED ? "passed" : "FAILED", r.toVersion());
            case RESNAPSHOT -> out.printf("sync %s: %s resnapshot: the whole migration ran again from source version %d, %,d rows, target version %d%n",
                    r.syncId(), r.migration(), r.toVersion(), r.changeRows(), r.targetVersion());
            default -> out.printf("sync %s: %s%s %s%s: %,d keys changed: %,d inserted, %,d updated, %,d deleted, %,d quarantined%s; target version %d%n",
                    r.syncId(), r.migration(), range, r.outcome() == SyncResult.Outcome.SYNCED ? "synced" : "FAILED, target restored",
                    r.resumed() ? " (resumed)" : "", r.changeRows(), r.inserted(), r.updated(), r.deleted(), r.quarantined(),
                    r.removed() > 0 ? String.format(", %,d removed by steps", r.removed()) : "", r.targetVersion());
        }
        if (!r.checks().isEmpty()) {
            Render.checks(out, r.checks());
        }
        if (!r.outcome().passed()) {
            out.println("  " + r.message());
        }
    }

    public static ObjectNode syncJson(SyncResult r) {
        ObjectNode n = Render.JSON.createObjectNode();
        n.put("sync", r.syncId());
        n.put("migration", r.migration());
        n.put("outcome", r.outcome().label());
        n.put("passed", r.outcome().passed());
        n.put("resumed", r.resumed());
        n.put("fromVersion", r.fromVersion());
        n.put("toVersion", r.toVersion());
        n.put("targetVersion", r.targetVersion());
        n.put("changeRows", r.changeRows());
        n.put("inserted", r.inserted());
        n.put("updated", r.updated());
        n.put("deleted", r.deleted());
        n.put("quarantined", r.quarantined());
        n.put("removed", r.removed());
        n.put("message", r.message());
        n.set("checks", Render.checksJson(r.checks()));
        return n;
    }

    /** Each window: its source's lag, its syncs, its consumers moved or not, and its deadline. */
    public static void transitions(PrintStream out, List<TransitionStatus> statuses, java.time.Duration maxLag) {
        if (statuses.isEmpty()) {
            out.println("No transition windows: no new-table migration with dual-write consumers of its source has run.");
            return;
        }
        for (TransitionStatus s : statuses) {
            Window w = s.window();
            out.printf("%s  %s -> %s  %s since run %s%s%n", w.migration(), w.source(), w.target(),
                    w.open() ? "open" : "RETIRED " + Render.time(w.retired().get().eventTime()) + ", open", w.base().runId(),
                    w.deadline().map(d -> "  deadline " + d + (s.overdue() ? " (PASSED)" : "")).orElse(""));
            out.printf("  source    %s latest v%d; %s in step with v%d; lag %d version(s)%s%n", w.source(), s.sourceLatest(), w.target(),
                    w.lastSynced(), s.lagVersions(), s.lagVersions() == 0 ? "" : ", " + minutes(s.lag()) + (s.lagOver(maxLag)
                            ? " (over the " + minutes(maxLag) + " limit)" : ""));
            out.printf("  syncs     %d done, %d failed%s%n", w.syncsDone(), w.syncsFailed(), w.syncs().isEmpty() ? ""
                    : "; last " + describe(w.syncs().get(w.syncs().size() - 1)));
            out.printf("  consumers %d of %d moved%n", w.consumers().size() - w.notMoved().size(), w.consumers().size());
            int width = w.consumers().stream().mapToInt(c -> c.consumer().name().length()).max().orElse(8);
            for (Window.ConsumerState c : w.consumers()) {
                out.printf("    %-" + width + "s  %-10s  %-16s  %s%n", c.consumer().name(), c.consumer().strategy().label(),
                        c.deadline().map(d -> "until " + d).orElse(""), c.moved().map(m -> "moved (" + m.how()
                                + (m.how().equals("declared") && !m.by().isEmpty() ? " by " + m.by() : "") + " " + Render.time(m.at()) + ")")
                                .orElse("not moved"));
            }
        }
    }

    private static String describe(SyncRecord s) {
        String what = s.kind() == SyncKind.SYNC ? "sync" : s.kind().label();
        return what + " " + s.syncId() + " " + s.status().label() + " (versions " + s.range() + ", " + Render.time(s.eventTime())
                + (s.kind() == SyncKind.SYNC && s.status() == dev.drover.model.SyncStatus.SUCCEEDED
                ? ": " + s.inserted() + " inserted, " + s.updated() + " updated, " + s.deleted() + " deleted" : "") + ")";
    }

    private static String minutes(java.time.Duration d) {
        long m = d.toMinutes();
        return m >= 120 ? d.toHours() + " h" : m + " min";
    }

    public static ArrayNode transitionsJson(List<TransitionStatus> statuses, java.time.Duration maxLag) {
        ArrayNode out = Render.JSON.createArrayNode();
        for (TransitionStatus s : statuses) {
            Window w = s.window();
            ObjectNode n = out.addObject();
            n.put("migration", w.migration());
            n.put("source", w.source());
            n.put("target", w.target());
            n.put("baseRun", w.base().runId());
            n.put("status", w.open() ? "open" : "retired");
            n.put("retiredAt", w.retired().map(r -> r.eventTime().toString()).orElse(null));
            n.put("sourceLatest", s.sourceLatest());
            n.put("lastSynced", w.lastSynced());
            n.put("lagVersions", s.lagVersions());
            n.put("lagSeconds", s.lag().toSeconds());
            n.put("lagOverLimit", s.lagOver(maxLag));
            n.put("deadline", w.deadline().map(Object::toString).orElse(null));
            n.put("deadlinePassed", s.overdue());
            n.put("syncsDone", w.syncsDone());
            n.put("syncsFailed", w.syncsFailed());
            ArrayNode syncs = n.putArray("syncs");
            for (SyncRecord r : w.syncs()) {
                ObjectNode o = syncs.addObject();
                o.put("sync", r.syncId());
                o.put("kind", r.kind().label());
                o.put("status", r.status().label());
                o.put("fromVersion", r.fromVersion());
                o.put("toVersion", r.toVersion());
                if (r.targetAfter().isPresent()) {
                    o.put("targetVersion", r.targetAfter().get());
                } else {
                    o.putNull("targetVersion");
                }
                o.put("inserted", r.inserted());
                o.put("updated", r.updated());
                o.put("deleted", r.deleted());
                o.put("quarantined", r.quarantined());
                o.put("startedAt", r.startedAt().toString());
                o.put("endedAt", r.eventTime().toString());
                o.put("message", r.message());
            }
            ArrayNode consumers = n.putArray("consumers");
            for (Window.ConsumerState c : w.consumers()) {
                ObjectNode o = consumers.addObject();
                o.put("name", c.consumer().name());
                o.put("strategy", c.consumer().strategy().label());
                o.put("deadline", c.deadline().map(Object::toString).orElse(null));
                o.put("moved", c.hasMoved());
                o.put("how", c.moved().map(Window.Adoption::how).orElse(null));
                o.put("by", c.moved().map(Window.Adoption::by).orElse(null));
                o.put("at", c.moved().map(m -> m.at().toString()).orElse(null));
            }
        }
        return out;
    }

    public static void retire(PrintStream out, RetireResult r) {
        out.printf("retire %s: %s retired%s; %s in step with it up to version %d (%s version %d)%n", r.migration(), r.source(),
                r.forced() ? " with --force (not moved: " + String.join(", ", r.notMoved()) + ")" : "", r.target(), r.syncedTo(), r.target(),
                r.targetVersion());
        out.printf("  told      %s%n", r.told().isEmpty() ? "no new event (written before)"
                : r.told().size() + " consumer(s) in the outbox (dev.drover.dataset.retired): " + String.join(", ", r.told())
                        + "; drover notify publishes them");
        out.printf("  %s properties drover.retired, drover.successor, drover.retired-on set (version %d)%n", r.source(), r.propertiesVersion());
        out.printf("  catalog   %s%s%n", r.catalogWritten() ? "" : "NOT written, make this change: ", r.catalogChange());
    }

    public static ObjectNode retireJson(RetireResult r) {
        ObjectNode n = Render.JSON.createObjectNode();
        n.put("migration", r.migration());
        n.put("source", r.source());
        n.put("target", r.target());
        n.put("syncedTo", r.syncedTo());
        n.put("targetVersion", r.targetVersion());
        ArrayNode told = n.putArray("told");
        r.told().forEach(told::add);
        n.put("propertiesVersion", r.propertiesVersion());
        n.put("catalogWritten", r.catalogWritten());
        n.put("catalogChange", r.catalogChange());
        n.put("forced", r.forced());
        ArrayNode notMoved = n.putArray("notMoved");
        r.notMoved().forEach(notMoved::add);
        return n;
    }

    static String time(Instant at) {
        return Render.time(at);
    }
}
