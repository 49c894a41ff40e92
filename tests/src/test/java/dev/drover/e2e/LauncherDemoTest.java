package dev.drover.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's first command, through the launcher script, on a smaller dataset. */
class LauncherDemoTest {
    @TempDir
    Path tmp;

    @Test
    void demoRunsEveryStepThroughTheLauncher() throws Exception {
        Path out = tmp.resolve("demo.out");
        Path dir = tmp.resolve("demo");
        List<String> command = List.of("bash", Project.root().resolve("submit/drover").toString(),
                "--conf", "drover.environment=test", "demo", "--rows", "40000", "--dir", dir.toString());
        String driverErr;
        try (Driver driver = Driver.start(command, out)) {
            assertEquals(0, driver.waitFor(600), driver.stderr());
            driverErr = driver.stderr();
        }
        String text = Files.readString(out);
        // what a user sees stays clean: no terminal escape codes from the build, no Spark warnings
        assertTrue(!text.contains("\u001b[") && !driverErr.contains("\u001b["), "escape codes in the output");
        assertTrue(driverErr.lines().noneMatch(l -> l.contains(" WARN ")), "warnings on stderr:\n" + driverErr);
        for (String step : List.of("starting a local Kafka broker", "1/12 generating", "2/12 drover plan users/V2",
                "3/12 drover migrate users/V2", "4/12 drover status", "5/12 drover notify", "6/12 drover rollback",
                "7/12 drover migrate users/V2 (again", "8/12 drover notify", "9/12 a producer writes users-v1",
                "10/12 the consumers acknowledge", "11/12 drover retire users/V2", "12/12 summary", "local Kafka broker stopped")) {
            assertTrue(text.contains(step), "missing step " + step + " in:\n" + text);
        }
        assertTrue(text.contains("Nothing was written (dry run)."), text);
        assertTrue(text.contains("emptied users-v2 (the run created it)"), text);
        // 39,998 rows migrated (two scores are not numbers); the producer then deleted 40 users and added 500
        assertTrue(text.contains("users-v2 now has 40,458 rows in 5 columns"), text);
        assertTrue(text.contains("synced: 580 keys changed: 500 inserted, 40 updated, 40 deleted, 0 quarantined"), text);
        assertTrue(text.contains("consumers 5 of 5 moved"), text);
        assertTrue(text.contains("users-v1 retired"), text);
        assertTrue(Files.readString(dir.resolve("conf/catalog/users.yaml")).contains("lifecycle: deprecated"), "the demo's copy of the catalog");
        assertTrue(!Files.readString(Project.root().resolve("conf/catalog/users.yaml")).contains("lifecycle: deprecated"),
                "the project's catalog is left alone");
        // Read back from the broker: each consumer got migrated, rolled-back, migrated, in order.
        java.util.Map<String, List<String>> received = new java.util.TreeMap<>();
        String current = null;
        for (String line : text.lines().toList()) {
            var consumer = java.util.regex.Pattern.compile("^    ([a-z-]+) \\(").matcher(line);
            var event = java.util.regex.Pattern.compile("^      \\S+  dev\\.drover\\.dataset\\.(\\S+)  id=").matcher(line);
            if (consumer.find()) {
                current = consumer.group(1);
            } else if (event.find() && current != null) {
                received.computeIfAbsent(current, k -> new java.util.ArrayList<>()).add(event.group(1));
            }
        }
        List<String> expected = List.of("migrated", "rolled-back", "migrated", "retired");
        assertEquals(java.util.Map.of("billing-export", expected, "churn-model", expected, "signup-dashboard", expected,
                "signup-queries", expected), received, text);
        // the consumer with an update endpoint was called for each event; the one with a repository got a branch
        assertTrue(text.contains("profile-service's update endpoint was called 4 time(s):"), text);
        assertEquals(List.of("migrated", "rolled-back", "migrated", "retired"), text.lines()
                .filter(l -> l.matches("^      dev\\.drover\\.dataset\\.\\S+  id=\\S+:profile-service:\\S+:endpoint$"))
                .map(l -> l.trim().split("\\s+")[0].substring("dev.drover.dataset.".length())).toList(), text);
        assertTrue(text.contains("git -C " + dir.toAbsolutePath().normalize().resolve("consumer-repos/signup-queries") + " diff main..drover/users-V2"), text);
        assertTrue(text.contains("    -SELECT user_id, name, dt\n") && text.contains("    +SELECT user_id, display_name AS name, dt\n"), text);
        assertTrue(text.contains("    +FROM users_v2"), text);
        assertTrue(text.contains("churn-model (ml.dataset-updates)"), "per-consumer topic from the catalog: " + text);
        assertTrue(Files.exists(dir.resolve("state/ledger/runs/_delta_log")), "ledger written under the demo folder");
    }

