package dev.drover.spec;

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
import dev.drover.catalog.SparkTypes;
import dev.drover.error.SpecError;
import dev.drover.transforms.Cast;
import dev.drover.transforms.ClassTransform;
import dev.drover.transforms.Defaults;
import dev.drover.transforms.Derive;
import dev.drover.transforms.Drop;
import dev.drover.transforms.Lookup;
import dev.drover.transforms.Merge;
import dev.drover.transforms.Rename;
import dev.drover.transforms.Split;
import dev.drover.transforms.SqlTransform;
import dev.drover.transforms.TransformException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
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
import org.apache.spark.sql.types.DataType;

/**
 * Reads and checks migration specs, Flyway style: {@code V<n>__<description>.conf} per family
 * folder, versions without gaps or duplicates. All checks run without Spark, before anything
 * is written.
 */
public final class SpecLoader {
    private static final Pattern FILE = Pattern.compile("^V([1-9][0-9]*)__([a-z0-9]+(?:_[a-z0-9]+)*)\\.conf$");
    private static final Pattern COLUMN = Pattern.compile("^[A-Za-z_][A-Za-z0-9_]*$");
    private static final Set<String> TOP_LEVEL = Set.of(
            "source", "target", "template", "steps", "batching", "checks", "quotas", "rollout", "description");
    private static final List<String> STEP_KINDS = List.of(
            "rename", "cast", "derive", "lookup", "split", "merge", "drop", "default", "filter", "dedup", "sql", "class");
    private static final Set<String> CHECK_KEYS = Set.of("quarantine", "compatibility", "invariants", "constraints", "anomaly", "changed");
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

    /** Finds a spec by id ({@code users/V2}), id with description, or path. */
    public MigrationSpec find(Path migrationsDir, String reference) {
        Map<String, MigrationSpec> all = loadAll(migrationsDir);
        String ref = reference.replace('\\', '/');
        for (MigrationSpec spec : all.values()) {
            String withDescription = spec.id() + "__" + spec.description();
            if (spec.id().equals(ref) || withDescription.equals(ref) || (withDescription + ".conf").equals(ref)
                    || spec.file().toString().equals(reference)
                    || spec.file().toAbsolutePath().normalize().equals(Path.of(reference).toAbsolutePath().normalize())) {
                return spec;
            }
        }
        throw new SpecError(migrationsDir.toString(), "migration",
                "no migration '" + reference + "'; known: " + all.keySet());
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
        Map<String, Object> quotas = c.hasPath("quotas") ? c.getObject("quotas").unwrapped() : Map.of();
        Map<String, Object> rollout = c.hasPath("rollout") ? c.getObject("rollout").unwrapped() : Map.of();
        return new MigrationSpec(family + "/V" + version, family, version, m.group(2), file,
                HexFormat.of().formatHex(digest.digest()), source, target, mode, template, steps, batching, checks,
                quotas, rollout);
    }

