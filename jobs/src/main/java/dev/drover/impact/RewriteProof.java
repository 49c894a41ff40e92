package dev.drover.impact;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.xxhash64;

import dev.drover.model.Labelled;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.parser.ParseException;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.types.DataTypes;

/**
 * Proves a rewrite by running both: the consumer's query on the old version at the run's pinned
 * version, the rewrite on the new version at the run's version, and comparing the results as
 * multisets: row counts, an order-independent sum of a hash of every row and of every column
 * (values compared as text, so a widened int and its bigint agree). Rows the run itself
 * explains (quarantined, removed by a filter or dedup step) are left out of the old side by key
 * before the query runs. When the results differ, a few differing rows of each side are kept.
 */
public final class RewriteProof {
    /** How a proof ended. */
    public enum Status implements Labelled {
        /** Both results are the same multiset of rows. */
        PROVEN,
        /** They differ: not delivered; a person looks at the sample. */
        DIFFERENT,
        /** Not run: not a query, or template parameters without values. */
        NOT_PROVEN
    }

    /** The outcome: status, each side's row count, a sample of differing rows, and a one-line note. */
    public record Outcome(Status status, long rowsBefore, long rowsAfter, List<String> differences, String note) {
        public Outcome {
            differences = List.copyOf(differences);
        }
    }

    /** The relations each side reads, by dataset: {@code before} for the consumer's query, {@code after} for the rewrite. */
    public record Tables(Function<String, Dataset<Row>> before, Function<String, Dataset<Row>> after) {
    }

    private static final int SAMPLE = 5;
    private static final String NULL = "\u0000null";

    private final SparkSession spark;
    private final ImpactAnalyzer.Subject subject;

    public RewriteProof(SparkSession spark, ImpactAnalyzer.Subject subject) {
        this.spark = spark;
        this.subject = subject;
    }

    /**
     * The old version without the rows the run explains: those whose key the new version does not
     * hold (quarantined, or removed by a filter or dedup step). The missing keys are found in one
     * anti-join, kept on the driver (they are few, or the run's checks would have failed) and left
     * out of every proof's old side by a broadcast anti-join.
     */
    public static Explained explained(SparkSession spark, Dataset<Row> oldRows, Dataset<Row> newRows, List<String> oldKey,
                                      List<String> newKey) {
        Column[] renamed = new Column[newKey.size()];
        for (int i = 0; i < newKey.size(); i++) {
            renamed[i] = newRows.col("`" + newKey.get(i) + "`").as(oldKey.get(i));
        }
        Column[] keys = oldKey.stream().map(k -> oldRows.col("`" + k + "`")).toArray(Column[]::new);
        Dataset<Row> missing = oldRows.select(keys).join(newRows.select(renamed), Trees.seq(oldKey), "left_anti");
        List<Row> rows = missing.collectAsList();
        Dataset<Row> local = spark.createDataFrame(rows, missing.schema());
        Column[] columns = java.util.Arrays.stream(oldRows.columns()).map(c -> col("`" + c.replace("`", "``") + "`")).toArray(Column[]::new);
        Dataset<Row> kept = oldRows.join(org.apache.spark.sql.functions.broadcast(local), Trees.seq(oldKey), "left_anti").select(columns);
        return new Explained(kept, rows.size());
    }

    /** The old side of every proof, and how many rows the run explains. */
    public record Explained(Dataset<Row> rows, long explained) {
    }

