package dev.drover.spec;

import static dev.drover.spec.SpecFields.bool;
import static dev.drover.spec.SpecFields.decimal;
import static dev.drover.spec.SpecFields.object;
import static dev.drover.spec.SpecFields.onlyKeys;
import static dev.drover.spec.SpecFields.share;
import static dev.drover.spec.SpecFields.stringOrList;
import static dev.drover.spec.SpecFields.text;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigList;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigSyntax;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import dev.drover.catalog.Catalog;
import dev.drover.error.SpecError;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Reads and checks migration specs, Flyway style: {@code V<n>__<description>.conf} per family
 * folder, versions without gaps or duplicates. All checks run without Spark, before anything
 * is written.
 */
public final class SpecLoader {
    private static final Pattern FILE = Pattern.compile("^V([1-9][0-9]*)__([a-z0-9]+(?:_[a-z0-9]+)*)\\.conf$");
    private static final Set<String> TOP_LEVEL = Set.of(
            "source", "target", "template", "steps", "batching", "checks", "quota", "rollout", "description");
    private static final Set<String> CHECK_KEYS = Set.of("quarantine", "compatibility", "invariants", "constraints", "anomaly", "changed",
            "read-back");
    private static final Pattern SOURCE_AGGREGATE = Pattern.compile("^\\s*(sum|count|count_if|min|max)\\s*\\(.*\\)\\s*$",
            Pattern.CASE_INSENSITIVE | Pattern.DOTALL);

    private final Catalog catalog;
    private final ClassLoader classLoader;

    public SpecLoader(Catalog catalog, ClassLoader classLoader) {
        this.catalog = catalog;
        this.classLoader = classLoader;
    }

    /** Every spec under the migrations folder, keyed by id ({@code users/V2}), in version order. */
    public Map<String, MigrationSpec> loadAll(Path migrationsDir) {
        Map<String, MigrationSpec> specs = new LinkedHashMap<>();
        if (!Files.isDirectory(migrationsDir)) {
            return specs;
        }
        for (Path familyDir : list(migrationsDir)) {
            if (!Files.isDirectory(familyDir)) {
                if (familyDir.toString().endsWith(".conf")) {
                    throw new SpecError(familyDir.toString(), "", "specs live in a folder per dataset: migrations/<dataset>/V<n>__<description>.conf");
                }
                continue;
            }
            TreeMap<Integer, Path> versions = new TreeMap<>();
            for (Path file : list(familyDir)) {
                String name = file.getFileName().toString();
                if (name.endsWith(".sql") || Files.isDirectory(file)) {
                    continue;
                }
                Matcher m = FILE.matcher(name);
                if (!m.matches()) {
                    throw new SpecError(file.toString(), "file name", "expected V<n>__<description>.conf (description in lower_snake_case), got '" + name + "'");
                }
                int version = Integer.parseInt(m.group(1));
                Path previous = versions.put(version, file);
                if (previous != null) {
                    throw new SpecError(file.toString(), "file name", "version V" + version + " is also used by " + previous.getFileName());
                }
            }
            Integer expected = null;
            for (var entry : versions.entrySet()) {
                if (expected != null && entry.getKey() != expected) {
                    throw new SpecError(entry.getValue().toString(), "file name",
                            "version gap: expected V" + expected + " after V" + (expected - 1) + ", got V" + entry.getKey());
                }
                expected = entry.getKey() + 1;
                MigrationSpec spec = load(entry.getValue());
                specs.put(spec.id(), spec);
            }
        }
        return specs;
    }

