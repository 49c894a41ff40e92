package dev.drover.impact;

import static dev.drover.impact.Trees.children;
import static dev.drover.impact.Trees.end;
import static dev.drover.impact.Trees.list;
import static dev.drover.impact.Trees.start;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.spark.sql.catalyst.analysis.UnresolvedAlias;
import org.apache.spark.sql.catalyst.analysis.UnresolvedAttribute;
import org.apache.spark.sql.catalyst.analysis.UnresolvedRelation;
import org.apache.spark.sql.catalyst.analysis.UnresolvedStar;
import org.apache.spark.sql.catalyst.analysis.UnresolvedSubqueryColumnAliases;
import org.apache.spark.sql.catalyst.expressions.Alias;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.SubqueryExpression;
import org.apache.spark.sql.catalyst.plans.NaturalJoin;
import org.apache.spark.sql.catalyst.plans.UsingJoin;
import org.apache.spark.sql.catalyst.plans.logical.Aggregate;
import org.apache.spark.sql.catalyst.plans.logical.Filter;
import org.apache.spark.sql.catalyst.plans.logical.Generate;
import org.apache.spark.sql.catalyst.plans.logical.Join;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.catalyst.plans.logical.Project;
import org.apache.spark.sql.catalyst.plans.logical.SubqueryAlias;
import org.apache.spark.sql.catalyst.plans.logical.UnresolvedWith;
import org.apache.spark.sql.catalyst.plans.logical.WithWindowDefinition;

/**
 * Walks a parsed (unresolved) plan with SQL's scoping rules to place, in the consumer's text,
 * every reference to the old dataset: its table references, the column identifiers that resolve
 * to its columns (through aliases, CTEs, subqueries, joins, correlated references, struct access),
 * and the stars that expand over it. The analyzer says which columns a query reads; this says
 * where each use is written, so the rewrite edits only those spans.
 */
final class ScopeWalker {
    /** A relation visible to a query block's expressions: a qualifier and its column names (lower case). */
    record Rel(String qualifier, List<String> columns, TableRef table) {
        boolean old() {
            return table != null && table.old();
        }
    }

    /** A table reference as written: its span, the dataset it names (empty when unknown), whether it has an alias. */
    record TableRef(UnresolvedRelation node, String written, int start, int end, Optional<String> dataset, boolean old,
                    boolean aliased) {
    }

    /** An identifier that resolves to one of the old dataset's columns; {@code start..end} is the column's part. */
    record ColumnRef(UnresolvedAttribute node, String column, Rel rel, int start, int end, int attrStart, int attrEnd,
                     boolean output, boolean last) {
    }

    /** A star over the old dataset (maybe with other relations) and the relations it expands. */
    record StarRef(UnresolvedStar node, List<Rel> rels, int start, int end, boolean output, boolean alone) {
    }

    private record Block(List<String> outputs, List<Rel> rels) {
    }

    private record Env(Map<String, List<String>> ctes, List<List<Rel>> outer) {
        Env withCte(String name, List<String> outputs) {
            Map<String, List<String>> next = new HashMap<>(ctes);
            next.put(name, outputs);
            return new Env(next, outer);
        }

        Env inside(List<Rel> rels) {
            List<List<Rel>> next = new ArrayList<>();
            next.add(rels);
            next.addAll(outer);
            return new Env(ctes, next);
        }
    }

    private final String text;
    private final TableNames names;
    private final String oldDataset;
    private final List<String> oldColumns;
    private final Map<String, List<String>> datasetColumns;
    final List<TableRef> tables = new ArrayList<>();
    final List<ColumnRef> columns = new ArrayList<>();
    final List<StarRef> stars = new ArrayList<>();
    final List<UnresolvedAttribute> parameters = new ArrayList<>();
    final Set<String> unknownTables = new LinkedHashSet<>();
    final Set<String> problems = new LinkedHashSet<>();
    /** Old columns named in {@code USING (…)} or joined by {@code NATURAL JOIN} (lower case; "*" for natural). */
    final Set<String> usingColumns = new LinkedHashSet<>();
    private final TemplateParameters template;

    /**
     * @param text           the query text the parser saw (template parameters masked)
     * @param datasetColumns every catalog dataset's column names (the old one's as it is at the pinned version)
     */
    ScopeWalker(String text, TemplateParameters template, TableNames names, String oldDataset,
                Map<String, List<String>> datasetColumns) {
        this.text = text;
        this.template = template;
        this.names = names;
        this.oldDataset = oldDataset;
        this.datasetColumns = datasetColumns;
        this.oldColumns = datasetColumns.get(oldDataset);
    }

