package dev.drover.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigValue;
import dev.drover.common.Messages;
import dev.drover.error.ConfigError;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Builds {@link DroverConfig}: embedded defaults, then {@code <conf-dir>/drover.conf}, then the
 * environment overlay, then {@code --conf key=value} overrides; {@code ${?ENV}} lines resolve last.
 */
public final class ConfigLoader {
    static final String DEFAULTS = "dev/drover/config/drover.conf";

    private ConfigLoader() {}

    public static DroverConfig load(Path confDir, List<String> overrides) {
        if (!Files.isDirectory(confDir)) {
            throw new ConfigError("--conf-dir", "", "folder " + confDir.toAbsolutePath().normalize()
                    + " does not exist; expected a folder with drover.conf, catalog/, templates/, migrations/");
        }
        Config defaults = ConfigFactory.parseResources(ConfigLoader.class.getClassLoader(), DEFAULTS,
                ConfigParseOptions.defaults().setAllowMissing(false));
        Path userFile = confDir.resolve("drover.conf");
        Config user = Files.exists(userFile) ? parse(userFile) : ConfigFactory.empty();
        Config cli = parseOverrides(overrides);

        Config base = cli.withFallback(user).withFallback(defaults);
        String environment = resolve(base, "the configuration").getString("drover.environment");
        Path overlayFile = confDir.resolve("environments").resolve(environment + ".conf");
        Config overlay = Files.exists(overlayFile) ? parse(overlayFile) : ConfigFactory.empty();
        Config merged = resolve(cli.withFallback(overlay).withFallback(user).withFallback(defaults),
                overlayFile.toString());
        return typed(confDir, merged, userFile.toString());
    }

    private static Config parse(Path file) {
        try {
            return ConfigFactory.parseFile(file.toFile(), ConfigParseOptions.defaults().setAllowMissing(false));
        } catch (ConfigException e) {
            throw new ConfigError(file.toString(), "", Messages.firstLine(e.getMessage()));
        }
    }

    private static Config resolve(Config config, String where) {
        try {
            return config.resolve();
        } catch (ConfigException e) {
            throw new ConfigError(where, "", Messages.firstLine(e.getMessage()));
        }
    }

    private static Config parseOverrides(List<String> overrides) {
        Config cli = ConfigFactory.empty();
        for (String override : overrides) {
            int eq = override.indexOf('=');
            if (eq <= 0) {
                throw new ConfigError("--conf", override, "expected key=value");
            }
            String key = override.substring(0, eq).trim();
            String value = override.substring(eq + 1);
            try {
                cli = ConfigFactory.parseString(key + " = " + quote(value)).withFallback(cli);
            } catch (ConfigException e) {
                throw new ConfigError("--conf", key, "not a valid config key: " + Messages.firstLine(e.getMessage()));
            }
        }
        return cli;
    }

    private static String quote(String value) {
        return "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    private static DroverConfig typed(Path confDir, Config c, String file) {
        Config d = c.getConfig("drover");
        String warehouse = Locations.normalize(string(d, "warehouse", file));
        String stateDir = string(d, "state-dir", file);
        stateDir = stateDir.isBlank() ? warehouse + "/_drover" : Locations.normalize(stateDir);
        Map<String, String> sparkConf = new LinkedHashMap<>();
        for (Map.Entry<String, ConfigValue> entry : d.getObject("spark.conf").entrySet()) {
            String key = entry.getKey();
            sparkConf.put(key, String.valueOf(entry.getValue().unwrapped()));
        }
        long maxRows = positiveLong(d, "batching.max-rows", file);
        int attempts = (int) positiveLong(d, "transform.max-attempts", file);
        int parallel = (int) positiveLong(d, "transform.parallel-batches", file);
        int threads = (int) positiveLong(d, "transform.threads", file);
        int rowAttempts = (int) positiveLong(d, "transform.row-attempts", file);
        java.time.Duration rowBackoff = duration(d, "transform.row-retry-backoff", file);
        boolean readBack;
        try {
            readBack = d.getBoolean("checks.read-back");
        } catch (ConfigException e) {
            throw new ConfigError(file, "drover.checks.read-back", "expected true or false");
        }
        double ratio = ratio(d, "quarantine.max-ratio", file);
        long maxQuarantined;
        try {
            maxQuarantined = d.getLong("quarantine.max-rows");
        } catch (ConfigException e) {
            throw new ConfigError(file, "drover.quarantine.max-rows", "expected a whole number (-1 = no limit)");
        }
        double change;
        try {
            change = d.getDouble("checks.anomaly.row-count-max-change");
        } catch (ConfigException e) {
            throw new ConfigError(file, "drover.checks.anomaly.row-count-max-change", "expected a share of rows (0.5 = 50 %; -1 = off)");
        }
        String progressText = string(d, "progress", file).toUpperCase(Locale.ROOT);
        DroverConfig.Progress progress;
        try {
            progress = DroverConfig.Progress.valueOf(progressText);
        } catch (IllegalArgumentException e) {
            throw new ConfigError(file, "drover.progress", "expected auto, always or never, got '" + progressText.toLowerCase(Locale.ROOT) + "'");
        }
        try {
            return new DroverConfig(confDir, string(d, "environment", file), warehouse, stateDir,
                    string(d, "spark.master", file), string(d, "spark.app-name", file), sparkConf,
                    maxRows, attempts, parallel, threads, rowAttempts, rowBackoff, string(d, "quarantine.suffix", file), ratio,
                    maxQuarantined, change, readBack,
                    d.getDuration("lock.lease"), d.getDuration("lock.heartbeat"), progress, notify(d, file));
        } catch (ConfigException e) {
            throw new ConfigError(file, "", Messages.firstLine(e.getMessage()));
        }
    }

