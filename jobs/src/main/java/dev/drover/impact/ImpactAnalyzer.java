package dev.drover.impact;


import dev.drover.model.ColumnChange;
import dev.drover.model.ColumnChange.Kind;
import dev.drover.model.SchemaDiff;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.analysis.UnresolvedRelation;
import org.apache.spark.sql.catalyst.expressions.Cast;
import org.apache.spark.sql.catalyst.parser.ParseException;
import org.apache.spark.sql.catalyst.plans.logical.Command;
import org.apache.spark.sql.catalyst.plans.logical.InsertIntoStatement;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.execution.CommandExecutionMode;
import org.apache.spark.sql.execution.QueryExecution;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.MetadataBuilder;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Works out what a migration does to consumer queries, with Spark's own parser and analyzer: the
 * old dataset (at its pinned version's schema) and every other catalog dataset (its declared
 * schema, no rows) stand under the names the query uses, the analyzed plan says which old columns
 * it reads, and the rewrite edits only the spans the parser's positions point at. No data is read.
 */
public final class ImpactAnalyzer {
    /** The migration as impact analysis sees it. */
    public record Subject(String oldDataset, StructType oldSchema, String newDataset, StructType newSchema, SchemaDiff diff,
                          Map<String, StructType> datasets, Map<String, org.apache.spark.sql.catalyst.expressions.Expression> derived) {
        public Subject {
            datasets = Map.copyOf(datasets);
            derived = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(derived));
        }

