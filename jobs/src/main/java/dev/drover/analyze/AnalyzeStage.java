package dev.drover.analyze;

import static org.apache.spark.sql.functions.col;

import dev.drover.catalog.Catalog;
import dev.drover.catalog.ConsumerEntity;
import dev.drover.catalog.DatasetEntity;
import dev.drover.config.DroverConfig;
import dev.drover.delta.DeltaTables;
import dev.drover.error.SpecError;
import dev.drover.exec.Timings;
import dev.drover.measure.MetricPlan;
import dev.drover.model.SchemaDiff;
import dev.drover.plan.Batch;
import dev.drover.plan.MigrationPlan;
import dev.drover.spec.MigrationSpec;
import dev.drover.spec.StepSpec;
import dev.drover.transforms.Pipeline;
import dev.drover.transforms.Rename;
import dev.drover.transforms.RowErrors;
import dev.drover.transforms.Step;
import dev.drover.transforms.TransformException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.DecimalType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The analyze stage: pins the source (and lookups) at one Delta version, proves the steps
 * produce the target's declared schema on an empty frame, and cuts the batches. Reads only.
 */
public final class AnalyzeStage {
    private final SparkSession spark;
    private final DroverConfig config;
    private final Catalog catalog;
    private final DeltaTables delta;
    private final Timings timings;

    public AnalyzeStage(SparkSession spark, DroverConfig config, Catalog catalog) {
        this(spark, config, catalog, new Timings());
    }

    /** An analyze stage that adds the time of its parts to {@code timings} ({@code analyze/pin source}, …). */
    public AnalyzeStage(SparkSession spark, DroverConfig config, Catalog catalog, Timings timings) {
        this.spark = spark;
        this.config = config;
        this.catalog = catalog;
        this.delta = new DeltaTables(spark);
        this.timings = timings;
    }

    /**
     * What an earlier run pinned: a resumed or re-validated run plans against the same versions. A
     * sync pins the source's latest version instead, and names the nullable columns the source
     * gained since the run ({@code additive}): they may be in the source and, when the steps pass
     * them through, in the target, though neither declares them.
     */
    public record Pinned(long sourceVersion, Map<String, Long> lookups, long snapshotVersion, boolean readBack,
                         java.util.Set<String> additive, boolean countSource) {
        public Pinned {
            lookups = Map.copyOf(lookups);
            additive = java.util.Set.copyOf(additive);
        }

        public Pinned(long sourceVersion, Map<String, Long> lookups, long snapshotVersion, boolean readBack) {
            this(sourceVersion, lookups, snapshotVersion, readBack, java.util.Set.of(), true);
        }

        /**
         * A sync's pins: the source at its latest version, new nullable columns allowed; its record
         * count (a pass over the log's statistics) is left to the sync, which needs it only when a
         * row was quarantined.
         */
        public static Pinned forSync(long sourceVersion, long snapshotVersion, java.util.Set<String> additive) {
            return new Pinned(sourceVersion, Map.of(), snapshotVersion, false, additive, false);
        }
    }

    /** Plans a new run: the source and lookups pinned at their latest versions, the batches cut. */
    public MigrationPlan plan(MigrationSpec spec) {
        return plan(spec, null);
    }