    private static NotifySettings notify(Config d, String file) {
        Map<String, String> kafka = new java.util.TreeMap<>();
        for (Map.Entry<String, ConfigValue> entry : d.getObject("notify.kafka").entrySet()) {
            String owned = NotifySettings.checkKafkaKey(entry.getKey());
            if (owned != null) {
                throw new ConfigError(file, "drover.notify.kafka." + entry.getKey(), "is set by Drover itself (idempotent producer, "
                        + "acks=all, JSON events); remove it (bootstrap servers go in drover.notify.bootstrap-servers)");
            }
            kafka.put(entry.getKey(), String.valueOf(entry.getValue().unwrapped()));
        }
        String topic = string(d, "notify.topic", file);
        String ackTopic = string(d, "notify.ack-topic", file);
        for (String[] t : new String[][] {{"notify.topic", topic}, {"notify.ack-topic", ackTopic}}) {
            if (!NotifySettings.validTopic(t[1])) {
                throw new ConfigError(file, "drover." + t[0], "expected a Kafka topic name (letters, digits, '.', '_', '-'), got '" + t[1] + "'");
            }
        }
        return new NotifySettings(string(d, "notify.bootstrap-servers", file).trim(), topic, ackTopic,
                string(d, "notify.event-type-prefix", file), duration(d, "notify.deadline", file),
                duration(d, "notify.phased-interval", file), string(d, "notify.read-more-url", file),
                duration(d, "notify.delivery-timeout", file), duration(d, "notify.retry-backoff", file),
                duration(d, "notify.max-block", file), kafka);
    }

    private static java.time.Duration duration(Config d, String key, String file) {
        try {
            java.time.Duration value = d.getDuration(key);
            if (value.isNegative()) {
                throw new ConfigError(file, "drover." + key, "expected a duration of 0 or more, got " + d.getString(key));
            }
            return value;
        } catch (ConfigException e) {
            throw new ConfigError(file, "drover." + key, "expected a duration such as 30s, 10m or 24h");
        }
    }

    private static String string(Config d, String key, String file) {
        try {
            return d.getString(key);
        } catch (ConfigException e) {
            throw new ConfigError(file, "drover." + key, "expected a string: " + Messages.firstLine(e.getMessage()));
        }
    }

    private static long positiveLong(Config d, String key, String file) {
        long value;
        try {
            value = d.getLong(key);
        } catch (ConfigException e) {
            throw new ConfigError(file, "drover." + key, "expected a whole number above 0");
        }
        if (value <= 0) {
            throw new ConfigError(file, "drover." + key, "expected a whole number above 0, got " + value);
        }
        return value;
    }

    private static double ratio(Config d, String key, String file) {
        double value;
        try {
            value = d.getDouble(key);
        } catch (ConfigException e) {
            throw new ConfigError(file, "drover." + key, "expected a number between 0 and 1");
        }
        if (value < 0 || value > 1) {
            throw new ConfigError(file, "drover." + key, "expected a number between 0 and 1, got " + value);
        }
        return value;
    }

}
