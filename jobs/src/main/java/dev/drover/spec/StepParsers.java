package dev.drover.spec;

import static dev.drover.spec.SpecFields.bool;
import static dev.drover.spec.SpecFields.column;
import static dev.drover.spec.SpecFields.object;
import static dev.drover.spec.SpecFields.onlyKeys;
import static dev.drover.spec.SpecFields.share;
import static dev.drover.spec.SpecFields.stringMap;
import static dev.drover.spec.SpecFields.stringOrList;
import static dev.drover.spec.SpecFields.text;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigValueType;
import dev.drover.catalog.Catalog;
import dev.drover.catalog.SparkTypes;
import dev.drover.error.SpecError;
import dev.drover.transforms.Cast;
import dev.drover.transforms.ClassTransform;
import dev.drover.transforms.Dedup;
import dev.drover.transforms.Defaults;
import dev.drover.transforms.Derive;
import dev.drover.transforms.Drop;
import dev.drover.transforms.Filter;
import dev.drover.transforms.Lookup;
import dev.drover.transforms.MapStep;
import dev.drover.transforms.Merge;
import dev.drover.transforms.Rename;
import dev.drover.transforms.Split;
import dev.drover.transforms.SqlTransform;
import dev.drover.transforms.TransformException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.spark.sql.types.DataType;

/**
 * The transform steps a spec can name, each keyword with the parser of its settings. A step is
 * an object with exactly one of these keys ({@code { cast { score = int } }}); the parser checks
 * its settings and returns the step to build once the lookup tables can be read.
 */
final class StepParsers {
    /** What a parser reads: the step's object, where it is, and what it may need to check its settings. */
    record Input(int index, String kind, Config step, Path file, MessageDigest digest, Catalog catalog, ClassLoader loader) {
        String where() {
            return file.toString();
        }

        /** The step's field path, {@code steps[1]}. */
        String field() {
            return "steps[" + index + "]";
        }

        /** The field path of its settings, {@code steps[1].cast}. */
        String settings() {
            return field() + "." + kind;
        }

        StepSpec spec(List<String> lookups, java.util.function.Function<StepSpec.Context, dev.drover.transforms.Step> factory) {
            return new StepSpec(index, kind, lookups, factory);
        }

        StepSpec spec(dev.drover.transforms.Step step) {
            return spec(List.of(), c -> step);
        }
    }

    @FunctionalInterface
    interface Parser {
        StepSpec parse(Input in);
    }

    /** Every step keyword, in the order docs/formats.md lists them. */
    static final Map<String, Parser> ALL;
    /** Keywords whose step takes an {@code options} object beside its key. */
    static final Set<String> WITH_OPTIONS = Set.of("class", "map");
    /** Beside a sql or class step's key: the step maps each row on its own. */
    static final String ROW_LOCAL = "row-local";

    static {
        Map<String, Parser> all = new LinkedHashMap<>();
        all.put("rename", StepParsers::rename);
        all.put("cast", StepParsers::cast);
        all.put("derive", StepParsers::derive);
        all.put("lookup", StepParsers::lookup);
        all.put("split", StepParsers::split);
        all.put("merge", StepParsers::merge);
        all.put("drop", StepParsers::drop);
        all.put("default", StepParsers::defaults);
        all.put("filter", StepParsers::filter);
        all.put("dedup", StepParsers::dedup);
        all.put("sql", StepParsers::sql);
        all.put("class", StepParsers::classStep);
        all.put("map", StepParsers::map);
        ALL = java.util.Collections.unmodifiableMap(all);
    }

    private StepParsers() {}

    private static StepSpec rename(Input in) {
        Map<String, String> names = stringMap(in.step(), in.kind(), in.where(), in.settings());
        names.forEach((from, to) -> column(to, in.where(), in.settings() + "." + from));
        return in.spec(new Rename(names));
    }

    private static StepSpec cast(Input in) {
        Map<String, String> raw = stringMap(in.step(), in.kind(), in.where(), in.settings());
        Map<String, DataType> types = new LinkedHashMap<>();
        raw.forEach((col, type) -> types.put(col, SparkTypes.parse(type).orElseThrow(() -> new SpecError(in.where(),
                in.settings() + "." + col, "unknown type '" + type
                        + "'; expected a Spark SQL type such as int, bigint, double, decimal(10,2), date, timestamp, string"))));
        return in.spec(new Cast(types));
    }

    private static StepSpec derive(Input in) {
        Map<String, String> exprs = stringMap(in.step(), in.kind(), in.where(), in.settings());
        exprs.keySet().forEach(col -> column(col, in.where(), in.settings() + "." + col));
        return in.spec(new Derive(exprs));
    }

    private static StepSpec lookup(Input in) {
        String f = in.settings();
        Config lookup = object(in.step(), in.kind(), in.where(), f);
        String dataset = text(lookup, "dataset", in.where(), f);
        if (in.catalog().dataset(dataset).isEmpty()) {
            throw new SpecError(in.where(), f + ".dataset", "unknown dataset '" + dataset + "'; the catalog has "
                    + in.catalog().datasets().keySet().stream().sorted().toList());
        }
        List<String> on = stringOrList(lookup, "on", in.where(), f);
        List<String> add = stringOrList(lookup, "add", in.where(), f);
        boolean required = lookup.hasPath("required") && bool(lookup, "required", in.where(), f);
        return in.spec(List.of(dataset), c -> new Lookup(dataset, c.lookups().apply(dataset), on, add, required, true));
    }

