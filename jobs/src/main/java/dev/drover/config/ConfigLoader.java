package dev.drover.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigOrigin;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValue;
import dev.drover.common.Messages;
import dev.drover.error.ConfigError;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

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
        if (!Files.exists(confDir.resolve("drover.conf")) && !Files.isDirectory(confDir.resolve("catalog"))) {
            throw new ConfigError("--conf-dir", "", "folder " + confDir.toAbsolutePath().normalize()
                    + " holds neither drover.conf nor catalog/; expected a Drover config folder (drover.conf, catalog/, templates/, migrations/)");
        }
        Config defaults = ConfigFactory.parseResources(ConfigLoader.class.getClassLoader(), DEFAULTS,
                ConfigParseOptions.defaults().setAllowMissing(false));
        Path userFile = confDir.resolve("drover.conf");
        Config user = Files.exists(userFile) ? parse(userFile) : ConfigFactory.empty();
        Config cli = parseOverrides(overrides);
        checkKnown(cli, defaults);
        checkKnown(user, defaults);

        Config base = cli.withFallback(user).withFallback(defaults);
        String environment = resolve(base, "the configuration").getString("drover.environment");
        Path overlayFile = confDir.resolve("environments").resolve(environment + ".conf");
        Config overlay = Files.exists(overlayFile) ? parse(overlayFile) : ConfigFactory.empty();
        checkKnown(overlay, defaults);
        Config merged = resolve(cli.withFallback(overlay).withFallback(user).withFallback(defaults),
                overlayFile.toString());
        return typed(confDir, merged);
    }

    /**
     * Where a setting's value came from, for errors: its file, {@code --conf}, or the environment.
     * A bad value is reported where it was written, not where its default is.
     */
    private static String origin(Config d, String key) {
        try {
            ConfigOrigin o = d.getValue(key).origin();
            if (o.filename() != null) {
                return o.filename();
            }
            String description = o.description();
            return description.startsWith("--conf") ? "--conf" : description.contains("env") ? "environment variables" : description;
        } catch (ConfigException e) {
            return "the configuration";
        }
    }

    /**
     * A free-form object as flat settings, however they were written: {@code "spark.executor.cores" = 3}
     * in a file and {@code --conf drover.spark.conf.spark.executor.cores=3} both give the key
     * {@code spark.executor.cores}.
     */
    private static Map<String, String> settings(Config d, String path) {
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, ConfigValue> entry : d.getConfig(path).entrySet()) {
            out.put(String.join(".", ConfigUtil.splitPath(entry.getKey())), String.valueOf(entry.getValue().unwrapped()));
        }
        return out;
    }

    /** Objects whose keys are the user's to choose (Spark settings, Kafka client settings). */
    private static final Set<String> FREE_FORM = Set.of("spark.conf", "notify.kafka");

    /**
     * Refuses a {@code drover.*} key the defaults do not have (a typo would otherwise be ignored
     * silently), naming where it was written and the nearest known key.
     */
    private static void checkKnown(Config layer, Config defaults) {
        if (!layer.hasPath("drover") || !(layer.getValue("drover") instanceof ConfigObject drover)) {
            return;
        }
        Set<String> known = new TreeSet<>();
        collect(defaults.getObject("drover"), "", known);
        check(drover, "", known);
    }

    private static void collect(ConfigObject object, String prefix, Set<String> paths) {
        for (Map.Entry<String, ConfigValue> e : object.entrySet()) {
            String path = prefix + e.getKey();
            paths.add(path);
            if (e.getValue() instanceof ConfigObject child && !FREE_FORM.contains(path)) {
                collect(child, path + ".", paths);
            }
        }
    }

    private static void check(ConfigObject object, String prefix, Set<String> known) {
        for (Map.Entry<String, ConfigValue> e : object.entrySet()) {
            String path = prefix + e.getKey();
            if (!known.contains(path)) {
                String where = e.getValue().origin().filename() != null ? e.getValue().origin().filename() : "--conf";
                throw new ConfigError(where, "drover." + path, "unknown key; did you mean drover." + nearest(path, known) + "?");
            }
            if (e.getValue() instanceof ConfigObject child && !FREE_FORM.contains(path)) {
                check(child, path + ".", known);
            }
        }
    }

    /** The known key closest to {@code key} by edit distance. */
    static String nearest(String key, Set<String> known) {
        String best = "";
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : known) {
            int d = distance(key, candidate);
            if (d < bestDistance) {
                best = candidate;
                bestDistance = d;
            }
        }
        return best;
    }

    private static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                current[j] = Math.min(Math.min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
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
                cli = ConfigFactory.parseString(key + " = " + quote(value),
                        ConfigParseOptions.defaults().setOriginDescription("--conf " + key)).withFallback(cli);
            } catch (ConfigException e) {
                throw new ConfigError("--conf", key, "not a valid config key: " + Messages.firstLine(e.getMessage()));
            }
        }
        return cli;
    }

    private static String quote(String value) {
        return "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    private static DroverConfig typed(Path confDir, Config c) {
        Config d = c.getConfig("drover");
        String warehouse = Locations.normalize(string(d, "warehouse"));
        String stateDir = string(d, "state-dir");
        stateDir = stateDir.isBlank() ? warehouse + "/_drover" : Locations.normalize(stateDir);
        Map<String, String> sparkConf = new LinkedHashMap<>();
        settings(d, "spark.conf").forEach(sparkConf::put);
        refuseKeys(d, sparkConf);
        s3(d).forEach(sparkConf::putIfAbsent);
        long maxRows = positiveLong(d, "batching.max-rows");
        long smallRows = positiveLong(d, "batching.small-rows");
        int attempts = (int) positiveLong(d, "transform.max-attempts");
        int parallel = (int) positiveLong(d, "transform.parallel-batches");
        int threads = (int) positiveLong(d, "transform.threads");
        int rowAttempts = (int) positiveLong(d, "transform.row-attempts");
        java.time.Duration rowBackoff = duration(d, "transform.row-retry-backoff");
        boolean readBack;
        try {
            readBack = d.getBoolean("checks.read-back");
        } catch (ConfigException e) {
            throw new ConfigError(origin(d, "checks.read-back"), "drover.checks.read-back", "expected true or false");
        }
        double ratio = ratio(d, "quarantine.max-ratio");
        long maxQuarantined;
        try {
            maxQuarantined = d.getLong("quarantine.max-rows");
        } catch (ConfigException e) {
            throw new ConfigError(origin(d, "quarantine.max-rows"), "drover.quarantine.max-rows", "expected a whole number (-1 = no limit)");
        }
        double change;
        try {
            change = d.getDouble("checks.anomaly.row-count-max-change");
        } catch (ConfigException e) {
            throw new ConfigError(origin(d, "checks.anomaly.row-count-max-change"), "drover.checks.anomaly.row-count-max-change", "expected a share of rows (0.5 = 50 %; -1 = off)");
        }
        String progressText = string(d, "progress").toUpperCase(Locale.ROOT);
        DroverConfig.Progress progress;
        try {
            progress = DroverConfig.Progress.valueOf(progressText);
        } catch (IllegalArgumentException e) {
            throw new ConfigError(origin(d, "progress"), "drover.progress", "expected auto, always or never, got '" + progressText.toLowerCase(Locale.ROOT) + "'");
        }
        try {
            return new DroverConfig(confDir, string(d, "environment"), warehouse, stateDir,
                    string(d, "spark.master"), string(d, "spark.app-name"), sparkConf,
                    maxRows, smallRows, attempts, parallel, threads, rowAttempts, rowBackoff, string(d, "quarantine.suffix"), ratio,
                    maxQuarantined, change, readBack,
                    duration(d, "lock.lease"), duration(d, "lock.heartbeat"), progress, notify(d), wave(d), fleet(d), agent(d),
                    alerts(d), sync(d), deliveries(d), duration(d, "publish.max-staging-age"));
        } catch (ConfigException e) {
            throw new ConfigError("the configuration", "", Messages.firstLine(e.getMessage()));
        }
    }

    /** s3a settings that would hold a secret: keys, session tokens, encryption keys. */
    private static final java.util.regex.Pattern S3A_SECRET = java.util.regex.Pattern.compile(
            "^(spark\\.hadoop\\.)?fs\\.s3[an]?\\.(bucket\\.[^.]+\\.)?(access\\.key|secret\\.key|session\\.token"
                    + "|server-side-encryption\\.key|encryption\\.key)$");

    /** Keys in a config file end up in git and in every copy of it: they come from the environment. */
    private static void refuseKeys(Config d, Map<String, String> sparkConf) {
        for (String key : sparkConf.keySet()) {
            if (S3A_SECRET.matcher(key).matches()) {
                String where = origin(d, ConfigUtil.joinPath("spark", "conf", key));
                throw new ConfigError(where.equals("the configuration") ? origin(d, "spark.conf." + key) : where, "drover.spark.conf." + key, "is a secret and does not go in the "
                        + "configuration (value not shown); set AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN in "
                        + "the environment, or name a provider in drover.storage.s3.credentials-provider");
            }
        }
    }

    /** {@code drover.storage.s3} as the s3a settings it stands for (only those given). */
    static Map<String, String> s3(Config d) {
        Map<String, String> out = new LinkedHashMap<>();
        String prefix = "spark.hadoop.fs.s3a.";
        String endpoint = string(d, "storage.s3.endpoint").trim();
        if (!endpoint.isEmpty()) {
            if (!endpoint.matches("(?i)(https?://)?[A-Za-z0-9.-]+(:\\d+)?/?")) {
                throw new ConfigError(origin(d, "storage.s3.endpoint"), "drover.storage.s3.endpoint",
                        "expected a URL such as http://127.0.0.1:9000 or a host name such as s3.eu-west-1.amazonaws.com, got '" + endpoint + "'");
            }
            out.put(prefix + "endpoint", endpoint.replaceAll("/$", ""));
            if (endpoint.regionMatches(true, 0, "http://", 0, 7)) {
                out.put(prefix + "connection.ssl.enabled", "false");
            }
        }
        String region = string(d, "storage.s3.region").trim();
        if (!region.isEmpty()) {
            if (!region.matches("[a-z0-9-]+")) {
                throw new ConfigError(origin(d, "storage.s3.region"), "drover.storage.s3.region",
                        "expected a region name such as eu-west-1, got '" + region + "'");
            }
            out.put(prefix + "endpoint.region", region);
        }
        try {
            // only when asked: false would override a cluster's own core-site.xml
            if (d.getBoolean("storage.s3.path-style-access")) {
                out.put(prefix + "path.style.access", "true");
            }
        } catch (ConfigException e) {
            throw new ConfigError(origin(d, "storage.s3.path-style-access"), "drover.storage.s3.path-style-access", "expected true or false");
        }
        String provider = string(d, "storage.s3.credentials-provider").trim();
        if (!provider.isEmpty()) {
            if (!provider.matches("[\\w.$]+(\\s*,\\s*[\\w.$]+)*")) {
                throw new ConfigError(origin(d, "storage.s3.credentials-provider"), "drover.storage.s3.credentials-provider",
                        "expected class names separated by commas, such as com.amazonaws.auth.DefaultAWSCredentialsProviderChain");
            }
            out.put(prefix + "aws.credentials.provider", provider);
        }
        String markers = string(d, "storage.s3.directory-marker-retention").trim();
        if (!markers.isEmpty()) {
            if (!List.of("keep", "delete", "authoritative").contains(markers)) {
                throw new ConfigError(origin(d, "storage.s3.directory-marker-retention"), "drover.storage.s3.directory-marker-retention",
                        "expected keep, delete or authoritative (or empty: s3a's default), got '" + markers + "'");
            }
            out.put(prefix + "directory.marker.retention", markers);
        }
        return out;
    }

    private static AlertSettings alerts(Config d) {
        String slack = string(d, "alerts.slack-webhook").trim();
        String pagerduty = string(d, "alerts.pagerduty-url").trim();
        // the values are secrets: errors name the key and what was expected, never what was given
        for (String[] url : new String[][] {{"alerts.slack-webhook", slack}, {"alerts.pagerduty-url", pagerduty}}) {
            if (!url[1].isEmpty() && !url[1].matches("(?i)https?://[^\\s/]+(/\\S*)?")) {
                throw new ConfigError(origin(d, url[0]), "drover." + url[0], "expected an http:// or https:// URL (value not shown: it may be a secret)");
            }
        }
        double factor;
        try {
            factor = d.getDouble("alerts.runtime-factor");
        } catch (ConfigException e) {
            throw new ConfigError(origin(d, "alerts.runtime-factor"), "drover.alerts.runtime-factor", "expected a number above 0 such as 2.0");
        }
        if (factor <= 0) {
            throw new ConfigError(origin(d, "alerts.runtime-factor"), "drover.alerts.runtime-factor", "expected a number above 0, got " + factor);
        }
        return new AlertSettings(slack, string(d, "alerts.pagerduty-routing-key").trim(), pagerduty, factor,
                ratio(d, "alerts.quarantine-warning"), (int) positiveLong(d, "alerts.attempts"), duration(d, "alerts.backoff"),
                duration(d, "alerts.timeout"));
    }

    private static AgentSettings agent(Config d) {
        for (String key : List.of("agent.requests-topic", "agent.replies-topic")) {
            String topic = string(d, key);
            if (!NotifySettings.validTopic(topic)) {
                throw new ConfigError(origin(d, key), "drover." + key, "expected a Kafka topic name (1-249 letters, digits, '.', '_' or '-'), got '" + topic + "'");
            }
        }
        String group = string(d, "agent.group-id").trim();
        if (group.isEmpty()) {
            throw new ConfigError(origin(d, "agent.group-id"), "drover.agent.group-id", "expected a Kafka consumer group id, got an empty one");
        }
        return new AgentSettings(string(d, "agent.requests-topic"), string(d, "agent.replies-topic"), group,
                duration(d, "agent.poll-interval"), duration(d, "agent.drain-timeout"), string(d, "agent.reply-type-prefix"));
    }

    private static SyncSettings sync(Config d) {
        boolean deletionVectors;
        try {
            deletionVectors = d.getBoolean("sync.deletion-vectors");
        } catch (ConfigException e) {
            throw new ConfigError(origin(d, "sync.deletion-vectors"), "drover.sync.deletion-vectors", "expected true or false");
        }
        java.time.Duration lag = duration(d, "sync.max-lag");
        if (lag.isZero()) {
            throw new ConfigError(origin(d, "sync.max-lag"), "drover.sync.max-lag", "expected a duration above 0 such as 1h");
        }
        return new SyncSettings(lag, (int) nonNegativeLong(d, "sync.verify-every", " (0 = only drover sync --verify)"),
                deletionVectors, duration(d, "transition.remind-before"));
    }

    private static DeliverySettings deliveries(Config d) {
        String prefix = string(d, "notify.repository.branch-prefix").trim();
        if (prefix.isEmpty() || !org.eclipse.jgit.lib.Repository.isValidRefName("refs/heads/" + prefix + "x-V1")) {
            throw new ConfigError(origin(d, "notify.repository.branch-prefix"), "drover.notify.repository.branch-prefix",
                    "expected the start of a git branch name such as drover/, got '" + prefix + "'");
        }
        java.time.Duration timeout = duration(d, "notify.endpoint.timeout");
        if (timeout.isZero()) {
            throw new ConfigError(origin(d, "notify.endpoint.timeout"), "drover.notify.endpoint.timeout", "expected a duration above 0 such as 10s");
        }
        return new DeliverySettings(timeout, (int) positiveLong(d, "notify.endpoint.attempts"), duration(d, "notify.endpoint.backoff"),
                prefix, string(d, "notify.repository.author-name"), string(d, "notify.repository.author-email"));
    }

    private static WaveSettings wave(Config d) {
        int parallel = (int) positiveLong(d, "wave.parallel");
        int weight = (int) positiveLong(d, "quota.weight");
        return new WaveSettings(parallel, new dev.drover.model.Quota(weight, (int) nonNegativeLong(d, "quota.min-share", ""),
                (int) nonNegativeLong(d, "quota.max-tasks", " (0 = no limit)")));
    }

    private static FleetSettings fleet(Config d) {
        boolean dynamic;
        try {
            dynamic = d.getBoolean("fleet.dynamic-allocation");
        } catch (ConfigException e) {
            throw new ConfigError(origin(d, "fleet.dynamic-allocation"), "drover.fleet.dynamic-allocation", "expected true or false");
        }
        int min = (int) nonNegativeLong(d, "fleet.min-executors", "");
        int max = (int) positiveLong(d, "fleet.max-executors");
        if (max < min) {
            throw new ConfigError(origin(d, "fleet.max-executors"), "drover.fleet.max-executors",
                    "expected at least drover.fleet.min-executors (" + min + "), got " + max);
        }
        java.time.Duration idle = duration(d, "fleet.idle-timeout");
        if (idle.isZero()) {
            throw new ConfigError(origin(d, "fleet.idle-timeout"), "drover.fleet.idle-timeout", "expected a duration above 0 such as 60s");
        }
        return new FleetSettings(dynamic, min, max, idle, (int) nonNegativeLong(d, "fleet.scale-up.backlog", ""),
                duration(d, "fleet.scale-up.after"), (int) positiveLong(d, "fleet.scale-up.step"), duration(d, "fleet.policy-interval"));
    }

    private static long nonNegativeLong(Config d, String key, String note) {
        long value;
        try {
            value = d.getLong(key);
        } catch (ConfigException e) {
            throw new ConfigError(origin(d, key), "drover." + key, "expected a whole number of 0 or more" + note);
        }
        if (value < 0) {
            throw new ConfigError(origin(d, key), "drover." + key, "expected a whole number of 0 or more" + note + ", got " + value);
        }
        return value;
    }

    private static NotifySettings notify(Config d) {
        Map<String, String> kafka = new java.util.TreeMap<>();
        for (Map.Entry<String, String> entry : settings(d, "notify.kafka").entrySet()) {
            String owned = NotifySettings.checkKafkaKey(entry.getKey());
            if (owned != null) {
                throw new ConfigError(origin(d, "notify.kafka"), "drover.notify.kafka." + entry.getKey(), "is set by Drover itself (idempotent producer, "
                        + "acks=all, JSON events); remove it (bootstrap servers go in drover.notify.bootstrap-servers)");
            }
            kafka.put(entry.getKey(), entry.getValue());
        }
        String topic = string(d, "notify.topic");
        String ackTopic = string(d, "notify.ack-topic");
        for (String[] t : new String[][] {{"notify.topic", topic}, {"notify.ack-topic", ackTopic}}) {
            if (!NotifySettings.validTopic(t[1])) {
                throw new ConfigError(origin(d, t[0]), "drover." + t[0], "expected a Kafka topic name (letters, digits, '.', '_', '-'), got '" + t[1] + "'");
            }
        }
        return new NotifySettings(string(d, "notify.bootstrap-servers").trim(), topic, ackTopic,
                string(d, "notify.event-type-prefix"), duration(d, "notify.deadline"),
                duration(d, "notify.phased-interval"), string(d, "notify.read-more-url"),
                duration(d, "notify.delivery-timeout"), duration(d, "notify.retry-backoff"),
                duration(d, "notify.max-block"), kafka);
    }

    private static java.time.Duration duration(Config d, String key) {
        try {
            java.time.Duration value = d.getDuration(key);
            if (value.isNegative()) {
                throw new ConfigError(origin(d, key), "drover." + key, "expected a duration of 0 or more, got " + d.getString(key));
            }
            return value;
        } catch (ConfigException e) {
            throw new ConfigError(origin(d, key), "drover." + key, "expected a duration such as 30s, 10m or 24h");
        }
    }

    private static String string(Config d, String key) {
        try {
            return d.getString(key);
        } catch (ConfigException e) {
            throw new ConfigError(origin(d, key), "drover." + key, "expected a string: " + Messages.firstLine(e.getMessage()));
        }
    }

    private static long positiveLong(Config d, String key) {
        long value;
        try {
            value = d.getLong(key);
        } catch (ConfigException e) {
            throw new ConfigError(origin(d, key), "drover." + key, "expected a whole number above 0");
        }
        if (value <= 0) {
            throw new ConfigError(origin(d, key), "drover." + key, "expected a whole number above 0, got " + value);
        }
        return value;
    }

    private static double ratio(Config d, String key) {
        double value;
        try {
            value = d.getDouble(key);
        } catch (ConfigException e) {
            throw new ConfigError(origin(d, key), "drover." + key, "expected a number between 0 and 1");
        }
        if (value < 0 || value > 1) {
            throw new ConfigError(origin(d, key), "drover." + key, "expected a number between 0 and 1, got " + value);
        }
        return value;
    }

}
