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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The spark-submit examples of submit/examples: Spark's own argument parser accepts each (master,
 * class, the conf a wave needs), and the drover arguments it passes on are accepted by the real
 * CLI; the local one runs for real through SparkSubmit.
 */
class SubmitExamplesTest {
    @TempDir
    Path tmp;

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"local.sh", "standalone.sh", "yarn.sh", "kubernetes.sh"})
    void sparkSubmitAcceptsEachExampleWithTheConfAWaveNeeds(String example) throws Exception {
        Path parse = script("parse", "dev.drover.e2e.ParseSubmitArgs");
        Run run = run(example, parse);
        assertEquals(0, run.exit(), run.err());
        JsonNode parsed = Render.JSON.readTree(run.out());
        assertEquals("dev.drover.cli.DroverCli", parsed.get("mainClass").asText());
        assertTrue(parsed.get("primaryResource").asText().endsWith("drover.jar"), parsed.toString());
        assertEquals("FAIR", parsed.get("conf").get("spark.scheduler.mode").asText(), parsed.toString());
        assertEquals("io.delta.sql.DeltaSparkSessionExtension", parsed.get("conf").get("spark.sql.extensions").asText());
        if (!example.equals("local.sh")) {
            JsonNode conf = parsed.get("conf");
            assertEquals("true", conf.get("spark.dynamicAllocation.enabled").asText(), example);
            assertEquals("true", conf.get("spark.dynamicAllocation.shuffleTracking.enabled").asText(), example);
            assertTrue(conf.has("spark.dynamicAllocation.cachedExecutorIdleTimeout") && conf.has("spark.dynamicAllocation.shuffleTracking.timeout"),
                    "without both idle timeouts nothing scales down: " + conf);
        }
        // what it hands to drover: the CLI takes it (with --help, so nothing runs)
        List<String> args = new ArrayList<>();
        parsed.get("args").forEach(a -> args.add(a.asText()));
        assertTrue(args.contains("wave"), args.toString());
        args.add("--help");
        Cli help = Cli.run(args);
        assertEquals(0, help.exitCode(), args + ": " + help.err());
    }

    @Test
    void theLocalExampleRunsForReal() throws Exception {
        E2eWorkspace ws = new E2eWorkspace(tmp.resolve("ws"), 2_000, 2, 0, 1_000);
        Path submit = script("submit", "org.apache.spark.deploy.SparkSubmit");
        List<String> args = new ArrayList<>(List.of(Project.root().resolve("submit/examples/local.sh").toString()));
        args.addAll(ws.command("wave", "--plan"));
        // --packages would fetch Delta from a repository: the test's classpath has it already
        Path noPackages = tmp.resolve("local.sh");
        Files.writeString(noPackages, Files.readString(Project.root().resolve("submit/examples/local.sh"))
                .replace("  --packages io.delta:delta-spark_2.12:3.3.2 \\\n", "")
                .replace("ROOT=\"$(cd \"$(dirname \"${BASH_SOURCE[0]}\")/../.." + "\" && pwd)\"", "ROOT=" + Project.root()));
        noPackages.toFile().setExecutable(true);
        args.set(0, noPackages.toString());
        ProcessBuilder builder = new ProcessBuilder(args).directory(Project.root().toFile());
        builder.environment().put("SPARK_SUBMIT", submit.toString());
        builder.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
        Process p = builder.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(300, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), err);
        assertTrue(out.contains("Wave of all: 2 migration(s) to run") && out.contains("Nothing was written (dry run)."), out);
    }

    private record Run(int exit, String out, String err) {}

    private Run run(String example, Path submit) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(Project.root().resolve("submit/examples").resolve(example).toString())
                .directory(Project.root().toFile());
        builder.environment().put("SPARK_SUBMIT", submit.toString());
        Process p = builder.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        return new Run(p.exitValue(), out.lines().filter(l -> l.startsWith("{")).findFirst().orElse(out), err);
    }

    /** An executable that runs {@code mainClass} with the test classpath, as a spark-submit stand-in. */
    private Path script(String name, String mainClass) throws Exception {
        Path file = tmp.resolve(name);
        StringBuilder text = new StringBuilder("#!/usr/bin/env bash\nexec");
        for (String part : Project.javaCommand(Project.testClasspath(), List.of())) {
            text.append(" '").append(part.replace("'", "'\\''")).append('\'');
        }
        text.append(' ').append(mainClass).append(" \"$@\"\n");
        Files.writeString(file, text);
        file.toFile().setExecutable(true);
        return file;
    }
}
