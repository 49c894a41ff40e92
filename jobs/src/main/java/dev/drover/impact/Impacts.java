package dev.drover.impact;

import dev.drover.catalog.Catalog;
import dev.drover.catalog.ConsumerEntity;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;

/** The impact of one migration on every consumer of its old dataset that declared queries. */
public final class Impacts {
    private final SparkSession spark;
    private final Catalog catalog;
    private final UnaryOperator<String> location;
    private final QuerySources sources;

    /**
     * @param location a dataset's location as the run resolves it
     * @param workDir  where consumers' repositories are cloned
     */
    public Impacts(SparkSession spark, Catalog catalog, UnaryOperator<String> location, Path workDir) {
        this.spark = spark;
        this.catalog = catalog;
        this.location = location;
        this.sources = new QuerySources(workDir);
    }

    public QuerySources sources() {
        return sources;
    }

    /** The subject of a migration: its old schema at the pinned version, the new one it produces, the diff. */
    public ImpactAnalyzer.Subject subject(String oldDataset, StructType oldSchema, String newDataset, StructType newSchema,
                                          dev.drover.model.SchemaDiff diff) {
        return subject(oldDataset, oldSchema, newDataset, newSchema, diff, List.of());
    }

    /** The same, with the columns the migration's steps derive from old ones (what a query may read instead of a removed column). */
    public ImpactAnalyzer.Subject subject(String oldDataset, StructType oldSchema, String newDataset, StructType newSchema,
                                          dev.drover.model.SchemaDiff diff, List<dev.drover.transforms.Step> steps) {
        Map<String, StructType> declared = new LinkedHashMap<>();
        catalog.datasets().forEach((name, d) -> declared.put(name, d.structType()));
        return new ImpactAnalyzer.Subject(oldDataset, oldSchema, newDataset, newSchema, diff, declared,
                Derivations.of(spark, steps, oldSchema));
    }

    public TableNames names(ConsumerEntity consumer) {
        return new TableNames(catalog.datasets().keySet(), location, consumer.code().tableNames());
    }

    /** Each consumer's impact, in the order given; consumers without declared queries are listed as such. */
    public List<ConsumerImpact> analyze(ImpactAnalyzer.Subject subject, List<ConsumerEntity> consumers) {
        ImpactAnalyzer analyzer = new ImpactAnalyzer(spark, subject);
        List<ConsumerImpact> out = new ArrayList<>();
        for (ConsumerEntity c : consumers) {
            if (!c.code().hasQueries()) {
                out.add(new ConsumerImpact(c.name(), List.of(), java.util.Optional.empty(), java.util.Optional.empty(), false));
                continue;
            }
            QuerySources.Loaded loaded = sources.load(c);
            TableNames names = names(c);
            List<QueryImpact> queries = loaded.queries().stream().map(q -> analyzer.analyze(q, names)).toList();
            out.add(new ConsumerImpact(c.name(), queries, loaded.commit(), loaded.problem(), true));
        }
        return out;
    }

    /** Deletes a work folder, ignoring what cannot be deleted (a temporary folder the OS cleans anyway). */
    public static void deleteQuietly(Path dir) {
        try {
            QuerySources.deleteTree(dir);
        } catch (java.io.IOException | RuntimeException e) {
            // left to the OS's temporary-file cleanup
        }
    }
}