    /**
     * Plans a migration. A resumed run (or a validation) passes what it pinned; its batches are
     * then taken from the ledger instead, and its snapshot is the one recorded. A refused spec
     * writes nothing.
     */
    public MigrationPlan plan(MigrationSpec spec, Pinned pinned) {
        String where = spec.file().toString();
        DatasetEntity source = catalog.dataset(spec.source()).orElseThrow();
        DatasetEntity target = catalog.dataset(spec.target()).orElseThrow();
        String sourceLocation = config.resolveLocation(source.location());
        String targetLocation = config.resolveLocation(target.location());
        long started = System.nanoTime();
        if (!delta.exists(sourceLocation)) {
            throw new SpecError(where, "source", "dataset " + source.name() + " has no Delta table at " + sourceLocation);
        }
        long sourceVersion = pinned != null ? pinned.sourceVersion() : delta.latestVersion(sourceLocation);
        // each file of the pinned version with its rows: from the version's checksum in the driver, or one job over the log
        java.util.function.Supplier<List<DeltaTables.FileRows>> files = memo(() -> delta.fileRows(sourceLocation, sourceVersion));
        Dataset<Row> sourceFrame = delta.readPinned(sourceLocation, sourceVersion);
        java.util.Set<String> additive = pinned != null ? pinned.additive() : java.util.Set.of();
        checkDeclared(source, sourceFrame.schema(), source.file(), "spec.schema", additive);
        List<ConsumerEntity> dualWrite = TransitionRules.dualWriteConsumers(catalog, spec);
        if (pinned == null && !dualWrite.isEmpty()) {
            TransitionRules.requireFeed(spec, dualWrite, sourceLocation, sourceVersion,
                    delta.changeDataFeedOn(sourceLocation, sourceVersion));
        }
        long snapshotVersion = pinned != null ? pinned.snapshotVersion() : delta.latestVersion(targetLocation);
        started = lap("analyze/pin source", started);

        Map<String, Long> lookupVersions = new LinkedHashMap<>();
        Map<String, Dataset<Row>> lookups = readLookups(spec, pinned, lookupVersions);
        BuiltSteps built = buildSteps(spec, lookups, List.of(sourceFrame.columns()));
        List<Step> steps = built.steps();
        Pipeline pipeline = new Pipeline(steps);
        StructType produced = produced(pipeline, MetricPlan.withHidden(sourceFrame.limit(0), source.primaryKey()), where);
        checkDeclared(target, produced, where, "steps", additive);
        if (!dualWrite.isEmpty()) {
            TransitionRules.requireRowLocal(spec, dualWrite, pipeline, MetricPlan.withHidden(sourceFrame.limit(0), source.primaryKey()));
        }
        SqlTexts.resolve(spec, target, sourceFrame.schema(), produced);
        started = lap("analyze/steps and SQL", started);
        steps = readLookupsOnce(spec, steps);
        pipeline = new Pipeline(steps);
        started = lap("analyze/lookups", started);

        List<Batch> batches = pinned != null ? List.of()
                : planBatches(spec, source, sourceFrame, built.together(), files, sourceLocation, sourceVersion);
        started = lap("analyze/batches", started);
        SchemaDiff diff = SchemaDiff.between(sourceFrame.schema(), produced, built.renames(), declaredNullability(source),
                declaredNullability(target));
        Map<String, String> carried = carried(spec, diff, built.modified());
        List<ConsumerEntity> consumers = new ArrayList<>(catalog.consumersOf(source.name()));
        catalog.consumersOf(target.name()).stream().filter(c -> !consumers.contains(c)).forEach(consumers::add);
        boolean readBack = pinned != null ? pinned.readBack() : spec.checks().readBack().orElse(config.readBack());
        long sourceRecords = pinned != null && !pinned.countSource() ? -1 : DeltaTables.FileRows.total(files.get()).orElse(-1L);
        lap("analyze/rest", started);
        return new MigrationPlan(spec, catalog.templates().get(spec.template()), source, target, sourceLocation, sourceVersion,
                sourceRecords, targetLocation, pinned != null ? pinned.snapshotVersion() : delta.latestVersion(targetLocation),
                targetLocation + config.quarantineSuffix(), lookupVersions, sourceFrame.schema(), produced, diff, carried, batches,
                consumers, pipeline, sourceFrame, readBack);
    }