    void walkQuery(LogicalPlan plan) {
        block(plan, new Env(Map.of(), List.of()));
    }

    private Block block(LogicalPlan p, Env env) {
        if (p instanceof UnresolvedWith w) {
            Env inner = env;
            for (scala.Tuple2<String, SubqueryAlias> cte : list(w.cteRelations())) {
                Block b = block(cte._2().child(), inner);
                inner = inner.withCte(lower(cte._1()), b.outputs());
            }
            return block(w.child(), inner);
        }
        if (p instanceof Project pr) {
            List<Rel> rels = from(pr.child(), env);
            select(exprs(pr.projectList()), rels, env);
            return new Block(outputs(exprs(pr.projectList()), rels), rels);
        }
        if (p instanceof Aggregate ag) {
            List<Rel> rels = from(ag.child(), env);
            Set<String> aliases = new LinkedHashSet<>(outputs(exprs(ag.aggregateExpressions()), rels));
            for (Expression g : list(ag.groupingExpressions())) {
                if (g instanceof UnresolvedAttribute a && a.nameParts().size() == 1 && aliases.contains(lower(a.name()))
                        && find(a, rels, env).isEmpty()) {
                    continue; // GROUP BY a select alias
                }
                expr(g, rels, env, false);
            }
            select(exprs(ag.aggregateExpressions()), rels, env);
            return new Block(outputs(exprs(ag.aggregateExpressions()), rels), rels);
        }
        if (isBlock(p) || p.children().size() != 1) {
            if (p.children().size() > 1 && !(p instanceof Join)) {
                // UNION, INTERSECT, EXCEPT: each side its own block; the first names the output
                Block first = null;
                for (LogicalPlan c : children(p)) {
                    Block b = block(c, env);
                    first = first == null ? b : first;
                }
                return new Block(first == null ? List.of() : first.outputs(), List.of());
            }
        }
        LogicalPlan child = p.children().size() == 1 ? children(p).get(0) : null;
        if (child != null && isBlock(child)) {
            // ORDER BY, HAVING, WINDOW, hints, LIMIT, DISTINCT over a block: the block's output first,
            // then (ORDER BY, HAVING) what the block's FROM sees
            Block b = block(child, env);
            Rel out = new Rel(null, b.outputs(), null);
            if (p instanceof WithWindowDefinition wd) {
                wd.windowDefinitions().values().foreach(spec -> {
                    expr(spec, b.rels(), env, false);
                    return null;
                });
                return b;
            }
            for (Expression e : Trees.expressions(p)) {
                Trees.eachExpression(e, x -> {
                    if (x instanceof UnresolvedAttribute a) {
                        if (a.nameParts().size() == 1 && b.outputs().contains(lower(a.name()))) {
                            return;
                        }
                        attribute(a, b.rels(), env, false);
                    } else if (x instanceof SubqueryExpression sq) {
                        block(sq.plan(), env.inside(concat(List.of(out), b.rels())));
                    }
                });
            }
            return b;
        }
        List<Rel> rels = from(p, env);
        List<String> outputs = new ArrayList<>();
        rels.forEach(r -> outputs.addAll(r.columns()));
        return new Block(outputs, rels);
    }

    private static boolean isBlock(LogicalPlan p) {
        return p instanceof Project || p instanceof Aggregate || p instanceof UnresolvedWith
                || (p.children().size() > 1 && !(p instanceof Join))
                || (p.children().size() == 1 && !(p instanceof SubqueryAlias) && !(p instanceof Filter) && !(p instanceof Generate)
                && !(p instanceof UnresolvedSubqueryColumnAliases) && isBlock(children(p).get(0)));
    }

