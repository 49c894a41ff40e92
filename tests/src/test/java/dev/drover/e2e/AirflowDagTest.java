package dev.drover.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.drover.view.Render;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * submit/airflow/drover_wave.py, read with python3's ast (Airflow is not installable here): its
 * task graph is plan → wave → notify, every task submits the Drover jar's CLI, every task's
 * arguments are accepted by the real CLI, and the plan task runs for real through SparkSubmit
 * with the DAG's Spark conf against the demo conf.
 */
class AirflowDagTest {
    @TempDir
    Path tmp;

    @Test
    void theDagsTasksAreTheRealCommands() throws Exception {
        JsonNode dag = read("{\"datasets\": [\"users-v1\"], \"target_version\": \"2\", \"batch_size\": 1000}");
        assertEquals("drover_wave", dag.get("dag_id").asText());
        assertEquals("[[\"plan\",\"wave\"],[\"wave\",\"notify\"]]", dag.get("edges").toString());
        assertEquals(List.of("plan", "wave", "notify"), iterate(dag.get("tasks").fieldNames()));
        E2eWorkspace ws = new E2eWorkspace(tmp.resolve("ws"), 2_000, 2, 0, 1_000);
        for (String task : List.of("plan", "wave", "notify")) {
            JsonNode t = dag.get("tasks").get(task);
            assertEquals("SparkSubmitOperator", t.get("operator").asText());
            assertEquals("dev.drover.cli.DroverCli", t.get("java_class").asText(), task);
            assertTrue(t.get("application").asText().endsWith("/consumer-notifier/target/drover.jar"), task);
            List<String> args = local(t, ws);
            args.add("--help");
            Cli help = Cli.run(args);
            assertEquals(0, help.exitCode(), task + ": " + args + "\n" + help.err());
        }
        List<String> waveArgs = iterate(dag.get("tasks").get("wave").get("application_args").elements()).stream()
                .map(JsonNode::asText).toList();
        assertTrue(waveArgs.containsAll(List.of("wave", "--dataset=users-v1", "--target-version=2", "--conf", "drover.batching.max-rows=1000")),
                waveArgs.toString());

        // the plan task for real, through SparkSubmit with the DAG's Spark conf
        JsonNode plan = dag.get("tasks").get("plan");
        List<String> command = Project.javaCommand(Project.testClasspath(), List.of());
        command.addAll(List.of("org.apache.spark.deploy.SparkSubmit", "--master", "local[2]", "--class", plan.get("java_class").asText()));
        plan.get("conf").fields().forEachRemaining(e -> command.addAll(List.of("--conf", e.getKey() + "=" + e.getValue().asText())));
        command.addAll(List.of("--conf", "spark.driver.host=127.0.0.1", "--conf", "spark.ui.enabled=false",
                Project.root().resolve("consumer-notifier/target/drover.jar").toString()));
        command.addAll(local(plan, ws));
        Path out = tmp.resolve("plan.out");
        try (Driver driver = Driver.start(command, out)) {
            assertEquals(0, driver.waitFor(300), driver.stderr());
        }
        String printed = Files.readString(out);
        assertTrue(printed.contains("Wave of dataset=users-v1 version=2: 1 migration(s) to run"), printed);
        assertTrue(printed.contains("users/V2") && printed.contains("Nothing was written (dry run)."), printed);

        // with the defaults (no datasets, any version) the same task selects every pending migration
        JsonNode defaults = read("{}");
        Cli all = Cli.run(local(defaults.get("tasks").get("plan"), ws));
        assertEquals(0, all.exitCode(), all.err());
        assertTrue(all.out().contains("Wave of all: 2 migration(s) to run"), all.out());
    }

    /** submit/airflow/drover_sync.py: sync --all then transition, each task's arguments run for real against a window. */
    @Test
    void theSyncDagKeepsAWindowInStepAndChecksIt() throws Exception {
        JsonNode dag = read("submit/airflow/drover_sync.py", "{\"verify\": \"true\"}");
        assertEquals("drover_sync", dag.get("dag_id").asText());
        assertEquals("[[\"sync\",\"transition\"]]", dag.get("edges").toString());
        E2eWorkspace ws = new E2eWorkspace(tmp.resolve("ws"), 2_000, 2, 0, 1_000);
        assertEquals(0, Cli.run(ws.command("migrate", "users/V2")).exitCode());
        String v1 = ws.warehouse.resolve("users_v1").toUri().toString();
        dev.drover.testing.SharedSpark.session().sql("DELETE FROM delta.`" + v1 + "` WHERE user_id < 5");
        Cli sync = Cli.run(local(dag.get("tasks").get("sync"), ws));
        assertEquals(0, sync.exitCode(), sync.err() + sync.out());
        assertTrue(sync.out().contains("users/V2") && sync.out().contains("passed"), sync.out());
        assertEquals(2_000 - 5, ws.table("users_v2").count(), "the sync deleted the five users from users-v2");
        assertTrue(sync.err().contains("window sync(s) to run") || sync.out().contains("window sync(s) to run"), sync.out() + sync.err());
        Cli transition = Cli.run(local(dag.get("tasks").get("transition"), ws));
        assertEquals(0, transition.exitCode(), transition.err());
        assertTrue(transition.out().contains("lag 0 version(s)"), transition.out());
    }

    /** The task's arguments pointed at the test workspace instead of /opt/drover and prod. */
    private static List<String> local(JsonNode task, E2eWorkspace ws) {
        List<String> args = new ArrayList<>();
        List<String> given = iterate(task.get("application_args").elements()).stream().map(JsonNode::asText).toList();
        for (int i = 0; i < given.size(); i++) {
            String a = given.get(i);
            if (a.equals("--conf-dir")) {
                i++;
                continue;
            }
            args.add(a.equals("drover.environment=prod") ? "drover.environment=test" : a);
        }
        List<String> all = ws.options();
        all.addAll(args);
        return all;
    }

    private static JsonNode read(String params) throws Exception {
        return read("submit/airflow/drover_wave.py", params);
    }

    private static JsonNode read(String dagFile, String params) throws Exception {
        Process p = new ProcessBuilder("python3", Project.root().resolve("tests/airflow/read_dag.py").toString(),
                Project.root().resolve(dagFile).toString(), params).start();
        String json = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), err);
        return Render.JSON.readTree(json);
    }

    private static <T> List<T> iterate(java.util.Iterator<T> it) {
        List<T> list = new ArrayList<>();
        it.forEachRemaining(list::add);
        return list;
    }
}
