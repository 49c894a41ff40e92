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
    void embeddedDefaultsApplyWhenTheFolderHasNoDroverConf() {
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
        assertTrue(e.getMessage().startsWith(conf.resolve("drover.conf").toString()), e.getMessage());
    }
}