    /** Each lookup dataset the steps read, at its pinned (or latest) version; the versions go to {@code versions}. */
    private Map<String, Dataset<Row>> readLookups(MigrationSpec spec, Pinned pinned, Map<String, Long> versions) {
        Map<String, Dataset<Row>> lookups = new HashMap<>();
        for (StepSpec step : spec.steps()) {
            for (String name : step.lookups()) {
                DatasetEntity lookup = catalog.dataset(name).orElseThrow();
                String location = config.resolveLocation(lookup.location());
                if (!delta.exists(location)) {
                    throw new SpecError(spec.file().toString(), step.field() + ".lookup.dataset",
                            "dataset " + name + " has no Delta table at " + location);
                }
                long version = pinned != null && pinned.lookups().containsKey(name) ? pinned.lookups().get(name) : delta.latestVersion(location);
                versions.put(name, version);
                lookups.put(name, delta.readPinned(location, version));
            }
        }
        return lookups;
    }

    /**
     * The steps built, with what they do to the source's columns: renames (source name → final
     * name), the source columns some step changes, and a dedup step's key as source columns (its
     * rows must share a batch; null when there is no dedup step).
     */
    private record BuiltSteps(List<Step> steps, Map<String, String> renames, java.util.Set<String> modified, List<String> together) {}

    private BuiltSteps buildSteps(MigrationSpec spec, Map<String, Dataset<Row>> lookups, List<String> sourceColumns) {
        List<Step> steps = new ArrayList<>();
        Map<String, String> renames = new HashMap<>();
        java.util.Set<String> modified = new java.util.HashSet<>();
        List<String> together = null;
        for (StepSpec stepSpec : spec.steps()) {
            Step step = stepSpec.build(new StepSpec.Context(lookups::get, config.rowAttempts(), config.rowRetryBackoff()));
            steps.add(step);
            if (step instanceof dev.drover.transforms.Dedup dedup) {
                List<String> these = dedupSourceKey(dedup, renames, modified, sourceColumns);
                together = together == null ? these : together.stream().filter(these::contains).toList();
            }
            for (String column : step.modifies()) {
                modified.add(renamedFrom(renames, column).orElse(column));
            }
            if (step instanceof Rename rename) {
                rename.names().forEach((from, to) -> renames.put(renamedFrom(renames, from).orElse(from), to));
            }
        }
        return new BuiltSteps(steps, renames, modified, together);
    }

    /** The batches of a new run, from the pinned version's log where it holds what batching needs (see {@link BatchPlanner}). */
    private List<Batch> planBatches(MigrationSpec spec, DatasetEntity source, Dataset<Row> sourceFrame, List<String> together,
                                    java.util.function.Supplier<List<DeltaTables.FileRows>> files, String sourceLocation, long sourceVersion) {
        return BatchPlanner.plan(sourceFrame, source.partitionedBy(), source.primaryKey(), spec.batching(),
                spec.batching().maxRows().orElse(config.batchMaxRows()), spec.file().toString(), together,
                new BatchPlanner.SourceLog() {
                    @Override
                    public java.util.Optional<List<Row>> partitionCounts() {
                        return AnalyzeStage.this.partitionCounts(files.get(), source.partitionedBy(), sourceFrame.schema());
                    }

                    @Override
                    public java.util.Optional<DeltaTables.Bounds> bounds(String column) {
                        return delta.integralBounds(sourceLocation, sourceVersion, column);
                    }
                });
    }

    /** Columns carried with their values: same type in source and target, changed by no step and not declared changed. */
    private static Map<String, String> carried(MigrationSpec spec, SchemaDiff diff, java.util.Set<String> modified) {
        Map<String, String> carried = new LinkedHashMap<>();
        diff.carried().forEach((from, to) -> {
            if (!modified.contains(from) && !spec.checks().changed().contains(from) && !spec.checks().changed().contains(to)) {
                carried.put(from, to);
            }
        });
        return carried;
    }

    /** The source column an earlier rename step turned into {@code column}, if any. */
    private static java.util.Optional<String> renamedFrom(Map<String, String> renames, String column) {
        return renames.entrySet().stream().filter(e -> e.getValue().equals(column)).map(Map.Entry::getKey).findFirst();
    }