    private List<Rel> from(LogicalPlan p, Env env) {
        if (p instanceof UnresolvedRelation r) {
            return List.of(table(r, null, env));
        }
        if (p instanceof SubqueryAlias sa) {
            String alias = lower(sa.alias());
            LogicalPlan inner = sa.child();
            List<String> renamed = null;
            if (inner instanceof UnresolvedSubqueryColumnAliases ca) {
                renamed = list(ca.outputColumnNames()).stream().map(ScopeWalker::lower).toList();
                inner = ca.child();
            }
            if (inner instanceof UnresolvedRelation r) {
                Rel rel = table(r, alias, env);
                if (renamed != null && rel.old()) {
                    problems.add("names " + oldDataset + "'s columns by position (" + sa.alias() + "(…)); the new version's columns differ");
                }
                return List.of(new Rel(alias, renamed != null ? renamed : rel.columns(), rel.table()));
            }
            Block b = block(inner, env);
            return List.of(new Rel(alias, renamed != null ? renamed : b.outputs(), null));
        }
        if (p instanceof Join j) {
            List<Rel> rels = concat(from(j.left(), env), from(j.right(), env));
            if (j.joinType() instanceof UsingJoin u) {
                for (String c : list(u.usingColumns())) {
                    if (rels.stream().anyMatch(Rel::old)) {
                        usingColumns.add(lower(c));
                    }
                }
            } else if (j.joinType() instanceof NaturalJoin && rels.stream().anyMatch(Rel::old)) {
                usingColumns.add("*");
            }
            if (j.condition().isDefined()) {
                expr(j.condition().get(), rels, env, false);
            }
            return rels;
        }
        if (p instanceof Generate g) {
            List<Rel> rels = from(g.child(), env);
            expr((Expression) (Object) g.generator(), rels, env, false);
            List<String> out = list(g.generatorOutput()).stream().map(a -> lower(a.name())).toList();
            String q = g.qualifier().isDefined() ? lower(g.qualifier().get()) : null;
            return concat(rels, List.of(new Rel(q, out, null)));
        }
        if (!isBlock(p) && p.children().size() == 1) {
            // Filter, hints, sampling, repartitioning between FROM and SELECT: pass the relations through
            List<Rel> rels = from(children(p).get(0), env);
            for (Expression e : Trees.expressions(p)) {
                expr(e, rels, env, false);
            }
            return rels;
        }
        Block b = block(p, env);
        return List.of(new Rel(null, b.outputs(), null));
    }

    private Rel table(UnresolvedRelation r, String alias, Env env) {
        List<String> parts = list(r.multipartIdentifier());
        if (parts.size() == 1 && env.ctes().containsKey(lower(parts.get(0)))) {
            return new Rel(alias != null ? alias : lower(parts.get(0)), env.ctes().get(lower(parts.get(0))), null);
        }
        int s = template.toOriginal(start(r));
        int e = template.toOriginal(end(r));
        String written = s >= 0 && e > s ? template.original().substring(s, e) : String.join(".", parts);
        Optional<String> dataset = names.dataset(written);
        boolean old = dataset.map(oldDataset::equals).orElse(false);
        TableRef ref = new TableRef(r, written, s, e, dataset, old, alias != null);
        tables.add(ref);
        if (dataset.isEmpty()) {
            unknownTables.add(written.strip());
        }
        List<String> cols = dataset.map(d -> datasetColumns.getOrDefault(d, List.of())).orElse(List.of()).stream()
                .map(ScopeWalker::lower).toList();
        return new Rel(alias != null ? alias : lower(parts.get(parts.size() - 1)), cols, ref);
    }

    private void select(List<? extends Expression> items, List<Rel> rels, Env env) {
        for (Expression e : items) {
            expr(e, rels, env, true);
        }
    }

    private void expr(Expression e, List<Rel> rels, Env env, boolean output) {
        if (e instanceof UnresolvedAttribute a) {
            attribute(a, rels, env, output);
        } else if (e instanceof UnresolvedStar s) {
            star(s, rels, output);
        } else if (e instanceof SubqueryExpression sq) {
            block(sq.plan(), env.inside(rels));
            for (Expression c : children(e)) {
                expr(c, rels, env, false);
            }
        } else {
            boolean keep = output && e instanceof UnresolvedAlias;
            for (Expression c : children(e)) {
                expr(c, rels, env, keep && !(e instanceof Alias));
            }
        }
    }

    private record Found(Rel rel, int column) {
    }

    /** The relation and the index of the column part an identifier resolves to, searching outward. */
    private Optional<Found> find(UnresolvedAttribute a, List<Rel> rels, Env env) {
        List<String> parts = list(a.nameParts()).stream().map(ScopeWalker::lower).toList();
        List<List<Rel>> scopes = new ArrayList<>();
        scopes.add(rels);
        scopes.addAll(env.outer());
        for (List<Rel> scope : scopes) {
            for (int q = Math.min(2, parts.size() - 2); q >= 0; q--) {
                for (Rel r : scope) {
                    if (parts.get(q).equals(r.qualifier()) && r.columns().contains(parts.get(q + 1))) {
                        return Optional.of(new Found(r, q + 1));
                    }
                }
            }
            List<Rel> having = scope.stream().filter(r -> r.columns().contains(parts.get(0))).toList();
            if (having.size() > 1 && having.stream().anyMatch(Rel::old) && !usingColumns.contains(parts.get(0))) {
                problems.add("column " + a.name() + " is ambiguous");
            }
            if (!having.isEmpty()) {
                return Optional.of(new Found(having.get(0), 0));
            }
        }
        return Optional.empty();
    }

