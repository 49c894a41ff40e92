package dev.drover.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The same commands through Spark's own SparkSubmit entry point and the shaded application jar. */
class SparkSubmitTest {
    @TempDir
    Path tmp;

    @Test
    void migrateAndStatusRunThroughSparkSubmitWithTheShadedJar() throws Exception {
        Path jar = Project.root().resolve("consumer-notifier/target/drover.jar");
        assertTrue(Files.exists(jar), "the build made " + jar);
        E2eWorkspace ws = new E2eWorkspace(tmp, 5_000, 5, 0, 2_000);

        Path stdout = tmp.resolve("submit.out");
        List<String> command = Project.javaCommand(Project.testClasspath(), List.of());
        command.addAll(List.of("org.apache.spark.deploy.SparkSubmit", "--master", "local[2]",
                "--conf", "spark.driver.host=127.0.0.1", "--conf", "spark.ui.enabled=false",
                "--class", "dev.drover.cli.DroverCli", jar.toString()));
        command.addAll(ws.command("migrate", "users/V2"));
        try (Driver driver = Driver.start(command, stdout)) {
            int exit = driver.waitFor(300);
            assertEquals(0, exit, driver.stderr());
        }
        String out = Files.readString(stdout);
        assertTrue(out.contains("users/V2 succeeded: 5,000 rows written, 0 quarantined"), out);
        assertEquals(5_000, ws.table("users_v2").count());
        assertEquals(1, ws.history("users_v2").count(), "the run's batches were published in one commit");
        assertEquals(1, ws.history("users_v2").where("get_json_object(userMetadata, '$.stage') = 'deploy'").count(),
                "tagged as the run's publish");

        Path bad = tmp.resolve("bad.out");
        List<String> badCommand = Project.javaCommand(Project.testClasspath(), List.of());
        badCommand.addAll(List.of("org.apache.spark.deploy.SparkSubmit", "--master", "local[1]",
                "--class", "dev.drover.cli.DroverCli", jar.toString()));
        badCommand.addAll(ws.command("migrate", "users/V9"));
        try (Driver driver = Driver.start(badCommand, bad)) {
            assertEquals(2, driver.waitFor(120), driver.stderr());
            assertTrue(driver.stderr().contains("no migration 'users/V9'"), driver.stderr());
        }
    }
}