    /**
     * A dedup step's key as the source columns it holds unchanged, so batches can keep a key's
     * rows together; empty when a key column is derived, retyped or a name renamed away.
     */
    private static List<String> dedupSourceKey(dev.drover.transforms.Dedup dedup, Map<String, String> renames,
                                               java.util.Set<String> modified, List<String> sourceColumns) {
        List<String> key = new ArrayList<>();
        for (String column : dedup.on()) {
            String original = renamedFrom(renames, column).orElse(renames.containsKey(column) ? null : column);
            if (original == null || !sourceColumns.contains(original) || modified.contains(original)) {
                return List.of();
            }
            key.add(original);
        }
        return key;
    }

    private static Map<String, Boolean> declaredNullability(DatasetEntity dataset) {
        Map<String, Boolean> out = new HashMap<>();
        dataset.schema().forEach(c -> out.put(c.name(), c.nullable()));
        return out;
    }

    private static StructType produced(Pipeline pipeline, Dataset<Row> empty, String where) {
        Dataset<Row> out;
        try {
            out = pipeline.apply(empty);
        } catch (TransformException e) {
            throw new SpecError(where, "steps[" + stepIndex(e.step()) + "]", e.getMessage());
        }
        List<StructField> visible = new ArrayList<>();
        java.util.Set<String> hidden = new java.util.HashSet<>();
        for (StructField f : out.schema().fields()) {
            if (!f.name().startsWith(RowErrors.PREFIX)) {
                visible.add(f);
            } else {
                hidden.add(f.name());
            }
        }
        for (String h : empty.columns()) {
            if (h.startsWith(RowErrors.PREFIX) && !hidden.contains(h)) {
                throw new SpecError(where, "steps", "a step dropped Drover's hidden column " + h
                        + "; SQL and Java steps must keep every column they do not replace (SELECT *, …)");
            }
        }
        return new StructType(visible.toArray(StructField[]::new));
    }

    private static String stepIndex(String label) {
        var m = java.util.regex.Pattern.compile("step (\\d+)").matcher(label == null ? "" : label);
        return m.find() ? String.valueOf(Integer.parseInt(m.group(1)) - 1) : "?";
    }

    /** Columns and types must match the catalog's declared schema (order aside); {@code extra} columns may be there besides. */
    private static void checkDeclared(DatasetEntity dataset, StructType actual, String where, String field, java.util.Set<String> extra) {
        Map<String, StructField> have = new HashMap<>();
        for (StructField f : actual.fields()) {
            have.put(f.name(), f);
        }
        List<String> problems = new ArrayList<>();
        for (var column : dataset.schema()) {
            StructField f = have.remove(column.name());
            if (f == null) {
                problems.add("missing " + column.name());
            } else if (!f.dataType().equals(column.type())) {
                problems.add(column.name() + " is " + f.dataType().simpleString() + ", declared " + column.type().simpleString()
                        + hint(f.dataType(), column.type()));
            }
        }
        have.keySet().stream().filter(c -> !extra.contains(c)).sorted().forEach(c -> problems.add("undeclared " + c));
        if (!problems.isEmpty()) {
            String what = field.equals("steps") ? "the steps produce a schema that differs from dataset " : "the table differs from the declared schema of dataset ";
            throw new SpecError(where, field, what + dataset.name() + ": " + String.join(", ", problems));
        }
    }

    /**
     * Why a derived column may have another type than meant: in Spark SQL a literal such as
     * {@code 1000.0} is a decimal, so {@code ms / 1000.0} is one too.
     */
    private static String hint(DataType produced, DataType declared) {
        boolean floating = declared.equals(DataTypes.DoubleType) || declared.equals(DataTypes.FloatType);
        if (produced instanceof DecimalType && floating) {
            return " (a decimal literal such as 1000.0 makes a decimal in Spark SQL: write 1000.0D, or CAST(… AS "
                    + declared.sql() + "))";
        }
        return "";
    }