        /** A migration that derives nothing a query could read instead of a removed column. */
        public Subject(String oldDataset, StructType oldSchema, String newDataset, StructType newSchema, SchemaDiff diff,
                       Map<String, StructType> datasets) {
            this(oldDataset, oldSchema, newDataset, newSchema, diff, datasets, Map.of());
        }
    }

    private final SparkSession spark;
    private final Subject subject;
    private final Map<String, ColumnChange> changes = new LinkedHashMap<>();
    private final Map<String, List<String>> columns = new LinkedHashMap<>();

    public ImpactAnalyzer(SparkSession spark, Subject subject) {
        this.spark = spark;
        this.subject = subject;
        for (ColumnChange c : subject.diff().changes()) {
            if (c.from() != null) {
                changes.put(lower(c.from()), c);
            }
        }
        subject.datasets().forEach((name, schema) -> columns.put(name, List.of(schema.fieldNames())));
        columns.put(subject.oldDataset(), List.of(subject.oldSchema().fieldNames()));
        columns.put(subject.newDataset(), List.of(subject.newSchema().fieldNames()));
    }

    private record Edit(int start, int end, String text) {
    }

    public QueryImpact analyze(ConsumerQuery query, TableNames names) {
        long began = System.nanoTime();
        TemplateParameters template = TemplateParameters.mask(query.text(), query.parameters());
        List<String> reasons = new ArrayList<>();
        LogicalPlan parsed;
        try {
            parsed = spark.sessionState().sqlParser().parsePlan(template.masked());
        } catch (ParseException e) {
            reasons.add("does not parse: " + firstLine(e.getMessage()));
            return done(query, began, ImpactClass.NEEDS_PERSON, List.of(), reasons, Optional.empty(), false, template);
        }
        boolean runnable = true;
        LogicalPlan body = parsed;
        if (parsed instanceof InsertIntoStatement insert) {
            runnable = false;
            body = insert.query();
            if (insert.table() instanceof UnresolvedRelation target) {
                String written = text(template, target);
                if (names.dataset(written).filter(subject.oldDataset()::equals).isPresent()) {
                    reasons.add("writes to " + subject.oldDataset() + " (" + written.strip() + "); the producer keeps writing the old version until it retires");
                }
            }
        } else if (parsed instanceof Command) {
            Optional<LogicalPlan> inner = commandQuery(parsed);
            if (inner.isEmpty()) {
                reasons.add("not a query: " + parsed.nodeName());
                return done(query, began, ImpactClass.NEEDS_PERSON, List.of(), reasons, Optional.empty(), false, template);
            }
            runnable = false;
            body = inner.get();
        }
        ScopeWalker walker = new ScopeWalker(template.masked(), template, names, subject.oldDataset(), columns);
        walker.walkQuery(body);
        if (!walker.unknownTables.isEmpty()) {
            walker.unknownTables.forEach(t -> reasons.add("unknown table " + t + " (not in the catalog, nor in the consumer's drover.dev/table-names)"));
            return done(query, began, ImpactClass.NEEDS_PERSON, List.of(), reasons, Optional.empty(), runnable, template);
        }
        if (walker.tables.stream().noneMatch(ScopeWalker.TableRef::old)) {
            return done(query, began, reasons.isEmpty() ? ImpactClass.UNAFFECTED : ImpactClass.NEEDS_PERSON, List.of(),
                    reasons.isEmpty() ? List.of("does not read " + subject.oldDataset()) : reasons, Optional.empty(), runnable, template);
        }
        Set<String> reads;
        try {
            reads = reads(body, walker, subject.oldDataset(), subject.oldSchema());
        } catch (RuntimeException e) {
            reasons.add("does not analyze on " + subject.oldDataset() + ": " + firstLine(e.getMessage()));
            return done(query, began, ImpactClass.NEEDS_PERSON, List.of(), reasons, Optional.empty(), runnable, template);
        }
        reasons.addAll(walker.problems);
        boolean columnEdits = false;
        List<Edit> derivedEdits = new ArrayList<>();
        Map<String, String> replacedBy = new LinkedHashMap<>();   // removed column read → the derived column read instead
        for (String read : reads) {
            ColumnChange c = changes.get(lower(read));
            if (c == null || !changesReader(c)) {
                continue;
            }
            if (c.kinds().contains(Kind.REMOVED)) {
                Optional<Derived> instead = walker.stars.stream().anyMatch(s -> s.rels().stream().anyMatch(ScopeWalker.Rel::old))
                        ? Optional.empty() : derived(read, body, walker, template, reasons);
                if (instead.isPresent()) {
                    derivedEdits.addAll(instead.get().edits());
                    replacedBy.put(lower(read), instead.get().column());
                    columnEdits = true;
                } else if (reasons.stream().noneMatch(r -> r.contains(" " + read + " "))) {
                    reasons.add("reads " + read + ", which " + subject.newDataset() + " no longer has");
                }
                continue;
            }
            if (typeChanged(c) && !Cast.canCast(type(c.toType()), type(c.fromType()))) {
                reasons.add("reads " + read + ", now " + c.toType() + ", which cannot be cast back to " + c.fromType());
                continue;
            }
            boolean placed = walker.columns.stream().anyMatch(r -> r.column().equalsIgnoreCase(read))
                    || walker.stars.stream().anyMatch(s -> s.rels().stream().anyMatch(ScopeWalker.Rel::old));
            if (!placed) {
                reasons.add("reads " + read + " where its use could not be placed in the text");
                continue;
            }
            if (walker.usingColumns.contains(lower(read)) && (c.kinds().contains(Kind.RENAMED) || typeChanged(c))) {
                reasons.add("joins USING (" + read + "), which is " + c.kind() + " in " + subject.newDataset());
                continue;
            }
            if (walker.usingColumns.contains("*")) {
                reasons.add("a NATURAL JOIN over " + subject.oldDataset() + ", whose columns change");
                continue;
            }
            columnEdits = true;
        }
        List<Edit> edits = new ArrayList<>();
        for (ScopeWalker.TableRef t : walker.tables) {
            if (t.old()) {
                edits.add(new Edit(t.start(), t.end(), tableReference(t, names, template.masked())));
            }
        }
        for (ScopeWalker.ColumnRef r : walker.columns) {
            columnEdit(r, template.original()).ifPresent(edits::add);
        }
        for (ScopeWalker.StarRef s : walker.stars) {
            starEdit(s, reads, reasons).ifPresent(edits::add);
        }
        edits.addAll(derivedEdits);
        String rewritten = apply(template.original(), edits, reasons);
        List<String> readList = reads.stream().toList();
        if (!reasons.isEmpty()) {
            return done(query, began, ImpactClass.NEEDS_PERSON, readList, reasons, Optional.ofNullable(rewritten), runnable, template);
        }
        Optional<String> check = checkRewrite(rewritten, names, reads, query.parameters(), replacedBy);
        if (check.isPresent()) {
            reasons.add(check.get());
            return done(query, began, ImpactClass.NEEDS_PERSON, readList, reasons, Optional.of(rewritten), runnable, template);
        }
        List<String> why = new ArrayList<>();
        for (String read : reads) {
            ColumnChange c = changes.get(lower(read));
            if (replacedBy.containsKey(lower(read))) {
                why.add(read + ": removed; the query computes " + replacedBy.get(lower(read)) + ", which " + subject.newDataset()
                        + " derives from it");
            } else if (c != null && changesReader(c)) {
                why.add(read + ": " + c.kind() + (c.to() != null && !c.to().equals(c.from()) ? " to " + c.to() : "")
                        + (typeChanged(c) ? " (" + c.fromType() + " -> " + c.toType() + ")" : ""));
            }
        }
        if (!columnEdits) {
            why.add("no column it reads changed; only the table reference moves to " + subject.newDataset());
        }
        return done(query, began, columnEdits ? ImpactClass.REWRITABLE : ImpactClass.UNAFFECTED, readList, why,
                Optional.of(rewritten), runnable, template);
    }

    /** A removed column's uses, each inside an expression the new dataset derives: the edits that read the derived column. */
    private record Derived(String column, List<Edit> edits) {
    }

    /**
     * When every use of the removed column {@code read} sits inside an expression that computes a
     * column the migration derives from it (the same expression tree, over the old dataset's
     * columns), the edits that read that column instead; else empty (with a reason when the use is
     * an unnamed output column, whose name a rewrite would change).
     */
    private Optional<Derived> derived(String read, LogicalPlan body, ScopeWalker walker, TemplateParameters template,
                                      List<String> reasons) {
        List<ScopeWalker.ColumnRef> uses = walker.columns.stream().filter(r -> r.column().equalsIgnoreCase(read)).toList();
        List<Map.Entry<String, org.apache.spark.sql.catalyst.expressions.Expression>> candidates = subject.derived().entrySet().stream()
                .filter(d -> reads(d.getValue()).contains(lower(read))).toList();
        if (uses.isEmpty() || candidates.isEmpty()) {
            return Optional.empty();
        }
        java.util.IdentityHashMap<Object, ScopeWalker.ColumnRef> refs = new java.util.IdentityHashMap<>();
        walker.columns.forEach(r -> refs.put(r.node(), r));
        Set<Object> unnamedOutputs = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        List<Edit> edits = new ArrayList<>();
        Set<ScopeWalker.ColumnRef> covered = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        String column = null;
        for (org.apache.spark.sql.catalyst.expressions.Expression e : expressionsOf(body, unnamedOutputs)) {
            for (Map.Entry<String, org.apache.spark.sql.catalyst.expressions.Expression> d : candidates) {
                if (!Derivations.same(e, d.getValue())) {
                    continue;
                }
                List<ScopeWalker.ColumnRef> inside = new ArrayList<>();
                boolean allOld = true;
                for (org.apache.spark.sql.catalyst.expressions.Expression a : attributes(e)) {
                    ScopeWalker.ColumnRef r = refs.get(a);
                    if (r == null) {
                        allOld = false;
                    } else {
                        inside.add(r);
                    }
                }
                int start = template.toOriginal(Trees.start(e));
                int end = template.toOriginal(Trees.end(e));
                if (!allOld || start < 0 || end <= start) {
                    continue;
                }
                if (unnamedOutputs.contains(e)) {
                    reasons.add("reads " + read + " only to compute " + template.original().substring(start, end) + " as an unnamed output column;"
                            + " name it (AS …) and " + d.getKey() + " of " + subject.newDataset() + " can stand for it");
                    return Optional.empty();
                }
                ScopeWalker.ColumnRef first = inside.get(0);
                String name = java.util.Arrays.stream(subject.newSchema().fieldNames()).filter(f -> f.equalsIgnoreCase(d.getKey()))
                        .findFirst().orElse(d.getKey());   // as the new dataset spells it
                edits.add(new Edit(start, end, template.original().substring(first.attrStart(), first.start()) + identifier(name, false)));
                covered.addAll(inside);
                column = name;
                break;
            }
        }
        if (column == null || !covered.containsAll(uses)) {
            return Optional.empty();
        }
        return Optional.of(new Derived(column, edits));
    }

    /** Every expression of the plan and its subqueries, outermost first; unnamed output items noted by identity. */
    private static List<org.apache.spark.sql.catalyst.expressions.Expression> expressionsOf(LogicalPlan plan, Set<Object> unnamedOutputs) {
        List<org.apache.spark.sql.catalyst.expressions.Expression> out = new ArrayList<>();
        java.util.ArrayDeque<LogicalPlan> todo = new java.util.ArrayDeque<>(List.of(plan));
        while (!todo.isEmpty()) {
            LogicalPlan p = todo.pop();
            if (p instanceof org.apache.spark.sql.catalyst.plans.logical.Project || p instanceof org.apache.spark.sql.catalyst.plans.logical.Aggregate) {
                List<org.apache.spark.sql.catalyst.expressions.NamedExpression> items = p instanceof org.apache.spark.sql.catalyst.plans.logical.Project pr
                        ? Trees.list(pr.projectList()) : Trees.list(((org.apache.spark.sql.catalyst.plans.logical.Aggregate) p).aggregateExpressions());
                items.stream().filter(i -> !(i instanceof org.apache.spark.sql.catalyst.analysis.UnresolvedAlias)
                        && !(i instanceof org.apache.spark.sql.catalyst.expressions.Alias)).forEach(unnamedOutputs::add);
                items.stream().filter(i -> i instanceof org.apache.spark.sql.catalyst.analysis.UnresolvedAlias)
                        .forEach(i -> unnamedOutputs.add(((org.apache.spark.sql.catalyst.analysis.UnresolvedAlias) i).child()));
            }
            for (org.apache.spark.sql.catalyst.expressions.Expression e : Trees.expressions(p)) {
                Trees.eachExpression(e, x -> {
                    out.add(x);
                    if (x instanceof org.apache.spark.sql.catalyst.expressions.SubqueryExpression sq) {
                        todo.push(sq.plan());
                    }
                });
            }
            Trees.children(p).forEach(todo::push);
            if (p instanceof org.apache.spark.sql.catalyst.plans.logical.UnresolvedWith with) {
                Trees.list(with.cteRelations()).forEach(t -> todo.push(((scala.Tuple2<String, org.apache.spark.sql.catalyst.plans.logical.SubqueryAlias>) t)._2()));
            }
        }
        return out;
    }

    private static List<org.apache.spark.sql.catalyst.expressions.Expression> attributes(org.apache.spark.sql.catalyst.expressions.Expression e) {
        List<org.apache.spark.sql.catalyst.expressions.Expression> out = new ArrayList<>();
        Trees.eachExpression(e, x -> {
            if (x instanceof org.apache.spark.sql.catalyst.analysis.UnresolvedAttribute) {
                out.add(x);
            }
        });
        return out;
    }

    /** The column names an expression over the old dataset reads, lower case. */
    private static Set<String> reads(org.apache.spark.sql.catalyst.expressions.Expression e) {
        Set<String> out = new java.util.HashSet<>();
        for (org.apache.spark.sql.catalyst.expressions.Expression a : attributes(e)) {
            out.add(lower(((org.apache.spark.sql.catalyst.analysis.UnresolvedAttribute) a).name()));
        }
        return out;
    }

    private QueryImpact done(ConsumerQuery q, long began, ImpactClass c, List<String> reads, List<String> reasons,
                             Optional<String> rewritten, boolean runnable, TemplateParameters template) {
        return new QueryImpact(q.consumer(), q.name(), c, reads, reasons, rewritten, runnable, template.names(),
                (System.nanoTime() - began) / 1e6);
    }

    /** A change a reader's text must follow: a rename, a type change or a removal (nullability aside). */
    private static boolean changesReader(ColumnChange c) {
        return c.kinds().contains(Kind.REMOVED) || c.kinds().contains(Kind.RENAMED) || typeChanged(c);
    }

    private static boolean typeChanged(ColumnChange c) {
        return c.kinds().contains(Kind.WIDENED) || c.kinds().contains(Kind.NARROWED) || c.kinds().contains(Kind.RETYPED);
    }

    private static boolean castEverywhere(ColumnChange c) {
        return c.kinds().contains(Kind.NARROWED) || c.kinds().contains(Kind.RETYPED);
    }

    private String tableReference(ScopeWalker.TableRef t, TableNames names, String masked) {
        String next = names.reference(subject.newDataset(), t.written());
        if (t.aliased() || TableNames.deltaPath(t.written()) != null) {
            return next;
        }
        String oldLast = lastPart(t.written().strip());
        String nextLast = lastPart(next);
        if (TableNames.key(oldLast).equals(TableNames.key(nextLast)) || !usedAsQualifier(masked, oldLast)) {
            return next;
        }
        // the old name stays the qualifier the rest of the query (and its hints) use
        return next + " AS " + oldLast;
    }

    /** Whether the text qualifies a column or star with {@code name}, or names it in a hint. */
    private static boolean usedAsQualifier(String text, String name) {
        String bare = name.startsWith("`") ? name.substring(1, name.length() - 1).replace("``", "`") : name;
        String id = "(?:" + java.util.regex.Pattern.quote(bare) + "|`" + java.util.regex.Pattern.quote(bare.replace("`", "``")) + "`)";
        if (java.util.regex.Pattern.compile("(?i)(?<![\\w`])" + id + "\\s*\\.").matcher(text).find()) {
            return true;
        }
        java.util.regex.Matcher hints = java.util.regex.Pattern.compile("/\\*\\+(.*?)\\*/", java.util.regex.Pattern.DOTALL).matcher(text);
        while (hints.find()) {
            if (java.util.regex.Pattern.compile("(?i)(?<![\\w`])" + id + "(?![\\w`])").matcher(hints.group(1)).find()) {
                return true;
            }
        }
        return false;
    }

    private Optional<Edit> columnEdit(ScopeWalker.ColumnRef r, String original) {
        ColumnChange c = changes.get(lower(r.column()));
        if (c == null || c.to() == null || !changesReader(c)) {
            return Optional.empty();
        }
        String written = original.substring(r.start(), r.end());
        String name = c.kinds().contains(Kind.RENAMED) ? identifier(c.to(), written.startsWith("`")) : written;
        if (!r.last() && typeChanged(c)) {
            return Optional.empty(); // a field of a retyped struct: the reason says so via the proof
        }
        String attribute = original.substring(r.attrStart(), r.start()) + name + original.substring(r.end(), r.attrEnd());
        if (r.output() && r.last() && (c.kinds().contains(Kind.RENAMED) || typeChanged(c))) {
            String value = typeChanged(c) ? "CAST(" + attribute + " AS " + c.fromType().toUpperCase(Locale.ROOT) + ")" : attribute;
            return Optional.of(new Edit(r.attrStart(), r.attrEnd(), value + " AS " + written));
        }
        if (castEverywhere(c)) {
            return Optional.of(new Edit(r.attrStart(), r.attrEnd(), "CAST(" + attribute + " AS " + c.fromType().toUpperCase(Locale.ROOT) + ")"));
        }
        if (c.kinds().contains(Kind.RENAMED)) {
            return Optional.of(new Edit(r.start(), r.end(), name));
        }
        return Optional.empty();
    }

    private Optional<Edit> starEdit(ScopeWalker.StarRef s, Set<String> reads, List<String> reasons) {
        boolean changed = subject.diff().changes().stream().anyMatch(c -> changesReader(c) || c.kinds().contains(Kind.ADDED));
        if (!changed) {
            return Optional.empty();
        }
        List<String> items = new ArrayList<>();
        for (ScopeWalker.Rel rel : s.rels()) {
            String q = s.alone() ? "" : rel.qualifier() == null ? null : TableNames.quote(rel.qualifier()) + ".";
            if (q == null) {
                reasons.add("a * over a subquery without a name, beside " + subject.oldDataset());
                return Optional.empty();
            }
            if (!rel.old()) {
                items.add(q + "*");
                continue;
            }
            for (String column : subject.oldSchema().fieldNames()) {
                ColumnChange c = changes.get(lower(column));
                if (c != null && c.kinds().contains(Kind.REMOVED)) {
                    continue; // read (the reason says so) or unused downstream
                }
                String to = c == null || c.to() == null ? column : c.to();
                String value = q + identifier(to, false);
                if (c != null && typeChanged(c) && (s.output() || castEverywhere(c))) {
                    value = "CAST(" + value + " AS " + c.fromType().toUpperCase(Locale.ROOT) + ")";
                }
                if (s.output() && (!to.equals(column) || (c != null && typeChanged(c)))) {
                    value += " AS " + identifier(column, false);
                }
                items.add(value);
            }
        }
        return Optional.of(new Edit(s.start(), s.end(), String.join(", ", items)));
    }

    private static String apply(String text, List<Edit> edits, List<String> reasons) {
        List<Edit> sorted = new ArrayList<>(edits);
        sorted.sort(Comparator.comparingInt(Edit::start).reversed());
        StringBuilder out = new StringBuilder(text);
        int limit = Integer.MAX_VALUE;
        for (Edit e : sorted) {
            if (e.start() < 0 || e.end() > limit) {
                reasons.add("overlapping edits at " + e.start() + "; the rewrite was not made");
                return null;
            }
            out.replace(e.start(), e.end(), e.text());
            limit = e.start();
        }
        return out.toString();
    }

    /**
     * The rewrite analyzed on the new version: it must name the new dataset and read exactly the
     * new names of the columns the old query read. Empty when it does.
     */
    private Optional<String> checkRewrite(String rewritten, TableNames names, Set<String> oldReads, Map<String, String> values,
                                          Map<String, String> replacedBy) {
        TemplateParameters template = TemplateParameters.mask(rewritten, values);
        try {
            LogicalPlan parsed = spark.sessionState().sqlParser().parsePlan(template.masked());
            LogicalPlan body = parsed instanceof InsertIntoStatement insert ? insert.query()
                    : parsed instanceof Command ? commandQuery(parsed).orElse(parsed) : parsed;
            ScopeWalker walker = new ScopeWalker(template.masked(), template, names, subject.newDataset(), columns);
            walker.walkQuery(body);
            if (!subject.oldDataset().equals(subject.newDataset())
                    && walker.tables.stream().anyMatch(t -> t.dataset().filter(subject.oldDataset()::equals).isPresent())) {
                return Optional.of("the rewrite still reads " + subject.oldDataset());
            }
            Set<String> got = new LinkedHashSet<>();
            reads(body, walker, subject.newDataset(), subject.newSchema()).forEach(c -> got.add(lower(c)));
            Set<String> want = new LinkedHashSet<>();
            for (String read : oldReads) {
                ColumnChange c = changes.get(lower(read));
                want.add(lower(replacedBy.containsKey(lower(read)) ? replacedBy.get(lower(read))
                        : c == null || c.to() == null ? read : c.to()));
            }
            if (!got.equals(want)) {
                return Optional.of("the rewrite reads " + got + " of " + subject.newDataset() + ", expected " + want);
            }
            return Optional.empty();
        } catch (ParseException e) {
            return Optional.of("the rewrite does not parse: " + firstLine(e.getMessage()));
        } catch (RuntimeException e) {
            return Optional.of("the rewrite does not analyze on " + subject.newDataset() + ": " + firstLine(e.getMessage()));
        }
    }

    /** The marked dataset's columns {@code body} reads, its tables standing as empty relations. */
    private Set<String> reads(LogicalPlan body, ScopeWalker walker, String marked, StructType markedSchema) {
        LogicalPlan plan = Plans.bind(body, walker, dataset -> empty(dataset.equals(marked) ? mark(markedSchema) : schemaOf(dataset)));
        QueryExecution qe = spark.sessionState().executePlan(plan, CommandExecutionMode.SKIP());
        qe.assertAnalyzed();
        return ReadColumns.of(qe.analyzed());
    }

    private final Map<StructType, LogicalPlan> empties = new java.util.concurrent.ConcurrentHashMap<>();

    /** An empty relation of {@code schema}, made once (the analyzer gives each use its own attributes). */
    private LogicalPlan empty(StructType schema) {
        return empties.computeIfAbsent(schema, s -> spark.createDataFrame(List.<Row>of(), s).logicalPlan());
    }

    private StructType schemaOf(String dataset) {
        if (dataset.equals(subject.oldDataset())) {
            return subject.oldSchema();
        }
        if (dataset.equals(subject.newDataset())) {
            return subject.newSchema();
        }
        return subject.datasets().get(dataset);
    }

    private static StructType mark(StructType schema) {
        List<StructField> fields = new ArrayList<>();
        for (StructField f : schema.fields()) {
            Metadata m = new MetadataBuilder().withMetadata(f.metadata()).putBoolean(ReadColumns.MARK, true).build();
            fields.add(new StructField(f.name(), f.dataType(), f.nullable(), m));
        }
        return DataTypes.createStructType(fields);
    }

    /** The query inside a command that has one (CREATE TABLE … AS SELECT, CREATE VIEW … AS). */
    static Optional<LogicalPlan> commandQuery(LogicalPlan command) {
        for (String method : List.of("query", "child", "plan")) {
            try {
                Object q = command.getClass().getMethod(method).invoke(command);
                if (q instanceof LogicalPlan plan) {
                    return Optional.of(plan);
                }
            } catch (ReflectiveOperationException e) {
                // not this one
            }
        }
        return Optional.empty();
    }

    private static String identifier(String name, boolean quoted) {
        return quoted ? "`" + name.replace("`", "``") + "`" : TableNames.quote(name);
    }

    private static DataType type(String sql) {
        return DataType.fromDDL(sql);
    }

    private static String lastPart(String written) {
        int at = -1;
        boolean quoted = false;
        for (int i = 0; i < written.length(); i++) {
            char c = written.charAt(i);
            if (c == '`') {
                quoted = !quoted;
            } else if (c == '.' && !quoted) {
                at = i;
            }
        }
        return written.substring(at + 1).strip();
    }

    static String text(TemplateParameters template, LogicalPlan node) {
        int s = template.toOriginal(Trees.start(node));
        int e = template.toOriginal(Trees.end(node));
        return s >= 0 && e > s ? template.original().substring(s, e) : node.toString();
    }

    static String firstLine(String message) {
        String m = message == null ? "" : message.strip();
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl).strip();
    }

    private static String lower(String s) {
        return s.toLowerCase(Locale.ROOT);
    }
}
