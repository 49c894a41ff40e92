package dev.drover.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.drover.ledger.BatchRecord;
import dev.drover.ledger.FleetRecord;
import dev.drover.ledger.LedgerReader;
import dev.drover.ledger.RunRecord;
import dev.drover.model.RunStatus;
import dev.drover.testing.SharedSpark;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every notebook under notebooks/, cell by cell and in order, against a local session after a
 * demo run: SQL cells through spark.sql (their parameters cell given this run's locations), Scala
 * cells through Spark's own REPL (what spark-shell runs) with the shared session and a local
 * dbutils. Each cell's result is checked against what Spark, Delta and the ledger say directly.
 */
class NotebooksTest {
    private static final Pattern SET = Pattern.compile("(?m)^SET\\s+(\\w+)\\s*=\\s*[^;\\n]*;?$");

    @TempDir
    Path tmp;

    @Test
    void everyNotebookIsCheckedHere() throws Exception {
        try (Stream<Path> files = Files.walk(Project.root().resolve("notebooks"))) {
            List<String> found = files.filter(Files::isRegularFile).map(f -> Project.root().resolve("notebooks").relativize(f).toString())
                    .sorted().toList();
            assertEquals(List.of("scala/03_migrate_watch_roll_back.scala", "sql/01_history_and_time_travel.sql",
                    "sql/02_ledger_and_quarantine.sql", "sql/04_transition_window.sql"), found, "a new notebook needs its cells checked in this test");
        }
    }

    @Test
    void theSqlNotebooksRunCellByCellOnADemoRun() throws Exception {
        SparkSession spark = SharedSpark.session();
        E2eWorkspace ws = new E2eWorkspace(tmp.resolve("ws"), 3_000, 3, 1_000, 1_000);
        Cli migrate = Cli.run(ws.command("migrate", "users/V2"));
        assertEquals(0, migrate.exitCode(), migrate.err());
        String target = ws.warehouse.resolve("users_v2").toUri().toString().replaceAll("/$", "");
        String state = ws.warehouse.toUri().toString().replaceAll("/$", "") + "/_drover";
        LedgerReader ledger = new LedgerReader(spark, state);
        RunRecord run = ledger.runs().get(0);
        // the run published in one commit (version 0); a writer of the table then appends twice (versions 1, 2)
        for (int i = 0; i < 2; i++) {
            spark.read().format("delta").load(target).limit(10 * (i + 1)).write().format("delta").mode("append").save(target);
        }
        long versions = io.delta.tables.DeltaTable.forPath(spark, target).history().count();
        assertEquals(3, versions, "the run's publish, then two appends");

        // 01: history, Drover's tags, time travel, a diff of two versions
        Notebook history = Notebook.read(Project.root().resolve("notebooks/sql/01_history_and_time_travel.sql"));
        List<List<Row>> h = runSql(spark, history, Map.of("target", target, "from_version", "1", "to_version", "2"));
        assertEquals(5, h.size());
        assertEquals(versions, h.get(1).size(), "DESCRIBE HISTORY: every version");
        List<Row> tagged = h.get(2);
        assertEquals(versions, tagged.size(), "one parsed row per commit");
        List<Row> drovers = tagged.stream().filter(r -> r.getAs("run") != null).toList();
        assertEquals(1, drovers.size(), "the run made one version, its publish: " + tagged);
        assertEquals(run.runId(), drovers.get(0).getAs("run"));
        assertEquals("deploy", drovers.get(0).getAs("stage"));
        assertEquals(0L, (long) drovers.get(0).getAs("version"));
        long atOne = spark.read().format("delta").option("versionAsOf", 1).load(target).count();
        assertEquals(atOne, h.get(3).get(0).getLong(0), "VERSION AS OF 1");
        Dataset<Row> two = spark.read().format("delta").option("versionAsOf", 2).load(target);
        long added = two.exceptAll(spark.read().format("delta").option("versionAsOf", 1).load(target)).count();
        assertTrue(added > 0);
        assertEquals(added, h.get(4).size(), "EXCEPT ALL: the rows version 2 added");

        // 02: the ledger's tables and the quarantine. A local run has no fleet: the fleet table gets the rows a wave on
        // a cluster records (ClusterFleetTest makes real ones), written through the ledger's own writer
        {
            dev.drover.ledger.Ledger writer = dev.drover.ledger.Ledger.open(spark, state);
            java.time.Instant t = java.time.Instant.parse("2026-12-01T10:00:00Z");
            writer.recordFleet(new FleetRecord(t, dev.drover.model.FleetEvent.REQUESTED, "", "", 0, "backlog 9 above 8 for 10 s: 2 more executor(s)", 9, 1, "w1", "app"));
            writer.recordFleet(new FleetRecord(t.plusSeconds(3), dev.drover.model.FleetEvent.ADDED, "1", "127.0.0.1", 1, "granted", 9, 2, "w1", "app"));
            writer.recordFleet(new FleetRecord(t.plusSeconds(4), dev.drover.model.FleetEvent.ADDED, "2", "127.0.0.1", 1, "granted", 7, 3, "w1", "app"));
            writer.recordFleet(new FleetRecord(t.plusSeconds(90), dev.drover.model.FleetEvent.REMOVED, "1", "127.0.0.1", 1, "idle", 0, 2, "w1", "app"));
            writer.flush();
        }
        Notebook ledgerBook = Notebook.read(Project.root().resolve("notebooks/sql/02_ledger_and_quarantine.sql"));
        List<List<Row>> l = runSql(spark, ledgerBook, Map.of("state", state, "quarantine", target + "_quarantine"));
        assertEquals(9, l.size());
        assertEquals(1, l.get(1).size());
        assertEquals(run.runId(), l.get(1).get(0).getAs("run_id"));
        assertEquals("succeeded", l.get(1).get(0).getAs("status"));
        assertEquals(ledger.stages(run.runId()).size(), l.get(2).size(), "every stage with its duration");
        Row checks = l.get(3).get(0);
        assertEquals((long) ledger.checks(run.runId()).size(), (long) checks.getAs("passed"));
        assertEquals(0L, (long) checks.getAs("failed"));
        long quarantined = ledger.quarantineCounts(run.runId()).values().stream().mapToLong(Long::longValue).sum();
        assertEquals(3, quarantined);
        assertEquals(quarantined, l.get(4).stream().mapToLong(r -> r.getAs("rows")).sum(), "quarantined rows per step");
        assertEquals(1, l.get(5).size());
        assertEquals("pending", l.get(5).get(0).getAs("status"));
        assertEquals(3L, (long) l.get(5).get(0).getAs("events"), "an event per consumer, none sent yet");
        List<Row> fleet = l.get(6);
        assertEquals(List.of("w1 added 2 3 9", "w1 removed 1 2 0", "w1 requested 1 1 9"), fleet.stream().map(r -> r.getAs("wave_id") + " "
                + r.getAs("event") + " " + r.getAs("changes") + " " + r.getAs("peak_executors") + " " + r.getAs("peak_backlog")).toList());
        assertEquals(quarantined, l.get(7).stream().mapToLong(r -> r.getAs("rows")).sum(), "triage covers every quarantined row");
        assertFalse(((String) l.get(7).get(0).getAs("kind")).isBlank());
        assertEquals(quarantined, l.get(8).size(), "the sample rows (at most 5)");
        l.get(8).forEach(r -> assertFalse(((String) r.getAs("error")).isBlank(), r.toString()));
    }

    @Test
    void theTransitionNotebookShowsAWindowsSyncsLagAndAdoption() throws Exception {
        SparkSession spark = SharedSpark.session();
        E2eWorkspace ws = new E2eWorkspace(tmp.resolve("ws"), 2_000, 2, 0, 1_000);
        assertEquals(0, Cli.run(ws.command("migrate", "users/V2")).exitCode());
        String source = ws.warehouse.resolve("users_v1").toUri().toString().replaceAll("/$", "");
        String target = ws.warehouse.resolve("users_v2").toUri().toString().replaceAll("/$", "");
        String state = ws.warehouse.toUri().toString().replaceAll("/$", "") + "/_drover";
        spark.sql("UPDATE delta.`" + source + "` SET name = 'renamed' WHERE user_id < 10");
        Cli sync = Cli.run(ws.command("sync", "users/V2"));
        assertEquals(0, sync.exitCode(), sync.err() + sync.out());
        spark.sql("DELETE FROM delta.`" + source + "` WHERE user_id = 20");   // not synced yet: one version behind
        Cli moved = Cli.run(ws.command("transition", "users/V2", "--moved", "churn-model", "--by", "alice"));
        assertEquals(0, moved.exitCode(), moved.err());

        Notebook book = Notebook.read(Project.root().resolve("notebooks/sql/04_transition_window.sql"));
        List<List<Row>> t = runSql(spark, book, Map.of("state", state, "migration", "users/V2", "source", source, "target", target));
        assertEquals(5, t.size());
        List<Row> syncs = t.get(1);
        assertEquals(1, syncs.size());
        assertEquals("succeeded", syncs.get(0).getAs("status"));
        assertEquals(10L, (long) syncs.get(0).getAs("updated"), "ten names changed");
        Row lag = t.get(2).get(0);
        assertEquals(1L, (long) lag.getAs("versions_behind"), "the delete after the sync");
        assertEquals(new dev.drover.delta.DeltaTables(spark).latestVersion(source), (long) lag.getAs("source_latest"));
        List<Row> commits = t.get(3);
        assertEquals(1, commits.size(), "one target commit per sync");
        assertEquals("1", commits.get(0).getAs("source_from"));
        assertEquals("10", commits.get(0).getAs("updated"));
        List<Row> adoption = t.get(4);
        assertEquals(3, adoption.size(), "every consumer told of the migration");
        Row churn = adoption.stream().filter(r -> "churn-model".equals(r.getAs("consumer"))).findFirst().orElseThrow();
        assertEquals(true, churn.getAs("moved"));
        assertEquals("declared by alice", churn.getAs("how"));
        assertEquals(1, adoption.stream().filter(r -> Boolean.TRUE.equals(r.getAs("moved"))).count());
    }

    @Test
    void theScalaNotebookRunsInSparksRepl() throws Exception {
        E2eWorkspace ws = new E2eWorkspace(tmp.resolve("ws"), 3_000, 3, 1_000, 1_000);
        Notebook book = Notebook.read(Project.root().resolve("notebooks/scala/03_migrate_watch_roll_back.scala"));
        assertEquals(7, book.cells().size());
        Map<Integer, String> checks = new LinkedHashMap<>();
        checks.put(0, "migration + \" \" + (confDir == \"" + ws.conf + "\")");
        checks.put(1, "plan.batches.size");
        checks.put(2, "result.outcome + \" \" + result.rowsWritten + \" \" + result.rowsQuarantined");
        checks.put(3, "view.stages.size + \" \" + view.checks.stream.filter(c => !c.passed).count + \" \" + view.committedBatches");
        checks.put(4, "history.get(0).run == result.runId");
        checks.put(5, "pending.alreadyApplied.contains(\"users/V2\") + \" \" + (pending.plan.items.size + pending.alreadyApplied.size)");
        checks.put(6, "rolledBack.changed");

        StringBuilder script = new StringBuilder("val dbutils = dev.drover.api.LocalDbutils.create()\n")
                .append("dbutils.widgets.set(\"conf_dir\", \"").append(ws.conf).append("\")\n")
                .append("dbutils.widgets.set(\"warehouse\", \"").append(ws.warehouse).append("\")\n")
                .append("dbutils.widgets.set(\"batch_rows\", \"1000\")\n");
        for (int i = 0; i < book.cells().size(); i++) {
            script.append("println(\"@@cell ").append(i).append("\")\n").append(book.cells().get(i)).append('\n')
                    .append("println(\"@@check ").append(i).append(" \" + (").append(checks.get(i)).append("))\n");
        }
        script.append("drover.close()\n");
        org.apache.spark.repl.Main.sparkSession_$eq(SharedSpark.session());
        scala.tools.nsc.Settings settings = new scala.tools.nsc.Settings();
        settings.processArgumentString("-Yrepl-class-based -Yrepl-outdir " + Files.createDirectories(tmp.resolve("repl")));
        settings.classpath().value_$eq(Project.testClasspath());
        String transcript = org.apache.spark.repl.SparkILoop.run(script.toString(), settings);

        Map<Integer, String> results = new LinkedHashMap<>();
        Matcher m = Pattern.compile("(?m)^(?:scala> )?@@check (\\d+) (.*)$").matcher(transcript);
        while (m.find()) {
            results.put(Integer.parseInt(m.group(1)), m.group(2).trim());
        }
        List<String> errors = new ArrayList<>();
        transcript.lines().filter(line -> line.contains("error:") || line.startsWith("java.lang.") || line.contains("Exception"))
                .forEach(errors::add);
        assertTrue(errors.isEmpty(), "the REPL reported errors:\n" + String.join("\n", errors) + "\n---\n" + transcript);
        assertEquals(book.cells().size(), results.size(), "every cell ran and was checked:\n" + transcript);

        LedgerReader ledger = new LedgerReader(SharedSpark.session(), ws.warehouse.toUri().toString().replaceAll("/$", "") + "/_drover");
        RunRecord run = ledger.runsOf("users/V2").get(0);
        long written = ledger.batches(run.runId()).stream().filter(BatchRecord::isWritten).mapToLong(BatchRecord::rowsWritten).sum();
        assertEquals("users/V2 true", results.get(0), "the widgets' values");
        assertEquals("3", results.get(1), "three batches of 1,000 rows");
        assertEquals("SUCCEEDED " + written + " 3", results.get(2));
        assertEquals(ledger.stages(run.runId()).size() + " 0 3", results.get(3));
        assertEquals("true", results.get(4), "the newest version is the run's");
        assertEquals("true 2", results.get(5), "users/V2 applied; the conf's other migration pending");
        assertEquals("true", results.get(6));
        assertEquals(RunStatus.ROLLED_BACK, run.status(), "the ledger says the notebook rolled the run back");
    }

    /** Runs a SQL notebook's code cells in order, its parameters cell given {@code parameters}; each cell's rows. */
    private static List<List<Row>> runSql(SparkSession spark, Notebook book, Map<String, String> parameters) {
        List<List<Row>> results = new ArrayList<>();
        for (String cell : book.cells()) {
            String code = SET.matcher(cell).replaceAll(match -> {
                String name = match.group(1);
                assertTrue(parameters.containsKey(name), "parameter " + name + " of " + book.file() + " is not given");
                return Matcher.quoteReplacement("SET " + name + " = " + parameters.get(name) + ";");
            });
            List<Row> rows = List.of();
            for (String statement : code.split(";\\s*(\\n|$)")) {
                String sql = statement.lines().filter(line -> !line.strip().startsWith("--")).reduce("", (a, b) -> a + b + "\n").strip();
                if (!sql.isEmpty()) {
                    rows = spark.sql(sql).collectAsList();
                }
            }
            results.add(rows);
        }
        parameters.forEach((name, value) -> assertEquals(value, spark.conf().get(name), "the parameters cell set " + name));
        return results;
    }
}