    /**
     * Rows per partition value of the pinned source, from its Delta log (each file's partition
     * values and its statistics' record count): no data is read. Empty when some file has no
     * statistics: the caller counts by reading then.
     */
    private java.util.Optional<List<Row>> partitionCounts(List<DeltaTables.FileRows> perFile, List<String> partitionColumns,
                                                         StructType schema) {
        Map<List<String>, Long> counts = new LinkedHashMap<>();
        for (DeltaTables.FileRows file : perFile) {
            if (file.rows().isEmpty()) {
                return java.util.Optional.empty();
            }
            Map<String, String> values = file.partitionValues();
            List<String> key = partitionColumns.stream().map(values::get).toList();
            counts.merge(key, file.rows().get(), Long::sum);
        }
        // partition values are text in the log: typed once, in one local projection (no job)
        StructType text = new StructType();
        for (String c : partitionColumns) {
            text = text.add(c, DataTypes.StringType);
        }
        text = text.add("rows", DataTypes.LongType);
        List<Row> rows = new ArrayList<>();
        counts.forEach((values, n) -> {
            Object[] row = new Object[values.size() + 1];
            for (int i = 0; i < values.size(); i++) {
                row[i] = values.get(i);
            }
            row[values.size()] = n;
            rows.add(org.apache.spark.sql.RowFactory.create(row));
        });
        List<org.apache.spark.sql.Column> typed = new ArrayList<>();
        for (String c : partitionColumns) {
            typed.add(col(dev.drover.common.SqlNames.quote(c)).cast(schema.apply(c).dataType()).as(c));
        }
        typed.add(col("rows"));
        return java.util.Optional.of(spark.createDataFrame(rows, text).select(typed.toArray(org.apache.spark.sql.Column[]::new))
                .collectAsList());
    }

    private long lap(String phase, long since) {
        long now = System.nanoTime();
        timings.add(phase, (now - since) / 1e9);
        return now;
    }

    private static <T> java.util.function.Supplier<T> memo(java.util.function.Supplier<T> make) {
        List<T> made = new ArrayList<>(1);
        return () -> {
            if (made.isEmpty()) {
                made.add(make.get());
            }
            return made.get(0);
        };
    }

    /**
     * Each lookup step's table read once, in one job: its key and added columns are collected to
     * the driver, proven unique on the step's keys there, and given back to the step as local rows.
     * The step broadcasts its table in every batch; a broadcast of local rows reads no Delta log
     * and no file (Spark still collects it in a small job), where a broadcast of the table read
     * the table again per batch. Steps are the built form of the spec's steps, index for index.
     */
    private List<Step> readLookupsOnce(MigrationSpec spec, List<Step> steps) {
        List<Step> out = new ArrayList<>(steps.size());
        for (int i = 0; i < steps.size(); i++) {
            if (!(steps.get(i) instanceof dev.drover.transforms.Lookup lookup)
                    || !List.of(lookup.table().columns()).containsAll(lookup.on())
                    || !List.of(lookup.table().columns()).containsAll(lookup.add())) {
                out.add(steps.get(i));   // a missing column is the step's own error, with its field
                continue;
            }
            List<String> columns = new ArrayList<>(lookup.on());
            lookup.add().stream().filter(c -> !columns.contains(c)).forEach(columns::add);
            Dataset<Row> picked = lookup.table().select(columns.stream().map(c -> col(dev.drover.common.SqlNames.quote(c)))
                    .toArray(org.apache.spark.sql.Column[]::new));
            List<Row> rows = picked.collectAsList();
            java.util.Set<List<Object>> keys = new java.util.HashSet<>();
            for (Row row : rows) {
                List<Object> key = new ArrayList<>(lookup.on().size());
                for (int k = 0; k < lookup.on().size(); k++) {
                    key.add(row.get(k));
                }
                if (!keys.add(key)) {
                    throw new SpecError(spec.file().toString(), spec.steps().get(i).field() + ".lookup.on", "lookup dataset "
                            + lookup.dataset() + " has several rows for one " + lookup.on() + "; a lookup must be unique on its keys");
                }
            }
            out.add(new dev.drover.transforms.Lookup(lookup.dataset(), spark.createDataFrame(rows, picked.schema()), lookup.on(),
                    lookup.add(), lookup.required(), lookup.broadcastTable()));
        }
        return out;
    }
}