    public Outcome prove(ConsumerQuery query, QueryImpact impact, TableNames names, Tables tables) {
        if (impact.rewritten().isEmpty()) {
            return new Outcome(Status.NOT_PROVEN, -1, -1, List.of(), "no rewrite to prove");
        }
        if (!impact.runnable()) {
            return new Outcome(Status.NOT_PROVEN, -1, -1, List.of(), "not proven: not a query");
        }
        List<String> missing = impact.parameters().stream().filter(p -> !query.parameters().containsKey(p)).toList();
        if (!missing.isEmpty()) {
            return new Outcome(Status.NOT_PROVEN, -1, -1, List.of(),
                    "not proven: template parameters without values " + missing + " (drover.dev/query-parameters)");
        }
        Dataset<Row> before;
        Dataset<Row> after;
        try {
            before = run(TemplateParameters.bind(query.text(), query.parameters()), names, tables.before());
            after = run(TemplateParameters.bind(impact.rewritten().get(), query.parameters()), names, tables.after());
        } catch (ParseException | RuntimeException e) {
            return new Outcome(Status.DIFFERENT, -1, -1, List.of(), "the queries do not run: " + ImpactAnalyzer.firstLine(e.getMessage()));
        }
        if (before.columns().length != after.columns().length) {
            return new Outcome(Status.DIFFERENT, -1, -1, List.of(),
                    "the rewrite returns " + after.columns().length + " columns, the query " + before.columns().length);
        }
        Dataset<Row> a = texts(before);
        Dataset<Row> b = texts(after);
        Row sa = summary(a);
        Row sb = summary(b);
        long ra = sa.getLong(0);
        long rb = sb.getLong(0);
        if (sa.equals(sb)) {
            return new Outcome(Status.PROVEN, ra, rb, List.of(), "proven: " + ra + " rows, the same multiset on both versions");
        }
        List<String> differing = new ArrayList<>();
        a.exceptAll(b).limit(SAMPLE).collectAsList().forEach(r -> differing.add("only in " + subject.oldDataset() + ": " + show(r)));
        b.exceptAll(a).limit(SAMPLE).collectAsList().forEach(r -> differing.add("only in " + subject.newDataset() + ": " + show(r)));
        return new Outcome(Status.DIFFERENT, ra, rb, differing, "the results differ: " + ra + " rows on " + subject.oldDataset()
                + ", " + rb + " on " + subject.newDataset());
    }

    private Dataset<Row> run(String text, TableNames names, Function<String, Dataset<Row>> relation) throws ParseException {
        TemplateParameters template = TemplateParameters.mask(text);
        LogicalPlan parsed = spark.sessionState().sqlParser().parsePlan(template.masked());
        Map<String, java.util.List<String>> columns = new java.util.LinkedHashMap<>();
        subject.datasets().forEach((n, s) -> columns.put(n, List.of(s.fieldNames())));
        columns.put(subject.oldDataset(), List.of(subject.oldSchema().fieldNames()));
        columns.put(subject.newDataset(), List.of(subject.newSchema().fieldNames()));
        ScopeWalker walker = new ScopeWalker(template.masked(), template, names, subject.oldDataset(), columns);
        walker.walkQuery(parsed);
        if (!walker.unknownTables.isEmpty()) {
            throw new IllegalArgumentException("unknown table " + walker.unknownTables.iterator().next());
        }
        return Dataset.ofRows(spark, Plans.bind(parsed, walker, d -> relation.apply(d).logicalPlan()));
    }

    /** Every column as text (NULL as a marker no text equals), by position. */
    private static Dataset<Row> texts(Dataset<Row> result) {
        String[] names = result.columns();
        Column[] cols = new Column[names.length];
        for (int i = 0; i < names.length; i++) {
            cols[i] = coalesce(result.col("`" + names[i].replace("`", "``") + "`").cast(DataTypes.StringType), lit(NULL)).as("c" + i);
        }
        return result.select(cols);
    }

    private static Row summary(Dataset<Row> texts) {
        String[] names = texts.columns();
        List<Column> aggs = new ArrayList<>();
        aggs.add(count(lit(1)));
        Column[] all = new Column[names.length];
        for (int i = 0; i < names.length; i++) {
            all[i] = col(names[i]);
            aggs.add(coalesce(sum(xxhash64(col(names[i])).cast("decimal(38,0)")), lit(0)));
        }
        aggs.add(coalesce(sum(xxhash64(all).cast("decimal(38,0)")), lit(0)));
        return texts.agg(aggs.get(0), aggs.subList(1, aggs.size()).toArray(Column[]::new)).first();
    }

    private static String show(Row r) {
        List<String> values = new ArrayList<>();
        for (int i = 0; i < r.size(); i++) {
            String v = r.getString(i);
            values.add(NULL.equals(v) ? "NULL" : v);
        }
        return "(" + String.join(", ", values) + ")";
    }
}
