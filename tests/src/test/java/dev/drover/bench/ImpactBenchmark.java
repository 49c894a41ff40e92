package dev.drover.bench;

import dev.drover.api.Drover;
import dev.drover.catalog.ConsumerEntity;
import dev.drover.config.DroverConfig;
import dev.drover.impact.ConsumerQuery;
import dev.drover.impact.ImpactAnalyzer;
import dev.drover.impact.ImpactClass;
import dev.drover.impact.ImpactCorpus;
import dev.drover.impact.Impacts;
import dev.drover.impact.QueryImpact;
import dev.drover.impact.RewriteProof;
import dev.drover.impact.TableNames;
import dev.drover.model.MigrationResult;
import dev.drover.spark.Sessions;
import dev.drover.testing.TestFiles;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Impact analysis at scale, from one run in one JVM: (a) QUERIES consumer queries of the corpus's
 * shapes (each a distinct text) analysed one by one after a warm-up pass, milliseconds per query;
 * (b) the migration of ROWS accounts, timed, then PROOFS rewrites proven on its tables (both
 * queries run, results compared), all together against the migration's own time.
 */
public final class ImpactBenchmark {
    private ImpactBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int queries = Integer.parseInt(args[0]);
        long rows = Long.parseLong(args[1]);
        int proofs = Integer.parseInt(args[2]);
        Path work = Path.of(args[3]).toAbsolutePath();
        Path root = Path.of(System.getProperty("drover.root", ".")).toAbsolutePath().normalize();
        TestFiles.deleteTree(work);
        Files.createDirectories(work);
        Path conf = work.resolve("conf");
        TestFiles.copyTree(root.resolve("conf"), conf);
        Path corpusRoot = root.resolve("tests/impact-corpus");
        Files.writeString(conf.resolve("catalog/accounts.yaml"), Files.readString(corpusRoot.resolve("catalog/accounts.yaml")));
        Files.writeString(conf.resolve("catalog/accounts-consumers.yaml"), Files.readString(corpusRoot.resolve("catalog/consumers.yaml"))
                .replace("@REPOSITORY@", work.resolve("repo").toString()));
        Files.createDirectories(conf.resolve("migrations/accounts"));
        Files.writeString(conf.resolve("migrations/accounts/V2__profile.conf"),
                Files.readString(corpusRoot.resolve("migrations/accounts/V2__profile.conf")));
        String warehouse = work.resolve("warehouse").toUri().toString().replaceAll("/$", "");
        DroverConfig config = Drover.config(conf, List.of("drover.warehouse=" + warehouse, "drover.progress=never"));
        SparkSession spark = Sessions.create(config, null);
        PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
        ImpactCorpus corpus = new ImpactCorpus(corpusRoot, conf.resolve("templates"), warehouse);

        // (a) analysis, per query
        ImpactAnalyzer analyzer = new ImpactAnalyzer(spark, corpus.declaredSubject());
        TableNames names = corpus.names();
        Map<String, String> parameters = corpus.consumer.code().parameters();
        List<ImpactCorpus.Case> cases = corpus.cases();
        for (int pass = 0; pass < 3; pass++) {
            for (ImpactCorpus.Case c : cases) {
                analyzer.analyze(new ConsumerQuery("bench", c.name(), c.text(), parameters), names);
            }
        }
        double[] millis = new double[queries];
        long[] byClass = new long[ImpactClass.values().length];
        long t0 = System.nanoTime();
        for (int i = 0; i < queries; i++) {
            ImpactCorpus.Case c = cases.get(i % cases.size());
            String text = c.text() + "-- variant " + i + "\n";
            long s = System.nanoTime();
            QueryImpact q = analyzer.analyze(new ConsumerQuery("bench", c.name() + "-" + i, text, parameters), names);
            millis[i] = (System.nanoTime() - s) / 1e6;
            byClass[q.impact().ordinal()]++;
        }
        double total = (System.nanoTime() - t0) / 1e6;
        double[] sorted = millis.clone();
        Arrays.sort(sorted);
        System.out.printf("(a) %,d queries of %d shapes analysed in %.0f ms: mean %.1f ms, median %.1f, p90 %.1f, p99 %.1f, max %.1f "
                        + "(%d unaffected, %d rewritable, %d need a person); goal <= 20 ms per query%n",
                queries, cases.size(), total, total / queries, sorted[queries / 2], sorted[(int) (queries * 0.9)],
                sorted[(int) (queries * 0.99)], sorted[queries - 1], byClass[0], byClass[1], byClass[2]);