    /**
     * {@code submit/drover demo --s3}: the same steps with every table and the ledger on s3a against
     * the local S3 server the demo starts and stops. Its objects are files under the demo folder;
     * the target is read back from them, and the server's throwaway keys appear nowhere the demo
     * wrote or printed.
     */
    @Test
    void demoOnS3ThroughTheLauncher() throws Exception {
        Path out = tmp.resolve("demo-s3.out");
        Path dir = tmp.resolve("demo-s3");
        List<String> command = List.of("bash", Project.root().resolve("submit/drover").toString(),
                "--conf", "drover.environment=test", "demo", "--s3", "--rows", "5000", "--dir", dir.toString());
        String driverErr;
        try (Driver driver = Driver.start(command, out)) {
            assertEquals(0, driver.waitFor(600), driver.stderr());
            driverErr = driver.stderr();
        }
        String text = Files.readString(out);
        assertTrue(driverErr.lines().noneMatch(l -> l.contains(" WARN ")), "warnings on stderr:\n" + driverErr);
        for (String step : List.of("starting a local S3-compatible server", "bucket drover-demo", "3/12 drover migrate users/V2",
                "6/12 drover rollback", "9/12 a producer writes users-v1", "11/12 drover retire users/V2", "12/12 summary",
                "users-v2 now has 5,495 rows in 5 columns at s3a://drover-demo/warehouse/users_v2",
                "ledger tables:    s3a://drover-demo/state/ledger/", "local S3 server stopped")) {
            assertTrue(text.contains(step), "missing '" + step + "' in:\n" + text);
        }
        Path bucket = dir.resolve("s3/data/drover-demo");
        assertTrue(Files.isDirectory(bucket.resolve("state/ledger/runs/_delta_log")), "the ledger is on S3");
        assertTrue(!Files.exists(dir.resolve("warehouse")) && !Files.exists(dir.resolve("state")), "nothing on the local disk");
        try (var locks = Files.list(bucket.resolve("state/locks"))) {
            assertEquals(List.of(), locks.filter(p -> p.toString().endsWith(".lock")).toList(), "every run let its lock go");
        } catch (java.nio.file.NoSuchFileException none) {
            // no lock folder left at all
        }
        // the server keeps objects as plain files: the Delta table reads back from them
        long rows = dev.drover.testing.SharedSpark.session().read().format("delta").load(bucket.resolve("warehouse/users_v2").toString()).count();
        assertEquals(5_495, rows, "5,000 migrated, then a sync: 5 deleted and 500 added");
        java.util.Properties server = new java.util.Properties();
        try (var in = Files.newInputStream(dir.resolve("s3/s3proxy.properties"))) {
            server.load(in);
        }
        String secret = server.getProperty("s3proxy.credential");
        assertTrue(secret != null && secret.length() >= 32, "the server's key");
        assertTrue(!text.contains(secret) && !driverErr.contains(secret), "the key is never printed");
        try (var files = Files.walk(bucket)) {
            for (Path file : files.filter(Files::isRegularFile).filter(p -> p.toString().endsWith(".json")).toList()) {
                assertTrue(!Files.readString(file).contains(secret), "the key in " + file);
            }
        }
    }
}
