package dev.drover.impact;

import static dev.drover.impact.Trees.children;
import static dev.drover.impact.Trees.list;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.ExprId;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.NamedExpression;
import org.apache.spark.sql.catalyst.expressions.SubqueryExpression;
import org.apache.spark.sql.catalyst.plans.logical.Aggregate;
import org.apache.spark.sql.catalyst.plans.logical.CTERelationDef;
import org.apache.spark.sql.catalyst.plans.logical.CTERelationRef;
import org.apache.spark.sql.catalyst.plans.logical.Expand;
import org.apache.spark.sql.catalyst.plans.logical.LocalRelation;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.catalyst.plans.logical.Project;
import org.apache.spark.sql.catalyst.plans.logical.Union;
import org.apache.spark.sql.catalyst.plans.logical.WithCTE;
import org.apache.spark.sql.types.Metadata;

/**
 * Which columns of a marked relation an analyzed plan really reads: walks the plan from its
 * output down, keeping only the attributes each operator needs (a CTE's or subquery's unused
 * columns, a {@code *} that an outer query narrows, are not reads), so a query that never
 * touches a removed column is not held up by it.
 */
final class ReadColumns {
    /** The metadata key that marks the columns of the dataset whose reads are wanted. */
    static final String MARK = "drover.impact.marked";

    private final Set<String> reads = new LinkedHashSet<>();
    private final Map<Long, Set<Integer>> cteNeeds = new HashMap<>();
    private final Map<Long, CTERelationDef> cteDefs = new HashMap<>();

    static Set<String> of(LogicalPlan analyzed) {
        ReadColumns r = new ReadColumns();
        r.needAll(analyzed);
        return r.reads;
    }

    static boolean marked(Attribute a) {
        Metadata m = a.metadata();
        return m.contains(MARK);
    }

    private void needAll(LogicalPlan p) {
        Set<ExprId> all = new HashSet<>();
        list(p.output()).forEach(a -> all.add(a.exprId()));
        need(p, all);
    }

    private void need(LogicalPlan p, Set<ExprId> required) {
        if (p instanceof LocalRelation) {
            for (Attribute a : list(p.output())) {
                if (marked(a) && required.contains(a.exprId())) {
                    reads.add(a.name());
                }
            }
            return;
        }
        if (p instanceof WithCTE w) {
            for (CTERelationDef d : list(w.cteDefs())) {
                cteDefs.put(d.id(), d);
            }
            need(w.plan(), required);
            List<CTERelationDef> defs = new ArrayList<>(list(w.cteDefs()));
            java.util.Collections.reverse(defs);
            for (CTERelationDef d : defs) {
                Set<Integer> positions = cteNeeds.getOrDefault(d.id(), Set.of());
                List<Attribute> out = list(d.child().output());
                Set<ExprId> req = new HashSet<>();
                positions.forEach(i -> req.add(out.get(i).exprId()));
                need(d.child(), req);
            }
            return;
        }
        if (p instanceof CTERelationRef ref) {
            List<Attribute> out = list(ref.output());
            Set<Integer> positions = cteNeeds.computeIfAbsent(ref.cteId(), k -> new HashSet<>());
            for (int i = 0; i < out.size(); i++) {
                if (required.contains(out.get(i).exprId())) {
                    positions.add(i);
                }
            }
            return;
        }
        Set<ExprId> childRequired = new HashSet<>();
        List<Expression> used = new ArrayList<>();
        if (p instanceof Project pr) {
            for (Object o : list(pr.projectList())) {
                NamedExpression e = (NamedExpression) o;
                if (required.contains(e.exprId())) {
                    used.add((Expression) (Object) e);
                }
            }
        } else if (p instanceof Aggregate ag) {
            used.addAll(list(ag.groupingExpressions()));
            for (Object o : list(ag.aggregateExpressions())) {
                NamedExpression e = (NamedExpression) o;
                if (required.contains(e.exprId())) {
                    used.add((Expression) (Object) e);
                }
            }
        } else if (p instanceof Expand ex) {
            // GROUPING SETS, ROLLUP, CUBE: each projection's column i feeds output column i
            List<Attribute> out = list(ex.output());
            for (int i = 0; i < out.size(); i++) {
                if (required.contains(out.get(i).exprId())) {
                    for (scala.collection.Seq<Expression> projection : list(ex.projections())) {
                        List<Expression> items = list(projection);
                        if (i < items.size()) {
                            used.add(items.get(i));
                        }
                    }
                }
            }
        } else if (p instanceof Union) {
            List<Attribute> out = list(p.output());
            for (LogicalPlan c : children(p)) {
                List<Attribute> co = list(c.output());
                Set<ExprId> req = new HashSet<>();
                for (int i = 0; i < out.size() && i < co.size(); i++) {
                    if (required.contains(out.get(i).exprId())) {
                        req.add(co.get(i).exprId());
                    }
                }
                need(c, req);
            }
            return;
        } else {
            childRequired.addAll(required);
            used.addAll(Trees.expressions(p));
            if (isDistinctLike(p)) {
                for (LogicalPlan c : children(p)) {
                    list(c.output()).forEach(a -> childRequired.add(a.exprId()));
                }
            }
        }
        for (Expression e : used) {
            list(e.references().toSeq()).forEach(a -> childRequired.add(a.exprId()));
            Trees.eachExpression(e, x -> {
                if (x instanceof SubqueryExpression sq) {
                    needAll(sq.plan());
                }
            });
        }
        for (LogicalPlan c : children(p)) {
            need(c, childRequired);
        }
    }

    private static boolean isDistinctLike(LogicalPlan p) {
        String n = p.nodeName();
        return n.equals("Distinct") || n.equals("Deduplicate") || n.equals("Intersect") || n.equals("Except");
    }
}