        // (b) proofs against the migration's own time
        t0 = System.nanoTime();
        ImpactCorpus.writeTables(spark, warehouse, rows, rows * 2);
        System.out.printf("generated %,d accounts and %,d orders in %.1f s%n", rows, rows * 2, (System.nanoTime() - t0) / 1e9);
        Drover drover = Drover.open(spark, config, Drover.catalog(config), quiet);
        t0 = System.nanoTime();
        MigrationResult migrated = drover.migrate("accounts/V2").execute();
        double migration = (System.nanoTime() - t0) / 1e9;
        System.out.printf("migrate accounts/V2: %s in %.1f s%n", migrated.outcome(), migration);
        Dataset<Row> v1 = spark.read().format("delta").option("versionAsOf", 0).load(warehouse + "/accounts_v1");
        Dataset<Row> v2 = spark.read().format("delta").load(warehouse + "/accounts_v2");
        Dataset<Row> orders = spark.read().format("delta").load(warehouse + "/orders");
        Impacts impacts = drover.impacts(work.resolve("clones"));
        ImpactAnalyzer.Subject subject = impacts.subject("accounts-v1", v1.schema(), "accounts-v2", v2.schema(),
                dev.drover.model.SchemaDiff.between(v1.schema(), v2.schema(), Map.of("name", "full_name")));
        ImpactAnalyzer real = new ImpactAnalyzer(spark, subject);
        ConsumerEntity consumer = drover.catalog().consumers().get("accounts-reports");
        List<ConsumerQuery> provable = new ArrayList<>();
        List<QueryImpact> impactsOf = new ArrayList<>();
        for (ImpactCorpus.Case c : cases) {
            ConsumerQuery q = new ConsumerQuery(consumer.name(), c.name(), c.text(), consumer.code().parameters());
            QueryImpact impact = real.analyze(q, impacts.names(consumer));
            if (impact.impact() != ImpactClass.NEEDS_PERSON && impact.runnable() && impact.rewritten().isPresent()) {
                provable.add(q);
                impactsOf.add(impact);
            }
        }
        t0 = System.nanoTime();
        RewriteProof.Explained without = RewriteProof.explained(spark, v1, v2, List.of("account_id"), List.of("account_id"));
        RewriteProof proof = new RewriteProof(spark, subject);
        RewriteProof.Tables tables = new RewriteProof.Tables(
                d -> d.equals("accounts-v1") ? without.rows() : d.equals("accounts-v2") ? v2 : orders,
                d -> d.equals("accounts-v2") ? v2 : d.equals("accounts-v1") ? without.rows() : orders);
        int proven = 0;
        for (int i = 0; i < proofs; i++) {
            int k = i % provable.size();
            RewriteProof.Outcome o = proof.prove(provable.get(k), impactsOf.get(k), impacts.names(consumer), tables);
            proven += o.status() == RewriteProof.Status.PROVEN ? 1 : 0;
        }
        double proving = (System.nanoTime() - t0) / 1e9;
        System.out.printf("(b) %d proofs (%d proven; %d distinct queries) over %,d rows in %.1f s (%.2f s each), the migration %.1f s: "
                        + "%.2fx the migration's time; goal <= 1x%n", proofs, proven, provable.size(), rows, proving, proving / proofs,
                migration, proving / migration);
        drover.close();
    }
}
