package dev.drover.view;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.drover.impact.ConsumerImpact;
import dev.drover.impact.ImpactClass;
import dev.drover.impact.QueryImpact;
import java.io.PrintStream;
import java.util.List;

/** Impact analysis for people (one line per consumer, one per query) and for scripts (JSON). */
public final class ImpactView {
    private ImpactView() {
    }

    public static void print(PrintStream out, String migration, List<ConsumerImpact> consumers) {
        out.println("Impact of " + migration + " on " + consumers.size() + " consumer" + (consumers.size() == 1 ? "" : "s") + ":");
        for (ConsumerImpact c : consumers) {
            if (!c.declared()) {
                out.println("  " + c.consumer() + "  declares no queries (drover.dev/queries or drover.dev/query.<name>): told by event only");
                continue;
            }
            out.println("  " + c.consumer() + "  " + c.impact().label() + "  (" + c.queries().size() + " quer"
                    + (c.queries().size() == 1 ? "y" : "ies") + ": " + c.count(ImpactClass.UNAFFECTED) + " unaffected, "
                    + c.count(ImpactClass.REWRITABLE) + " rewritable, " + c.count(ImpactClass.NEEDS_PERSON) + " need a person"
                    + c.commit().map(id -> "; read at " + id.substring(0, Math.min(12, id.length()))).orElse("") + ")");
            c.problem().ifPresent(p -> out.println("    ! " + p));
            for (QueryImpact q : c.queries()) {
                out.println("    " + q.query() + "  " + q.impact().label() + (q.runnable() ? "" : " (not a query)")
                        + (q.reasons().isEmpty() ? "" : "  " + String.join("; ", q.reasons())));
            }
        }
    }

    public static ArrayNode json(List<ConsumerImpact> consumers) {
        ArrayNode out = Render.JSON.createArrayNode();
        for (ConsumerImpact c : consumers) {
            ObjectNode o = out.addObject();
            o.put("consumer", c.consumer());
            o.put("declaresQueries", c.declared());
            o.put("impact", c.declared() ? c.impact().label() : null);
            o.put("commit", c.commit().orElse(null));
            o.put("problem", c.problem().orElse(null));
            ArrayNode queries = o.putArray("queries");
            c.queries().forEach(q -> queries.add(json(q)));
        }
        return out;
    }

    public static ObjectNode json(QueryImpact q) {
        ObjectNode o = Render.JSON.createObjectNode();
        o.put("query", q.query());
        o.put("impact", q.impact().label());
        ArrayNode reads = o.putArray("reads");
        q.reads().forEach(reads::add);
        ArrayNode reasons = o.putArray("reasons");
        q.reasons().forEach(reasons::add);
        o.put("runnable", q.runnable());
        o.put("rewritten", q.impact() == ImpactClass.NEEDS_PERSON ? null : q.rewritten().orElse(null));
        ArrayNode parameters = o.putArray("parameters");
        q.parameters().forEach(parameters::add);
        o.put("analysisMillis", Math.round(q.millis() * 10) / 10.0);
        return o;
    }
}
