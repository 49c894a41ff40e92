package dev.drover.deploy;

import dev.drover.catalog.Catalog;
import dev.drover.catalog.ConsumerEntity;
import dev.drover.impact.ConsumerImpact;
import dev.drover.impact.ConsumerQuery;
import dev.drover.impact.ImpactAnalyzer;
import dev.drover.impact.ImpactClass;
import dev.drover.impact.Impacts;
import dev.drover.impact.QueryImpact;
import dev.drover.impact.RewriteProof;
import dev.drover.plan.MigrationPlan;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The deploy stage's work for consumers that declare their queries: each query's impact, and each
 * rewrite proven on the run's own tables (the source at its pinned version, without the rows the
 * run explains; the target at the version the run wrote). A rewrite that does not prove equal is
 * withdrawn: its query needs a person, with the differing rows.
 */
public final class ConsumerUpdates {
    /** One query's impact, for a rewrite its proof, and whether the rewrite changes the query's text at all. */
    public record Prepared(QueryImpact impact, RewriteProof.Outcome proof, boolean changed) {
    }

    /** A consumer's prepared update. */
    public record ForConsumer(ConsumerImpact impact, List<Prepared> queries) {
        public ImpactClass impactClass() {
            if (impact.problem().isPresent() || queries.stream().anyMatch(q -> q.impact().impact() == ImpactClass.NEEDS_PERSON)) {
                return ImpactClass.NEEDS_PERSON;
            }
            return queries.stream().anyMatch(q -> q.impact().impact() == ImpactClass.REWRITABLE) ? ImpactClass.REWRITABLE
                    : ImpactClass.UNAFFECTED;
        }
    }

    private final SparkSession spark;
    private final Catalog catalog;
    private final UnaryOperator<String> location;

    public ConsumerUpdates(SparkSession spark, Catalog catalog, UnaryOperator<String> location) {
        this.spark = spark;
        this.catalog = catalog;
        this.location = location;
    }

    /** Every declaring consumer's update, by consumer name; empty when none declares queries. */
    public Map<String, ForConsumer> prepare(MigrationPlan plan, long targetVersion) {
        List<ConsumerEntity> declaring = plan.consumers().stream().filter(c -> c.code().hasQueries()).toList();
        Map<String, ForConsumer> out = new LinkedHashMap<>();
        if (declaring.isEmpty()) {
            return out;
        }
        Path work;
        try {
            work = Files.createTempDirectory("drover-consumers");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            Impacts impacts = new Impacts(spark, catalog, location, work);
            Dataset<Row> before = spark.read().format("delta").option("versionAsOf", plan.sourceVersion()).load(plan.sourceLocation());
            Dataset<Row> after = spark.read().format("delta").option("versionAsOf", targetVersion).load(plan.targetLocation());
            ImpactAnalyzer.Subject subject = impacts.subject(plan.source().name(), before.schema(), plan.target().name(),
                    after.schema(), plan.diff(), plan.pipeline().steps());
            List<ConsumerImpact> analysed = impacts.analyze(subject, declaring);
            RewriteProof proof = new RewriteProof(spark, subject);
            RewriteProof.Tables tables = tables(plan, before, after);
            for (int i = 0; i < declaring.size(); i++) {
                ConsumerEntity consumer = declaring.get(i);
                ConsumerImpact impact = analysed.get(i);
                List<Prepared> prepared = new ArrayList<>();
                for (QueryImpact q : impact.queries()) {
                    prepared.add(prove(proof, tables, impacts, consumer, q));
                }
                out.put(consumer.name(), new ForConsumer(impact, prepared));
            }
            return out;
        } finally {
            Impacts.deleteQuietly(work);
        }
    }

    private static Prepared prove(RewriteProof proof, RewriteProof.Tables tables, Impacts impacts, ConsumerEntity consumer,
                                  QueryImpact q) {
        if (q.impact() == ImpactClass.NEEDS_PERSON || q.rewritten().isEmpty()) {
            return new Prepared(q, null, false);
        }
        String text = impacts.sources().text(consumer, q.query());
        boolean changed = !q.rewritten().get().equals(text);
        RewriteProof.Outcome o = proof.prove(new ConsumerQuery(consumer.name(), q.query(), text, consumer.code().parameters()), q,
                impacts.names(consumer), tables);
        if (o.status() == RewriteProof.Status.DIFFERENT) {
            return new Prepared(q.needsPerson("the rewrite is not proven equal: " + o.note()), o, false);
        }
        return new Prepared(q, o, changed);
    }

    private RewriteProof.Tables tables(MigrationPlan plan, Dataset<Row> before, Dataset<Row> after) {
        Dataset<Row> old = before;
        if (!plan.source().primaryKey().isEmpty() && plan.source().primaryKey().size() == plan.target().primaryKey().size()) {
            old = RewriteProof.explained(spark, before, after, plan.source().primaryKey(), plan.target().primaryKey()).rows();
        }
        Dataset<Row> oldSide = old;
        Map<String, Dataset<Row>> others = new java.util.concurrent.ConcurrentHashMap<>();
        java.util.function.Function<String, Dataset<Row>> other = d -> others.computeIfAbsent(d,
                k -> spark.read().format("delta").load(location.apply(k)));
        String source = plan.source().name();
        String target = plan.target().name();
        return new RewriteProof.Tables(
                d -> d.equals(source) ? oldSide : d.equals(target) ? after : other.apply(d),
                d -> d.equals(target) ? after : d.equals(source) ? oldSide : other.apply(d));
    }
}