    private void attribute(UnresolvedAttribute a, List<Rel> rels, Env env, boolean output) {
        if (a.nameParts().size() == 1 && template.byPlaceholder(a.name()).isPresent()) {
            parameters.add(a);
            return;
        }
        Optional<Found> found = find(a, rels, env);
        if (found.isEmpty() || !found.get().rel().old()) {
            return;
        }
        int index = found.get().column();
        String column = oldColumns.stream().filter(c -> lower(c).equals(lower(list(a.nameParts()).get(index))))
                .findFirst().orElseThrow();
        int s = start(a);
        int e = end(a);
        List<int[]> spans = identifierSpans(s, e);
        if (spans.size() != a.nameParts().size()) {
            problems.add("could not place " + a.sql() + " in the text");
            return;
        }
        int[] part = spans.get(index);
        columns.add(new ColumnRef(a, column, found.get().rel(), template.toOriginal(part[0]), template.toOriginal(part[1]),
                template.toOriginal(s), template.toOriginal(e), output,
                index == a.nameParts().size() - 1));
    }

    private void star(UnresolvedStar s, List<Rel> rels, boolean output) {
        List<Rel> over = rels;
        if (s.target().isDefined()) {
            List<String> target = list(s.target().get());
            String q = lower(target.get(target.size() - 1));
            over = rels.stream().filter(r -> q.equals(r.qualifier())).toList();
        }
        if (over.stream().anyMatch(Rel::old)) {
            stars.add(new StarRef(s, over, template.toOriginal(start(s)), template.toOriginal(end(s)), output, rels.size() == 1));
        }
    }

    /** Spans of the dot-separated identifiers in {@code text[from, to)} (backquoted ones with their quotes). */
    private List<int[]> identifierSpans(int from, int to) {
        List<int[]> out = new ArrayList<>();
        if (from < 0 || to <= from) {
            return out;
        }
        int i = from;
        while (i < to) {
            while (i < to && Character.isWhitespace(text.charAt(i))) {
                i++;
            }
            int s = i;
            if (i < to && text.charAt(i) == '`') {
                i++;
                while (i < to) {
                    if (text.charAt(i) == '`') {
                        if (i + 1 < to && text.charAt(i + 1) == '`') {
                            i += 2;
                            continue;
                        }
                        i++;
                        break;
                    }
                    i++;
                }
            } else {
                while (i < to && (Character.isLetterOrDigit(text.charAt(i)) || text.charAt(i) == '_')) {
                    i++;
                }
            }
            if (i == s) {
                return List.of();
            }
            out.add(new int[] {s, i});
            while (i < to && Character.isWhitespace(text.charAt(i))) {
                i++;
            }
            if (i < to) {
                if (text.charAt(i) != '.') {
                    return List.of();
                }
                i++;
            }
        }
        return out;
    }

    private List<String> outputs(List<? extends Expression> items, List<Rel> rels) {
        List<String> out = new ArrayList<>();
        for (Expression e : items) {
            if (e instanceof Alias al) {
                out.add(lower(al.name()));
            } else if (e instanceof UnresolvedAttribute a) {
                out.add(lower(list(a.nameParts()).get(a.nameParts().size() - 1)));
            } else if (e instanceof UnresolvedStar s) {
                List<Rel> over = rels;
                if (s.target().isDefined()) {
                    List<String> target = list(s.target().get());
                    String q = lower(target.get(target.size() - 1));
                    over = rels.stream().filter(r -> q.equals(r.qualifier())).toList();
                }
                over.forEach(r -> out.addAll(r.columns()));
            } else {
                out.add("");
            }
        }
        return out;
    }

    private static <T> List<T> concat(List<T> a, List<T> b) {
        List<T> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static List<Expression> exprs(scala.collection.Seq<?> seq) {
        return (List<Expression>) (List) list((scala.collection.Seq) seq);
    }

    static String lower(String s) {
        return s.toLowerCase(Locale.ROOT);
    }
}
