package dev.drover.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.drover.api.Drover;
import dev.drover.catalog.ConsumerEntity;
import dev.drover.config.DroverConfig;
import dev.drover.impact.ConsumerImpact;
import dev.drover.impact.ImpactAnalyzer;
import dev.drover.impact.ImpactClass;
import dev.drover.impact.ImpactCorpus;
import dev.drover.impact.Impacts;
import dev.drover.impact.QueryImpact;
import dev.drover.impact.RewriteProof;
import dev.drover.ledger.LedgerReader;
import dev.drover.testing.SharedSpark;
import dev.drover.view.Render;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.eclipse.jgit.api.Git;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The impact corpus on real tables: accounts-v1 migrated to accounts-v2 by a real run (a rename, a
 * retype with rows quarantined, a widening, a derived column, two drops), the consumer's queries
 * read from a git repository on disk, each classified and rewritten as the corpus expects, and
 * every rewrite of a runnable query proven by running both on the data; a wrong rewrite is refused
 * with the differing rows. Two more consumers: one with inline queries, one whose repository
 * cannot be cloned (a one-line problem for it alone). Told a behaviour per test (see {@link Story}).
 */
@Story
class ImpactProofTest {
    private static final long ACCOUNTS = 3_000;

    private Path tmp;
    private SparkSession spark;
    private E2eWorkspace ws;
    private String warehouse;
    private ImpactCorpus corpus;
    private Drover drover;
    private long pinned;
    private Dataset<Row> v1;
    private Dataset<Row> v2;
    private Dataset<Row> orders;
    private Dataset<Row> kept;
    private Impacts impacts;
    private ConsumerEntity consumer;
    private ConsumerImpact analysed;
    private RewriteProof proof;
    private RewriteProof.Tables tables;

    @BeforeAll
    void workspace(@TempDir Path dir) throws Exception {
        tmp = dir;
        spark = SharedSpark.session();
        ws = new E2eWorkspace(tmp.resolve("ws"), 200, 1, 0, 1_000);
        warehouse = ws.warehouse.toUri().toString().replaceAll("/$", "");
        Path corpusRoot = ImpactCorpus.locate();
        corpus = new ImpactCorpus(corpusRoot, ImpactCorpus.templates(), warehouse);
        Path repository = repository(corpus, tmp.resolve("reports-repo"));
        Files.writeString(ws.conf.resolve("catalog/accounts.yaml"), Files.readString(corpusRoot.resolve("catalog/accounts.yaml")));
        Files.writeString(ws.conf.resolve("catalog/accounts-consumers.yaml"),
                Files.readString(corpusRoot.resolve("catalog/consumers.yaml")).replace("@REPOSITORY@", repository.toString())
                        + """
                        ---
                        apiVersion: backstage.io/v1alpha1
                        kind: Component
                        metadata:
                          name: names-widget
                          annotations:
                            drover.dev/query.top-names: "SELECT name, score FROM `accounts-v1` WHERE score = '42'"
                            drover.dev/query.count: "SELECT count(*) AS n FROM `accounts-v1`"
                        spec: {type: website, lifecycle: production, owner: group:web, dependsOn: [resource:default/accounts-v1]}
                        ---
                        apiVersion: backstage.io/v1alpha1
                        kind: Component
                        metadata:
                          name: lost-repo
                          annotations:
                            drover.dev/queries: "*.sql"
                            drover.dev/repository: "%s"
                        spec: {type: service, lifecycle: production, owner: group:ops, dependsOn: [resource:default/accounts-v1]}
                        """.formatted(tmp.resolve("no-such-repo")));
        Files.createDirectories(ws.conf.resolve("migrations/accounts"));
        Files.writeString(ws.conf.resolve("migrations/accounts/V2__profile.conf"),
                Files.readString(corpusRoot.resolve("migrations/accounts/V2__profile.conf")));
        ImpactCorpus.writeTables(spark, warehouse, ACCOUNTS, 8_000);
    }

    @AfterAll
    void close() throws Exception {
        if (drover != null) {
            drover.close();
        }
    }

