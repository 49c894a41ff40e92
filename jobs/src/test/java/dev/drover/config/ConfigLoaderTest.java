package dev.drover.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.drover.error.ConfigError;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
    @TempDir
    Path conf;

    @Test
    void embeddedDefaultsApplyWhenTheFolderHasNoDroverConf() throws Exception {
        Files.createDirectories(conf.resolve("catalog"));
        DroverConfig c = ConfigLoader.load(conf, List.of());
        assertEquals(5_000_000, c.batchMaxRows());
        assertEquals(3, c.maxAttempts());
        assertEquals(Duration.ofSeconds(60), c.lockLease());
        assertEquals(c.warehouse() + "/_drover", c.stateDir());
        assertTrue(c.warehouse().startsWith("file:/"), c.warehouse());
    }

    @Test
    void layersFileThenEnvironmentOverlayThenCommandLine() throws Exception {
        Files.writeString(conf.resolve("drover.conf"), "drover { environment = staging, batching.max-rows = 10, transform.max-attempts = 5 }");
        Files.createDirectories(conf.resolve("environments"));
        Files.writeString(conf.resolve("environments/staging.conf"), "drover { batching.max-rows = 20, warehouse = \"s3a://bucket/wh\" }");
        DroverConfig c = ConfigLoader.load(conf, List.of("drover.transform.max-attempts=7"));
        assertEquals(20, c.batchMaxRows(), "overlay beats drover.conf");
        assertEquals(7, c.maxAttempts(), "--conf beats everything");
        assertEquals("s3a://bucket/wh", c.warehouse());
        assertEquals("s3a://bucket/wh/users_v1", c.resolveLocation("users_v1"));
        assertEquals("file:/x/y", c.resolveLocation("file:/x/y"));
        assertEquals("file:///data/markets", c.resolveLocation("/data/markets"), "an absolute path is taken as it is");
        assertEquals(20, ConfigLoader.load(conf, List.of("drover.environment=staging")).batchMaxRows());
        assertEquals(10, ConfigLoader.load(conf, List.of("drover.environment=prod")).batchMaxRows(), "no prod overlay here");
    }

    @Test
    void environmentVariablesOverrideThroughOptionalSubstitution() throws Exception {
        Files.writeString(conf.resolve("drover.conf"), "drover { spark.app-name = fixed, spark.app-name = ${?PATH} }");
        assertEquals(System.getenv("PATH"), ConfigLoader.load(conf, List.of()).appName());
    }

    @Test
    void badValuesNameTheFileAndKey() throws Exception {
        Files.writeString(conf.resolve("drover.conf"), "drover.lock.lease = soon");
        var e = assertThrows(ConfigError.class, () -> ConfigLoader.load(conf, List.of()));
        assertTrue(e.getMessage().startsWith(conf.resolve("drover.conf").toString() + ": drover.lock.lease: expected a duration"),
                e.getMessage());
        // the same bad value given on the command line is reported as coming from there
        Files.writeString(conf.resolve("drover.conf"), "drover.lock.lease = 60s");
        var cli = assertThrows(ConfigError.class, () -> ConfigLoader.load(conf, List.of("drover.lock.lease=soon")));
        assertTrue(cli.getMessage().startsWith("--conf: drover.lock.lease: expected a duration"), cli.getMessage());
        Files.createDirectories(conf.resolve("environments"));
        Files.writeString(conf.resolve("environments/dev.conf"), "drover.transform.threads = many");
        var overlay = assertThrows(ConfigError.class, () -> ConfigLoader.load(conf, List.of()));
        assertTrue(overlay.getMessage().startsWith(conf.resolve("environments/dev.conf") + ": drover.transform.threads:"),
                overlay.getMessage());
    }

    @Test
    void alertSinksAreOffByDefaultAndTheirSecretsNeverShow() throws Exception {
        Files.createDirectories(conf.resolve("catalog"));
        AlertSettings off = ConfigLoader.load(conf, List.of()).alerts();
        assertTrue(!off.any() && off.attempts() == 3 && off.runtimeFactor() == 2.0, off.toString());
        String hook = "https://hooks.example.test/services/T000/B000/s3cr3tT0ken";
        AlertSettings on = ConfigLoader.load(conf, List.of("drover.alerts.slack-webhook=" + hook,
                "drover.alerts.pagerduty-routing-key=rk-s3cr3t")).alerts();
        assertTrue(on.slack() && on.pagerduty(), on.toString());
        assertEquals(hook, on.slackWebhook());
        assertTrue(!on.toString().contains("s3cr3t"), "toString hides the secrets: " + on);
        // a bad webhook is refused without echoing it
        var e = assertThrows(ConfigError.class, () -> ConfigLoader.load(conf, List.of("drover.alerts.slack-webhook=not-a-url-s3cr3t")));
        assertTrue(e.getMessage().contains("drover.alerts.slack-webhook: expected an http:// or https:// URL") && !e.getMessage().contains("s3cr3t"),
                e.getMessage());
        var factor = assertThrows(ConfigError.class, () -> ConfigLoader.load(conf, List.of("drover.alerts.runtime-factor=0")));
        assertTrue(factor.getMessage().contains("drover.alerts.runtime-factor: expected a number above 0"), factor.getMessage());
    }

    @Test
    void unknownKeysAreRefusedWithTheNearestKnownOne() throws Exception {
        Files.writeString(conf.resolve("drover.conf"), "drover { transform { parallel-batchs = 2 } }");
        var file = assertThrows(ConfigError.class, () -> ConfigLoader.load(conf, List.of()));
        assertEquals(conf.resolve("drover.conf") + ": drover.transform.parallel-batchs: unknown key; did you mean "
                + "drover.transform.parallel-batches?", file.getMessage());
        Files.writeString(conf.resolve("drover.conf"), "drover { }");
        var cli = assertThrows(ConfigError.class, () -> ConfigLoader.load(conf, List.of("drover.nonexistent=1")));
        assertTrue(cli.getMessage().startsWith("--conf: drover.nonexistent: unknown key; did you mean drover."), cli.getMessage());
        // Spark's and Kafka's settings are the user's to name
        DroverConfig free = ConfigLoader.load(conf, List.of("drover.spark.conf.spark.executor.cores=3",
                "drover.notify.kafka.security.protocol=SSL"));
        assertEquals("3", free.sparkConf().get("spark.executor.cores"));
    }

    @Test
    void aFolderThatIsNoDroverConfFolderIsRefused() {
        var e = assertThrows(ConfigError.class, () -> ConfigLoader.load(conf, List.of()));
        assertTrue(e.getMessage().contains("holds neither drover.conf nor catalog/"), e.getMessage());
    }

    @Test
    void waveQuotaAndFleetSettingsHaveDefaultsAndAreChecked() throws Exception {
        Files.createDirectories(conf.resolve("catalog"));
        DroverConfig c = ConfigLoader.load(conf, List.of());
        assertEquals(4, c.wave().parallel());
        assertEquals(new dev.drover.model.Quota(1, 0, 0), c.wave().quota());
        assertEquals(8, c.fleet().maxExecutors());
        assertEquals(Duration.ofSeconds(60), c.fleet().idleTimeout());
        assertEquals(2, c.fleet().scaleUpStep());
        DroverConfig set = ConfigLoader.load(conf, List.of("drover.quota.max-tasks=4", "drover.fleet.min-executors=2",
                "drover.fleet.max-executors=2", "drover.fleet.scale-up.after=3s"));
        assertEquals(4, set.wave().quota().maxTasks());
        assertEquals(Duration.ofSeconds(3), set.fleet().scaleUpAfter());

        var bounds = assertThrows(ConfigError.class, () -> ConfigLoader.load(conf, List.of("drover.fleet.min-executors=3",
                "drover.fleet.max-executors=2")));
        assertTrue(bounds.getMessage().startsWith("--conf: drover.fleet.max-executors: expected at least drover.fleet.min-executors (3)"),
                bounds.getMessage());
        var share = assertThrows(ConfigError.class, () -> ConfigLoader.load(conf, List.of("drover.quota.min-share=-1")));
        assertTrue(share.getMessage().contains("drover.quota.min-share: expected a whole number of 0 or more"), share.getMessage());
        var idle = assertThrows(ConfigError.class, () -> ConfigLoader.load(conf, List.of("drover.fleet.idle-timeout=0s")));
        assertTrue(idle.getMessage().contains("drover.fleet.idle-timeout: expected a duration above 0"), idle.getMessage());
    }

    @Test
    void storageS3BecomesS3aSettingsAndKeysAreRefused() throws Exception {
        Files.createDirectories(conf.resolve("catalog"));
        Files.writeString(conf.resolve("drover.conf"), """
                drover {
                  warehouse = "s3a://lake/warehouse"
                  storage.s3 { endpoint = "http://127.0.0.1:9000", region = eu-west-1, path-style-access = true, directory-marker-retention = keep }
                  spark.conf { "spark.hadoop.fs.s3a.path.style.access" = "false" }
                }""");
        DroverConfig c = ConfigLoader.load(conf, List.of());
        assertEquals("s3a://lake/warehouse/_drover", c.stateDir());
        assertEquals("http://127.0.0.1:9000", c.sparkConf().get("spark.hadoop.fs.s3a.endpoint"));
        assertEquals("false", c.sparkConf().get("spark.hadoop.fs.s3a.connection.ssl.enabled"), "http:// turns TLS off");
        assertEquals("eu-west-1", c.sparkConf().get("spark.hadoop.fs.s3a.endpoint.region"));
        assertEquals("keep", c.sparkConf().get("spark.hadoop.fs.s3a.directory.marker.retention"));
        assertEquals("false", c.sparkConf().get("spark.hadoop.fs.s3a.path.style.access"), "drover.spark.conf wins over storage.s3");
        assertTrue(!c.sparkConf().containsKey("spark.hadoop.fs.s3a.aws.credentials.provider"), "empty: s3a's own chain");
        Files.writeString(conf.resolve("drover.conf"), "drover.warehouse = \"s3a://lake/w\"");
        assertTrue(ConfigLoader.load(conf, List.of()).sparkConf().keySet().stream().noneMatch(k -> k.contains("fs.s3a")),
                "defaults set no s3a key: a cluster's core-site.xml stays in charge");

        Files.writeString(conf.resolve("drover.conf"), "drover.spark.conf { \"spark.hadoop.fs.s3a.secret.key\" = \"wJalrXUtnFEMI\" }");
        var key = assertThrows(ConfigError.class, () -> ConfigLoader.load(conf, List.of()));
        assertTrue(key.getMessage().contains("drover.conf: drover.spark.conf.spark.hadoop.fs.s3a.secret.key: is a secret"), key.getMessage());
        assertTrue(!key.getMessage().contains("wJalrXUtnFEMI"), "the value is not echoed");
        Files.delete(conf.resolve("drover.conf"));
        var bucketKey = assertThrows(ConfigError.class, () -> ConfigLoader.load(conf,
                List.of("drover.spark.conf.fs.s3a.bucket.lake.access.key=AKIAEXAMPLE")));
        assertTrue(bucketKey.getMessage().contains("fs.s3a.bucket.lake.access.key") && !bucketKey.getMessage().contains("AKIAEXAMPLE"),
                bucketKey.getMessage());
        var endpoint = assertThrows(ConfigError.class, () -> ConfigLoader.load(conf, List.of("drover.storage.s3.endpoint=ftp://x y")));
        assertTrue(endpoint.getMessage().contains("drover.storage.s3.endpoint: expected a URL"), endpoint.getMessage());
        var markers = assertThrows(ConfigError.class, () -> ConfigLoader.load(conf,
                List.of("drover.storage.s3.directory-marker-retention=forever")));
        assertTrue(markers.getMessage().contains("expected keep, delete or authoritative"), markers.getMessage());
    }
}