    private static StepSpec split(Input in) {
        String f = in.settings();
        Config split = object(in.step(), in.kind(), in.where(), f);
        String column = text(split, "column", in.where(), f);
        String pattern = text(split, "pattern", in.where(), f);
        try {
            Pattern.compile(pattern);
        } catch (RuntimeException e) {
            throw new SpecError(in.where(), f + ".pattern", "not a valid regular expression: " + pattern);
        }
        List<String> into = stringOrList(split, "into", in.where(), f);
        into.forEach(c -> column(c, in.where(), f + ".into"));
        boolean keep = split.hasPath("keep") && bool(split, "keep", in.where(), f);
        return in.spec(new Split(column, pattern, into, keep));
    }

    private static StepSpec merge(Input in) {
        String f = in.settings();
        Config merge = object(in.step(), in.kind(), in.where(), f);
        List<String> columns = stringOrList(merge, "columns", in.where(), f);
        String into = text(merge, "into", in.where(), f);
        column(into, in.where(), f + ".into");
        String separator = merge.hasPath("separator") ? text(merge, "separator", in.where(), f) : " ";
        boolean keep = merge.hasPath("keep") && bool(merge, "keep", in.where(), f);
        return in.spec(new Merge(columns, into, separator, keep));
    }

    private static StepSpec drop(Input in) {
        return in.spec(new Drop(stringOrList(in.step(), "drop", in.where(), in.field())));
    }

    private static StepSpec defaults(Input in) {
        String f = in.settings();
        Config defaults = object(in.step(), in.kind(), in.where(), f);
        Map<String, Object> values = new LinkedHashMap<>();
        for (var entry : defaults.root().entrySet()) {
            column(entry.getKey(), in.where(), f + "." + entry.getKey());
            if (entry.getValue().valueType() == ConfigValueType.OBJECT || entry.getValue().valueType() == ConfigValueType.LIST) {
                throw new SpecError(in.where(), f + "." + entry.getKey(), "expected a single value");
            }
            values.put(entry.getKey(), entry.getValue().unwrapped());
        }
        return in.spec(new Defaults(values));
    }

    private static StepSpec filter(Input in) {
        String f = in.settings();
        Config filter = object(in.step(), in.kind(), in.where(), f);
        onlyKeys(filter.root().keySet(), Set.of("keep", "max-removed-ratio"), in.where(), f + ".");
        String keep = text(filter, "keep", in.where(), f);
        double maxRemoved = filter.hasPath("max-removed-ratio") ? share(filter, "max-removed-ratio", in.where(), f) : -1;
        return in.spec(new Filter(keep, maxRemoved));
    }

    private static StepSpec dedup(Input in) {
        String f = in.settings();
        Config dedup = object(in.step(), in.kind(), in.where(), f);
        onlyKeys(dedup.root().keySet(), Set.of("on", "order-by", "max-removed-ratio"), in.where(), f + ".");
        List<String> on = stringOrList(dedup, "on", in.where(), f);
        on.forEach(c -> column(c, in.where(), f + ".on"));
        String orderBy = dedup.hasPath("order-by") ? text(dedup, "order-by", in.where(), f) : "";
        double maxRemoved = dedup.hasPath("max-removed-ratio") ? share(dedup, "max-removed-ratio", in.where(), f) : -1;
        return in.spec(new Dedup(on, orderBy, maxRemoved));
    }

    private static StepSpec sql(Input in) {
        String relative = text(in.step(), "sql", in.where(), in.field());
        Path sqlFile = in.file().getParent().resolve(relative).normalize();
        if (!Files.isRegularFile(sqlFile)) {
            throw new SpecError(in.where(), in.settings(), "SQL file " + sqlFile + " does not exist");
        }
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(sqlFile);
        } catch (IOException e) {
            throw new SpecError(sqlFile.toString(), "", "cannot be read: " + e.getMessage());
        }
        in.digest().update(bytes);
        String sql = new String(bytes, StandardCharsets.UTF_8);
        if (!sql.contains(SqlTransform.THIS)) {
            throw new SpecError(sqlFile.toString(), "FROM", "the query must read the batch as " + SqlTransform.THIS);
        }
        return in.spec(new SqlTransform(sqlFile.toString(), sql, rowLocal(in)));
    }

    /** A sql or class step's {@code row-local = true}: it maps each row on its own (see {@link dev.drover.transforms.Step#rowLocal()}). */
    private static boolean rowLocal(Input in) {
        return in.step().hasPath(ROW_LOCAL) && bool(in.step(), ROW_LOCAL, in.where(), in.field());
    }

    private static StepSpec classStep(Input in) {
        String className = text(in.step(), "class", in.where(), in.field());
        Map<String, String> options = options(in);
        try {
            return in.spec(ClassTransform.load(className, options, in.loader(), rowLocal(in)));
        } catch (TransformException e) {
            throw new SpecError(in.where(), in.settings(), e.getMessage());
        }
    }

    private static StepSpec map(Input in) {
        String f = in.settings();
        Config map = object(in.step(), in.kind(), in.where(), f);
        onlyKeys(map.root().keySet(), Set.of("class", "options"), in.where(), f + ".");
        String className = text(map, "class", in.where(), f);
        Map<String, String> options = new LinkedHashMap<>();
        if (map.hasPath("options")) {
            object(map, "options", in.where(), f).root().forEach((k, v) -> options.put(k, String.valueOf(v.unwrapped())));
        }
        try {
            MapStep.check(className, options, in.loader());
        } catch (TransformException e) {
            throw new SpecError(in.where(), f + ".class", e.getMessage());
        }
        return in.spec(List.of(), c -> new MapStep(className, options, c.rowAttempts(), c.rowBackoff(), in.loader()));
    }

    private static Map<String, String> options(Input in) {
        Map<String, String> options = new LinkedHashMap<>();
        if (in.step().hasPath("options")) {
            object(in.step(), "options", in.where(), in.field()).root().forEach((k, v) -> options.put(k, String.valueOf(v.unwrapped())));
        }
        return options;
    }
}