    public MigrationSpec load(Path file) {
        String name = file.getFileName().toString();
        Matcher m = FILE.matcher(name);
        if (!m.matches()) {
            throw new SpecError(file.toString(), "file name", "expected V<n>__<description>.conf, got '" + name + "'");
        }
        String family = file.getParent().getFileName().toString();
        int version = Integer.parseInt(m.group(1));
        String where = file.toString();
        Config c;
        try {
            c = ConfigFactory.parseFile(file.toFile(), ConfigParseOptions.defaults().setSyntax(ConfigSyntax.CONF).setAllowMissing(false)).resolve();
        } catch (ConfigException e) {
            throw new SpecError(where, "", "not valid HOCON: " + oneLine(e.getMessage()));
        }
        for (String key : c.root().keySet()) {
            if (!TOP_LEVEL.contains(key)) {
                throw new SpecError(where, key, "unknown key; expected one of " + TOP_LEVEL.stream().sorted().toList());
            }
        }
        String source = text(c, "source", where);
        if (catalog.dataset(source).isEmpty()) {
            throw new SpecError(where, "source", "unknown dataset '" + source + "'; the catalog has " + catalog.datasets().keySet().stream().sorted().toList());
        }
        TargetMode mode = TargetMode.NEW_TABLE;
        String target;
        if (c.hasPath("target.mode")) {
            String modeText = text(c, "target.mode", where);
            mode = switch (modeText) {
                case "new-table" -> TargetMode.NEW_TABLE;
                case "in-place" -> TargetMode.IN_PLACE;
                default -> throw new SpecError(where, "target.mode", "expected new-table or in-place, got '" + modeText + "'");
            };
        }
        if (mode == TargetMode.IN_PLACE) {
            target = c.hasPath("target.dataset") ? text(c, "target.dataset", where) : source;
            if (!target.equals(source)) {
                throw new SpecError(where, "target.dataset", "an in-place migration writes its source; expected " + source + " or nothing");
            }
        } else {
            target = text(c, "target.dataset", where);
            if (target.equals(source)) {
                throw new SpecError(where, "target.dataset", "a new-table migration needs a target other than its source (or target.mode = in-place)");
            }
        }
        if (catalog.dataset(target).isEmpty()) {
            throw new SpecError(where, "target.dataset", "unknown dataset '" + target + "'; declare it in the catalog first");
        }
        String template = text(c, "template", where);
        if (!catalog.templates().containsKey(template)) {
            throw new SpecError(where, "template", "unknown template '" + template + "'; the catalog has " + catalog.templates().keySet());
        }
        if (!c.hasPath("steps") || c.getValue("steps").valueType() != ConfigValueType.LIST) {
            throw new SpecError(where, "steps", "expected a list of transform steps");
        }
        MessageDigest digest = sha256();
        digest.update(bytes(file));
        List<StepSpec> steps = new ArrayList<>();
        ConfigList list = c.getList("steps");
        for (int i = 0; i < list.size(); i++) {
            steps.add(step(i, list.get(i), file, digest));
        }
        BatchingSpec batching = batching(c, where);
        ChecksSpec checks = checks(c, where, catalog.dataset(target).orElseThrow());
        QuotaSpec quota = quota(c, where);
        return new MigrationSpec(family + "/V" + version, family, version, m.group(2), file,
                HexFormat.of().formatHex(digest.digest()), source, target, mode, template, steps, batching, checks,
                quota);
    }

    private StepSpec step(int index, ConfigValue value, Path file, MessageDigest digest) {
        String where = file.toString();
        String field = "steps[" + index + "]";
        List<String> kinds = List.copyOf(StepParsers.ALL.keySet());
        if (value.valueType() != ConfigValueType.OBJECT) {
            throw new SpecError(where, field, "expected a step like { rename { old = new } }");
        }
        ConfigObject object = (ConfigObject) value;
        List<String> named = object.keySet().stream().filter(k -> !k.equals("options") && !k.equals(StepParsers.ROW_LOCAL)).toList();
        if (named.size() != 1) {
            throw new SpecError(where, field, "expected exactly one of " + kinds + ", got " + named);
        }
        String kind = named.get(0);
        StepParsers.Parser parser = StepParsers.ALL.get(kind);
        if (parser == null) {
            throw new SpecError(where, field, "unknown step '" + kind + "'; expected one of " + kinds);
        }
        if (object.containsKey(StepParsers.ROW_LOCAL) && !kind.equals("class") && !kind.equals("sql")) {
            throw new SpecError(where, field + "." + StepParsers.ROW_LOCAL, "only a sql or class step is declared row-local"
                    + " (every other step is row-local or not by what it is)");
        }
        if (object.containsKey("options") && !kind.equals("class")) {
            throw new SpecError(where, field + ".options", "only a class step takes options beside its key"
                    + (kind.equals("map") ? " (a map step's go inside it: { map { class = …, options { … } } })" : ""));
        }
        return parser.parse(new StepParsers.Input(index, kind, object.toConfig(), file, digest, catalog, classLoader));
    }