    @Test
    @Order(1)
    void impactBeforeTheRunClassifiesEachConsumerFromItsCloneAndNamesTheOneThatCannotBeCloned() throws Exception {
        Cli impact = Cli.run(ws.command("impact", "accounts/V2", "--json"));
        assertEquals(0, impact.exitCode(), impact.err() + impact.out());
        JsonNode consumers = Render.JSON.readTree(impact.out());
        JsonNode reports = find(consumers, "accounts-reports");
        assertEquals(JsonFieldsTest.documented(Files.readString(Project.root().resolve("docs/json-output.md")), "#### `impact MIGRATION --json`"),
                JsonFieldsTest.fields(reports, ""), "impact --json prints the documented fields");
        assertEquals(corpus.cases().size(), reports.path("queries").size(), "every .sql in the repository, read from its clone");
        assertEquals("needs-person", reports.path("impact").asText());
        assertEquals(40, reports.path("commit").asText().length(), reports.toString());
        JsonNode lost = find(consumers, "lost-repo");
        assertTrue(lost.path("problem").asText().startsWith("repository " + tmp.resolve("no-such-repo") + " cannot be cloned"), lost.toString());
        JsonNode widget = find(consumers, "names-widget");
        assertEquals("rewritable", widget.path("impact").asText(), widget.toString());
    }

    @Test
    @Order(2)
    void theDeployStageProvesTheRewritesAndEachDeclaringConsumersEventCarriesThem() throws Exception {
        Cli migrate = Cli.run(ws.command("migrate", "accounts/V2"));
        if (migrate.exitCode() != 0) {
            Cli status = Cli.run(ws.command("status", migrate.out().replaceAll("(?s).*run (\\S+): .*", "$1")));
            assertEquals(0, migrate.exitCode(), migrate.err() + migrate.out() + status.out());
        }
        DroverConfig config = Drover.config(ws.conf, List.of("drover.warehouse=" + ws.warehouse, "drover.environment=test",
                "drover.progress=never"));
        drover = Drover.open(spark, config, Drover.catalog(config), new PrintStream(java.io.OutputStream.nullOutputStream()));
        dev.drover.ledger.RunRecord run = new LedgerReader(spark, warehouse + "/_drover").runsOf("accounts/V2").get(0);
        pinned = run.sourceVersion();
        Map<String, JsonNode> events = new java.util.HashMap<>();
        for (dev.drover.outbox.OutboxEvent e : new dev.drover.outbox.Outbox(drover.ledger()).events(run.runId())) {
            events.put(e.consumer(), Render.JSON.readTree(e.payload()).path("consumer").path("impact"));
        }
        JsonNode reportsEvent = events.get("accounts-reports");
        assertEquals("needs-person", reportsEvent.path("class").asText(), reportsEvent.toString());
        int provenInEvent = 0;
        for (JsonNode q : reportsEvent.path("queries")) {
            provenInEvent += q.path("proven").asBoolean() ? 1 : 0;
            if (q.path("query").asText().contains("34-create-table-as")) {
                assertEquals("not proven: not a query", q.path("proof").asText(), q.toString());
                assertTrue(q.path("rewritten").asText().contains("full_name AS name"), q.toString());
            }
            if (q.path("query").asText().contains("27-removed-column")) {
                assertTrue(q.path("rewritten").isNull() && !q.path("proven").asBoolean(), q.toString());
            }
        }
        assertTrue(provenInEvent >= 45, "rewrites proven by the deploy stage: " + provenInEvent);
        JsonNode widgetEvent = events.get("names-widget");
        assertEquals("rewritable", widgetEvent.path("class").asText(), widgetEvent.toString());
        assertTrue(widgetEvent.path("queries").get(0).path("proven").asBoolean()
                || widgetEvent.path("queries").get(1).path("proven").asBoolean(), widgetEvent.toString());
        assertTrue(events.get("lost-repo").path("problem").asText().contains("cannot be cloned"));
    }

    @Test
    @Order(3)
    void theRowsMissingFromV2ByKeyAreExactlyTheQuarantinedOnes() {
        v1 = spark.read().format("delta").option("versionAsOf", pinned).load(warehouse + "/accounts_v1");
        v2 = spark.read().format("delta").load(warehouse + "/accounts_v2");
        orders = spark.read().format("delta").load(warehouse + "/orders");
        // quarantined rows (their score is not a number) are left out of the old side by key
        RewriteProof.Explained without = RewriteProof.explained(spark, v1, v2, List.of("account_id"), List.of("account_id"));
        kept = without.rows();
        assertEquals(v1.where("score = 'n/a'").count(), without.explained(), "the quarantined rows are the ones missing from v2");
        assertTrue(without.explained() > 0);
    }