    private StepSpec step(int index, ConfigValue value, Path file, MessageDigest digest) {
        String where = file.toString();
        String field = "steps[" + index + "]";
        if (value.valueType() != ConfigValueType.OBJECT) {
            throw new SpecError(where, field, "expected a step like { rename { old = new } }");
        }
        ConfigObject object = (ConfigObject) value;
        List<String> kinds = object.keySet().stream().filter(k -> !k.equals("options")).toList();
        if (kinds.size() != 1) {
            throw new SpecError(where, field, "expected exactly one of " + STEP_KINDS + ", got " + kinds);
        }
        String kind = kinds.get(0);
        if (!STEP_KINDS.contains(kind)) {
            throw new SpecError(where, field, "unknown step '" + kind + "'; expected one of " + STEP_KINDS);
        }
        if (object.containsKey("options") && !kind.equals("class")) {
            throw new SpecError(where, field + ".options", "only a class step takes options");
        }
        Config step = object.toConfig();
        String f = field + "." + kind;
        switch (kind) {
            case "rename" -> {
                Map<String, String> names = stringMap(step, kind, where, f);
                names.forEach((from, to) -> column(to, where, f + "." + from));
                return new StepSpec(index, kind, List.of(), l -> new Rename(names));
            }
            case "cast" -> {
                Map<String, String> raw = stringMap(step, kind, where, f);
                Map<String, DataType> types = new LinkedHashMap<>();
                raw.forEach((col, type) -> types.put(col, SparkTypes.parse(type).orElseThrow(() ->
                        new SpecError(where, f + "." + col, "unknown type '" + type + "'; expected a Spark SQL type such as int, bigint, double, decimal(10,2), date, timestamp, string"))));
                return new StepSpec(index, kind, List.of(), l -> new Cast(types));
            }
            case "derive" -> {
                Map<String, String> exprs = stringMap(step, kind, where, f);
                exprs.keySet().forEach(col -> column(col, where, f + "." + col));
                return new StepSpec(index, kind, List.of(), l -> new Derive(exprs));
            }
            case "lookup" -> {
                Config lookup = object(step, kind, where, f);
                String dataset = text(lookup, "dataset", where, f);
                if (catalog.dataset(dataset).isEmpty()) {
                    throw new SpecError(where, f + ".dataset", "unknown dataset '" + dataset + "'; the catalog has " + catalog.datasets().keySet().stream().sorted().toList());
                }
                List<String> on = stringOrList(lookup, "on", where, f);
                List<String> add = stringOrList(lookup, "add", where, f);
                boolean required = lookup.hasPath("required") && bool(lookup, "required", where, f);
                return new StepSpec(index, kind, List.of(dataset),
                        l -> new Lookup(dataset, l.apply(dataset), on, add, required, true));
            }
            case "split" -> {
                Config split = object(step, kind, where, f);
                String column = text(split, "column", where, f);
                String pattern = text(split, "pattern", where, f);
                try {
                    Pattern.compile(pattern);
                } catch (RuntimeException e) {
                    throw new SpecError(where, f + ".pattern", "not a valid regular expression: " + pattern);
                }
                List<String> into = stringOrList(split, "into", where, f);
                into.forEach(c -> column(c, where, f + ".into"));
                boolean keep = split.hasPath("keep") && bool(split, "keep", where, f);
                return new StepSpec(index, kind, List.of(), l -> new Split(column, pattern, into, keep));
            }
            case "merge" -> {
                Config merge = object(step, kind, where, f);
                List<String> columns = stringOrList(merge, "columns", where, f);
                String into = text(merge, "into", where, f);
                column(into, where, f + ".into");
                String separator = merge.hasPath("separator") ? text(merge, "separator", where, f) : " ";
                boolean keep = merge.hasPath("keep") && bool(merge, "keep", where, f);
                return new StepSpec(index, kind, List.of(), l -> new Merge(columns, into, separator, keep));
            }
            case "filter" -> {
                Config filter = object(step, kind, where, f);
                onlyKeys(filter.root().keySet(), Set.of("keep", "max-removed-ratio"), where, f + ".");
                String keep = text(filter, "keep", where, f);
                double maxRemoved = filter.hasPath("max-removed-ratio") ? share(filter, "max-removed-ratio", where, f) : -1;
                return new StepSpec(index, kind, List.of(), l -> new dev.drover.transforms.Filter(keep, maxRemoved));
            }
            case "dedup" -> {
                Config dedup = object(step, kind, where, f);
                onlyKeys(dedup.root().keySet(), Set.of("on", "order-by", "max-removed-ratio"), where, f + ".");
                List<String> on = stringOrList(dedup, "on", where, f);
                on.forEach(c -> column(c, where, f + ".on"));
                String orderBy = dedup.hasPath("order-by") ? text(dedup, "order-by", where, f) : "";
                double maxRemoved = dedup.hasPath("max-removed-ratio") ? share(dedup, "max-removed-ratio", where, f) : -1;
                return new StepSpec(index, kind, List.of(), l -> new dev.drover.transforms.Dedup(on, orderBy, maxRemoved));
            }
            case "drop" -> {
                List<String> columns = stringOrList(step, "drop", where, field);
                return new StepSpec(index, kind, List.of(), l -> new Drop(columns));
            }
            case "default" -> {
                Config defaults = object(step, kind, where, f);
                Map<String, Object> values = new LinkedHashMap<>();
                for (var entry : defaults.root().entrySet()) {
                    column(entry.getKey(), where, f + "." + entry.getKey());
                    if (entry.getValue().valueType() == ConfigValueType.OBJECT || entry.getValue().valueType() == ConfigValueType.LIST) {
                        throw new SpecError(where, f + "." + entry.getKey(), "expected a single value");
                    }
                    values.put(entry.getKey(), entry.getValue().unwrapped());
                }
                return new StepSpec(index, kind, List.of(), l -> new Defaults(values));
            }
            case "sql" -> {
                String relative = text(step, "sql", where, field);
                Path sqlFile = file.getParent().resolve(relative).normalize();
                if (!Files.isRegularFile(sqlFile)) {
                    throw new SpecError(where, f, "SQL file " + sqlFile + " does not exist");
                }
                byte[] sqlBytes = bytes(sqlFile);
                digest.update(sqlBytes);
                String sql = new String(sqlBytes, StandardCharsets.UTF_8);
                if (!sql.contains(SqlTransform.THIS)) {
                    throw new SpecError(sqlFile.toString(), "FROM", "the query must read the batch as " + SqlTransform.THIS);
                }
                return new StepSpec(index, kind, List.of(), l -> new SqlTransform(sqlFile.toString(), sql));
            }
            case "class" -> {
                String className = text(step, "class", where, field);
                Map<String, String> options = new LinkedHashMap<>();
                if (step.hasPath("options")) {
                    object(step, "options", where, field).root().forEach((k, v) -> options.put(k, String.valueOf(v.unwrapped())));
                }
                try {
                    ClassTransform loaded = ClassTransform.load(className, options, classLoader);
                    return new StepSpec(index, kind, List.of(), l -> loaded);
                } catch (TransformException e) {
                    throw new SpecError(where, f, e.getMessage());
                }
            }
            default -> throw new IllegalStateException(kind);
        }
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
        return new ChecksSpec(ratio, rows, compatibility, invariants, constraints, change, changed);
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

    private static java.math.BigDecimal decimal(Config c, String key, String where, String field) {
        ConfigValue value = c.getValue(key);
        try {
            return new java.math.BigDecimal(String.valueOf(value.unwrapped()));
        } catch (NumberFormatException e) {
            throw new SpecError(where, join(field, key), "expected a number, got '" + value.unwrapped() + "'");
        }
    }

    private static double share(Config c, String key, String where, String field) {
        double value;
        try {
            value = c.getDouble(key);
        } catch (ConfigException e) {
            value = -1;
        }
        if (value < 0 || value > 1) {
            throw new SpecError(where, join(field, key), "expected a number between 0 and 1");
        }
        return value;
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

    /** Refuses a key outside {@code allowed}; {@code prefix} is the field path up to the key ("checks."). */
    private static void onlyKeys(Set<String> keys, Set<String> allowed, String where, String prefix) {
        for (String key : keys) {
            if (!allowed.contains(key)) {
                throw new SpecError(where, prefix + key, "unknown key; expected one of " + new java.util.TreeSet<>(allowed));
            }
        }
    }

    private static void column(String name, String where, String field) {
        if (!COLUMN.matcher(name).matches() || name.startsWith("_drover_")) {
            throw new SpecError(where, field, "'" + name + "' is not a valid column name (letters, digits, _; not starting with a digit or _drover_)");
        }
    }

    private static Config object(Config c, String key, String where, String field) {
        try {
            return c.getConfig(quoteKey(key));
        } catch (ConfigException e) {
            throw new SpecError(where, join(field, key), "expected an object { … }");
        }
    }

    private static Map<String, String> stringMap(Config step, String kind, String where, String field) {
        ConfigValue value = step.root().get(kind);
        if (value.valueType() != ConfigValueType.OBJECT || ((ConfigObject) value).isEmpty()) {
            throw new SpecError(where, field, "expected a non-empty object { column = value }");
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (var entry : ((ConfigObject) value).entrySet()) {
            ConfigValueType type = entry.getValue().valueType();
            if (type == ConfigValueType.OBJECT || type == ConfigValueType.LIST || type == ConfigValueType.NULL) {
                throw new SpecError(where, field + "." + entry.getKey(), "expected a text value");
            }
            out.put(entry.getKey(), String.valueOf(entry.getValue().unwrapped()));
        }
        return out;
    }

    private static List<String> stringOrList(Config c, String key, String where, String field) {
        if (!c.hasPath(key)) {
            throw new SpecError(where, join(field, key), "is missing");
        }
        ConfigValue value = c.getValue(key);
        List<String> out = new ArrayList<>();
        if (value.valueType() == ConfigValueType.STRING) {
            out.add((String) value.unwrapped());
        } else if (value.valueType() == ConfigValueType.LIST) {
            for (ConfigValue item : (ConfigList) value) {
                if (item.valueType() != ConfigValueType.STRING) {
                    throw new SpecError(where, join(field, key), "expected column names");
                }
                out.add((String) item.unwrapped());
            }
        } else {
            throw new SpecError(where, join(field, key), "expected a column name or a list of them");
        }
        if (out.isEmpty()) {
            throw new SpecError(where, join(field, key), "expected at least one column");
        }
        return out;
    }

    private static String text(Config c, String key, String where) {
        return text(c, key, where, "");
    }

    private static String text(Config c, String key, String where, String field) {
        if (!c.hasPath(key)) {
            throw new SpecError(where, join(field, key), "is missing");
        }
        ConfigValue value = c.getValue(key);
        if (value.valueType() != ConfigValueType.STRING && value.valueType() != ConfigValueType.NUMBER
                && value.valueType() != ConfigValueType.BOOLEAN) {
            throw new SpecError(where, join(field, key), "expected a text value");
        }
        return String.valueOf(value.unwrapped());
    }

    private static boolean bool(Config c, String key, String where, String field) {
        try {
            return c.getBoolean(key);
        } catch (ConfigException e) {
            throw new SpecError(where, join(field, key), "expected true or false");
        }
    }

    private static String join(String field, String key) {
        return field.isEmpty() ? key : field + "." + key;
    }

    private static String quoteKey(String key) {
        return key.contains(".") ? "\"" + key + "\"" : key;
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