    private static ChecksSpec checks(Config c, String where, dev.drover.catalog.DatasetEntity target) {
        if (!c.hasPath("checks")) {
            return ChecksSpec.NONE;
        }
        Config k = object(c, "checks", where, "");
        onlyKeys(k.root().keySet(), CHECK_KEYS, where, "checks.");
        double ratio = -1;
        long rows = -1;
        if (k.hasPath("quarantine")) {
            Config q = object(k, "quarantine", where, "checks");
            onlyKeys(q.root().keySet(), Set.of("max-ratio", "max-rows"), where, "checks.quarantine.");
            if (q.hasPath("max-ratio")) {
                ratio = share(q, "max-ratio", where, "checks.quarantine");
            }
            if (q.hasPath("max-rows")) {
                try {
                    rows = q.getLong("max-rows");
                } catch (ConfigException e) {
                    rows = -1;
                }
                if (rows < 0) {
                    throw new SpecError(where, "checks.quarantine.max-rows", "expected a whole number, 0 or more");
                }
            }
        }
        Optional<ChecksSpec.Compatibility> compatibility = Optional.empty();
        if (k.hasPath("compatibility")) {
            String text = text(k, "compatibility", where, "checks");
            compatibility = Optional.of(switch (text) {
                case "breaking" -> ChecksSpec.Compatibility.BREAKING;
                case "non-breaking" -> ChecksSpec.Compatibility.NON_BREAKING;
                default -> throw new SpecError(where, "checks.compatibility", "expected breaking or non-breaking, got '" + text + "'");
            });
        }
        List<InvariantSpec> invariants = new ArrayList<>();
        if (k.hasPath("invariants")) {
            if (k.getValue("invariants").valueType() != ConfigValueType.LIST) {
                throw new SpecError(where, "checks.invariants", "expected a list of { name, target, source or expect }");
            }
            ConfigList list = k.getList("invariants");
            Set<String> names = new java.util.HashSet<>();
            for (int i = 0; i < list.size(); i++) {
                invariants.add(invariant(list.get(i), where, "checks.invariants[" + i + "]", names));
            }
        }
        Set<String> targetColumns = new java.util.HashSet<>();
        target.schema().forEach(col -> targetColumns.add(col.name()));
        List<dev.drover.model.ConstraintSpec> constraints = k.hasPath("constraints")
                ? dev.drover.model.ConstraintSpec.parseList(k.getValue("constraints").unwrapped(),
                        (field, message) -> new SpecError(where, field, message), "checks.constraints", targetColumns, "spec")
                : List.of();
        double change = -1;
        if (k.hasPath("anomaly")) {
            Config a = object(k, "anomaly", where, "checks");
            onlyKeys(a.root().keySet(), Set.of("row-count-max-change"), where, "checks.anomaly.");
            if (a.hasPath("row-count-max-change")) {
                try {
                    change = a.getDouble("row-count-max-change");
                } catch (ConfigException e) {
                    change = -1;
                }
                if (change < 0) {
                    throw new SpecError(where, "checks.anomaly.row-count-max-change", "expected a share of rows, 0 or more (0.5 = 50 %)");
                }
            }
        }
        List<String> changed = k.hasPath("changed") ? stringOrList(k, "changed", where, "checks") : List.of();
        Optional<Boolean> readBack = k.hasPath("read-back") ? Optional.of(bool(k, "read-back", where, "checks")) : Optional.empty();
        return new ChecksSpec(ratio, rows, compatibility, invariants, constraints, change, changed, readBack);
    }