    @Test
    @Order(4)
    void everyCorpusQueryIsClassifiedAndRewrittenAsExpectedAndEachRunnableRewriteIsProvenOnTheData() throws Exception {
        impacts = drover.impacts(tmp.resolve("clones"));
        consumer = drover.catalog().consumers().get("accounts-reports");
        ImpactAnalyzer.Subject subject = impacts.subject("accounts-v1", v1.schema(), "accounts-v2", v2.schema(),
                dev.drover.model.SchemaDiff.between(v1.schema(), v2.schema(), Map.of("name", "full_name")));
        analysed = impacts.analyze(subject, List.of(consumer)).get(0);
        proof = new RewriteProof(spark, subject);
        tables = new RewriteProof.Tables(
                d -> d.equals("accounts-v1") ? kept : d.equals("accounts-v2") ? v2 : orders,
                d -> d.equals("accounts-v2") ? v2 : d.equals("accounts-v1") ? kept : orders);
        List<String> wrong = new ArrayList<>();
        int proven = 0;
        for (ImpactCorpus.Case c : corpus.cases()) {
            QueryImpact q = analysed.queries().stream().filter(x -> x.query().equals("queries/" + c.name() + ".sql")).findFirst().orElseThrow();
            if (q.impact() != c.expected()) {
                wrong.add(c.name() + ": " + q.impact().label() + " " + q.reasons());
                continue;
            }
            if (c.rewritten().isPresent() && !c.rewritten().equals(q.rewritten())) {
                wrong.add(c.name() + ": rewrite differs: " + q.rewritten().orElse("(none)"));
            }
            if (q.impact() == ImpactClass.NEEDS_PERSON || q.rewritten().isEmpty()) {
                continue;
            }
            RewriteProof.Outcome o = proof.prove(query(consumer, q, c), q, impacts.names(consumer), tables);
            if (!q.runnable()) {
                if (o.status() != RewriteProof.Status.NOT_PROVEN || !o.note().contains("not a query")) {
                    wrong.add(c.name() + ": " + o);
                }
            } else if (o.status() != RewriteProof.Status.PROVEN) {
                wrong.add(c.name() + ": " + o);
            } else {
                proven++;
            }
        }
        assertEquals(List.of(), wrong, String.join("\n", wrong));
        assertTrue(proven >= 45, "rewrites proven on the data: " + proven);
    }

    @Test
    @Order(5)
    void aRewriteThatReadsTheWrongColumnIsRefusedWithRowsOfEachSide() throws Exception {
        QueryImpact first = analysed.queries().stream().filter(x -> x.query().startsWith("queries/01-")).findFirst().orElseThrow();
        QueryImpact bad = new QueryImpact(first.consumer(), first.query(), first.impact(), first.reads(), first.reasons(),
                first.rewritten().map(t -> t.replace("full_name AS name", "email AS name")), true, List.of(), 0);
        RewriteProof.Outcome refused = proof.prove(query(consumer, bad, null), bad, impacts.names(consumer), tables);
        assertEquals(RewriteProof.Status.DIFFERENT, refused.status(), refused.toString());
        assertTrue(refused.differences().stream().anyMatch(d -> d.startsWith("only in accounts-v1: (")), refused.toString());
        assertTrue(refused.differences().stream().anyMatch(d -> d.startsWith("only in accounts-v2: (") && d.contains("@")),
                refused.toString());
    }

    private static dev.drover.impact.ConsumerQuery query(ConsumerEntity consumer, QueryImpact q, ImpactCorpus.Case c) throws Exception {
        return new dev.drover.impact.ConsumerQuery(consumer.name(), q.query(),
                c != null ? c.text() : "-- expect: rewritable\nSELECT account_id, name FROM accounts\n", consumer.code().parameters());
    }

    private static JsonNode find(JsonNode consumers, String name) {
        for (JsonNode c : consumers) {
            if (c.path("consumer").asText().equals(name)) {
                return c;
            }
        }
        return Render.JSON.createObjectNode();
    }

    /** A git repository holding the corpus's queries (as the consumer wrote them), one commit. */
    private static Path repository(ImpactCorpus corpus, Path dir) throws Exception {
        Files.createDirectories(dir.resolve("queries"));
        try (Git git = Git.init().setDirectory(dir.toFile()).setInitialBranch("main").call()) {
            for (ImpactCorpus.Case c : corpus.cases()) {
                Files.writeString(dir.resolve("queries").resolve(c.name() + ".sql"), c.text());
            }
            Files.writeString(dir.resolve("README.md"), "Account reports.\n");
            git.add().addFilepattern(".").call();
            git.commit().setMessage("Account reports").setAuthor("Reporting", "reporting@example.com")
                    .setCommitter("Reporting", "reporting@example.com").setSign(false).call();
        }
        return dir;
    }
}
