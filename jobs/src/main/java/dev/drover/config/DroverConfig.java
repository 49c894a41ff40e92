package dev.drover.config;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * Typed runtime configuration, built from the HOCON tree in one place ({@link ConfigLoader}).
 * Every key is documented with its default in {@code conf/drover.conf}.
 */
public record DroverConfig(
        Path confDir,
        String environment,
        String warehouse,
        String stateDir,
        String sparkMaster,
        String appName,
        Map<String, String> sparkConf,
        long batchMaxRows,
        long batchSmallRows,
        int maxAttempts,
        int parallelBatches,
        int transformThreads,
        int rowAttempts,
        Duration rowRetryBackoff,
        String quarantineSuffix,
        double quarantineMaxRatio,
        long quarantineMaxRows,
        double rowCountMaxChange,
        boolean readBack,
        Duration lockLease,
        Duration lockHeartbeat,
        Progress progress,
        NotifySettings notifications,
        WaveSettings wave,
        FleetSettings fleet,
        AgentSettings agent,
        AlertSettings alerts,
        SyncSettings sync,
        DeliverySettings deliveries,
        Duration publishMaxStagingAge) {

    public enum Progress { AUTO, ALWAYS, NEVER }

    public DroverConfig {
        requireNonNull(confDir, "confDir is null");
        requireNonNull(environment, "environment is null");
        requireNonNull(warehouse, "warehouse is null");
        requireNonNull(stateDir, "stateDir is null");
        requireNonNull(sparkMaster, "sparkMaster is null");
        requireNonNull(appName, "appName is null");
        sparkConf = Map.copyOf(requireNonNull(sparkConf, "sparkConf is null"));
        requireNonNull(quarantineSuffix, "quarantineSuffix is null");
        requireNonNull(rowRetryBackoff, "rowRetryBackoff is null");
        requireNonNull(lockLease, "lockLease is null");
        requireNonNull(lockHeartbeat, "lockHeartbeat is null");
        requireNonNull(progress, "progress is null");
        requireNonNull(notifications, "notifications is null");
        requireNonNull(wave, "wave is null");
        requireNonNull(fleet, "fleet is null");
        requireNonNull(agent, "agent is null");
        requireNonNull(alerts, "alerts is null");
        requireNonNull(sync, "sync is null");
        requireNonNull(deliveries, "deliveries is null");
        requireNonNull(publishMaxStagingAge, "publishMaxStagingAge is null");
    }

    /** A dataset location: a URI as it is, an absolute path as a file: URI, anything else under the warehouse. */
    public String resolveLocation(String location) {
        if (Locations.isUri(location)) {
            return location;
        }
        if (java.nio.file.Path.of(location).isAbsolute()) {
            return Locations.normalize(location);
        }
        return warehouse + "/" + location;
    }

    /** The same configuration with other notify settings (the demo points it at its own broker). */
    public DroverConfig withNotify(NotifySettings replacement) {
        return new DroverConfig(confDir, environment, warehouse, stateDir, sparkMaster, appName, sparkConf, batchMaxRows,
                batchSmallRows, maxAttempts, parallelBatches, transformThreads, rowAttempts, rowRetryBackoff, quarantineSuffix, quarantineMaxRatio,
                quarantineMaxRows, rowCountMaxChange, readBack,
                lockLease, lockHeartbeat, progress, replacement, wave, fleet, agent, alerts, sync, deliveries, publishMaxStagingAge);
    }

    public Path catalogDir() {
        return confDir.resolve("catalog");
    }

    public Path templatesDir() {
        return confDir.resolve("templates");
    }

    public Path migrationsDir() {
        return confDir.resolve("migrations");
    }
}