    private static InvariantSpec invariant(ConfigValue value, String where, String field, Set<String> names) {
        if (value.valueType() != ConfigValueType.OBJECT) {
            throw new SpecError(where, field, "expected { name, target, source or expect }");
        }
        Config v = ((ConfigObject) value).toConfig();
        onlyKeys(((ConfigObject) value).keySet(), Set.of("name", "source", "target", "expect", "tolerance"), where, field + ".");
        String name = text(v, "name", where, field);
        if (!names.add(name)) {
            throw new SpecError(where, field + ".name", "invariant '" + name + "' is declared twice");
        }
        String target = text(v, "target", where, field);
        Optional<String> source = v.hasPath("source") ? Optional.of(text(v, "source", where, field)) : Optional.empty();
        Optional<java.math.BigDecimal> expect = v.hasPath("expect") ? Optional.of(decimal(v, "expect", where, field)) : Optional.empty();
        if (source.isPresent() == expect.isPresent()) {
            throw new SpecError(where, field, "expected either source (an aggregate over the source) or expect (a value), not "
                    + (source.isPresent() ? "both" : "neither"));
        }
        if (source.isPresent() && !SOURCE_AGGREGATE.matcher(source.get()).matches()) {
            throw new SpecError(where, field + ".source", "expected one aggregate of sum, count, count_if, min or max, got '"
                    + source.get() + "' (it is combined across batches)");
        }
        java.math.BigDecimal tolerance = v.hasPath("tolerance") ? decimal(v, "tolerance", where, field) : java.math.BigDecimal.ZERO;
        if (tolerance.signum() < 0) {
            throw new SpecError(where, field + ".tolerance", "expected a number, 0 or more");
        }
        return new InvariantSpec(name, source, target, expect, tolerance);
    }

    private static BatchingSpec batching(Config c, String where) {
        if (!c.hasPath("batching")) {
            return new BatchingSpec(BatchingSpec.By.AUTO, Optional.empty(), Optional.empty());
        }
        Config b = object(c, "batching", where, "");
        onlyKeys(b.root().keySet(), Set.of("by", "max-rows", "column"), where, "batching.");
        BatchingSpec.By by = BatchingSpec.By.AUTO;
        if (b.hasPath("by")) {
            String text = text(b, "by", where, "batching");
            by = switch (text) {
                case "auto" -> BatchingSpec.By.AUTO;
                case "partition" -> BatchingSpec.By.PARTITION;
                case "key-range" -> BatchingSpec.By.KEY_RANGE;
                case "rows" -> BatchingSpec.By.ROWS;
                default -> throw new SpecError(where, "batching.by", "expected auto, partition, key-range or rows, got '" + text + "'");
            };
        }
        Optional<Long> maxRows = Optional.empty();
        if (b.hasPath("max-rows")) {
            long rows;
            try {
                rows = b.getLong("max-rows");
            } catch (ConfigException e) {
                rows = 0;
            }
            if (rows <= 0) {
                throw new SpecError(where, "batching.max-rows", "expected a whole number above 0");
            }
            maxRows = Optional.of(rows);
        }
        Optional<String> column = b.hasPath("column") ? Optional.of(text(b, "column", where, "batching")) : Optional.empty();
        return new BatchingSpec(by, maxRows, column);
    }

    /** {@code quota { weight, min-share, max-tasks }}: each optional, whole numbers (weight from 1, the others from 0). */
    private static QuotaSpec quota(Config c, String where) {
        if (!c.hasPath("quota")) {
            return QuotaSpec.NONE;
        }
        Config q = object(c, "quota", where, "");
        onlyKeys(q.root().keySet(), Set.of("weight", "min-share", "max-tasks"), where, "quota.");
        return new QuotaSpec(wholeNumber(q, "weight", 1, where), wholeNumber(q, "min-share", 0, where),
                wholeNumber(q, "max-tasks", 0, where));
    }

    private static Optional<Integer> wholeNumber(Config q, String key, int least, String where) {
        if (!q.hasPath(key)) {
            return Optional.empty();
        }
        String expected = "expected a whole number of " + least + " or more" + (key.equals("max-tasks") ? " (0 = no limit)" : "");
        int value;
        try {
            value = q.getInt(key);
        } catch (ConfigException e) {
            throw new SpecError(where, "quota." + key, expected + ", got '" + q.getValue(key).unwrapped() + "'");
        }
        if (value < least) {
            throw new SpecError(where, "quota." + key, expected + ", got " + value);
        }
        return Optional.of(value);
    }

    private static String oneLine(String message) {
        return message == null ? "" : message.replace('\n', ' ');
    }

    private static List<Path> list(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] bytes(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new SpecError(file.toString(), "", "cannot be read: " + e.getMessage());
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
