package dev.drover.delta;

import io.delta.tables.DeltaTable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.delta.DeltaLog;
import org.apache.spark.sql.delta.Snapshot;
import org.apache.spark.sql.delta.actions.Action;
import org.apache.spark.sql.delta.actions.AddFile;
import org.apache.spark.sql.delta.actions.CommitInfo;
import scala.collection.JavaConverters;

/** The Delta operations Drover needs, by table location. */
public final class DeltaTables {
    private final SparkSession spark;

    public DeltaTables(SparkSession spark) {
        this.spark = spark;
    }

    /**
     * Drops what this application keeps in memory about a table: Delta caches a log, its latest
     * snapshot and the snapshot's state (with the plans and encoders of its Datasets, a few MB) for
     * every table it opened, for an hour. A wave opens two or three tables per migration: without
     * this a 1,000-migration wave filled a 4 GiB driver heap at about 700.
     */
    public void forget(String location) {
        DeltaLog.invalidateCache(spark, new org.apache.hadoop.fs.Path(location));
    }

    /**
     * A Delta table with at least one commit is there (a log folder a failed first write left behind
     * is none). The log is always read again: {@code DeltaTable.isDeltaTable} answers from the log
     * this JVM cached when it last looked, so a table another process created since then (an agent's
     * or a harness's view of a ledger a driver writes) would stay missing for as long as the cache
     * holds it.
     */
    public boolean exists(String location) {
        org.apache.hadoop.fs.Path path = new org.apache.hadoop.fs.Path(location);
        return org.apache.spark.sql.delta.DeltaTableUtils.findDeltaTableRoot(spark, path, scala.collection.immutable.Map$.MODULE$.empty())
                .isDefined()
                && DeltaLog.forTable(spark, path).update(false, scala.Option.empty(), scala.Option.empty()).version() >= 0;
    }

    /** The latest version, or -1 when there is no table. */
    public long latestVersion(String location) {
        return version(location).orElse(-1L);
    }

    /** The latest version, empty when there is no table. */
    public Optional<Long> version(String location) {
        if (!exists(location)) {
            return Optional.empty();
        }
        return Optional.of(snapshot(location).version());
    }

    public Dataset<Row> read(String location, long version) {
        return spark.read().format("delta").option("versionAsOf", version).load(location);
    }

    /** Reader features a table may have and still be read as plain Parquet (its files' deletion vectors are checked one by one). */
    private static final java.util.Set<String> PLAIN_READER_FEATURES = java.util.Set.of("deletionVectors", "timestampNtz",
            "v2Checkpoint", "vacuumProtocolCheck");

    /**
     * A table's version as {@link #read} gives it, but read as Parquet files by path where Delta
     * kept the version's file list in its checksum (Delta 3.3 does for tables of up to 50 files) and
     * the files need nothing of Delta's reader: no deletion vector, no column mapping, no reader
     * feature beyond {@link #PLAIN_READER_FEATURES}, every column nullable, partition columns of
     * types whose values read back from their text. Delta 3.3 rebuilds a version's state with four
     * Spark jobs the first time a scan plans its files, though the checksum lists them; a run that
     * pins a small table paid that at its first batch (the source) and at analyze (a lookup).
     */
    public Dataset<Row> readPinned(String location, long version) {
        Snapshot snapshot = snapshotAt(location, version);
        return plainFiles(snapshot).flatMap(files -> readFiles(location, snapshot, files)).orElseGet(() -> read(location, version));
    }

    /** The table's snapshot at {@code version}, from its log. */
    private Snapshot snapshotAt(String location, long version) {
        return DeltaLog.forTable(spark, location).getSnapshotAt(version, scala.Option.empty(), scala.Option.empty());
    }

    /** The version's files when it can be read as plain Parquet; empty when Delta's reader is needed. */
    private static Optional<List<AddFile>> plainFiles(Snapshot snapshot) {
        Optional<List<AddFile>> listed = checksumFiles(snapshot);
        if (listed.isEmpty()
                || !snapshot.metadata().columnMappingMode().name().equals("none")
                || !PLAIN_READER_FEATURES.containsAll(JavaConverters.setAsJavaSet(snapshot.protocol().readerFeatureNames()))
                || java.util.Arrays.stream(snapshot.schema().fields()).anyMatch(f -> !f.nullable())) {
            return Optional.empty();
        }
        org.apache.spark.sql.types.StructType schema = snapshot.schema();
        for (String p : JavaConverters.seqAsJavaList(snapshot.metadata().partitionColumns())) {
            org.apache.spark.sql.types.DataType type = schema.apply(p).dataType();
            if (!(type instanceof org.apache.spark.sql.types.StringType || type instanceof org.apache.spark.sql.types.IntegralType
                    || type instanceof org.apache.spark.sql.types.DateType || type instanceof org.apache.spark.sql.types.BooleanType)) {
                return Optional.empty();
            }
        }
        return listed.get().stream().anyMatch(f -> f.deletionVector() != null) ? Optional.empty() : listed;
    }

    /**
     * The files' rows in the table's column order: one Parquet scan of every file, the partition
     * columns' values taken from the files' folders (Delta's {@code col=value/} layout), typed as
     * the table's schema says. One scan, with no value of the data in the plan: a union of one
     * scan per partition value with each value as a literal made Spark generate (and compile) code
     * anew for every partition value of every table, and plan one scan per value. Empty when a
     * file's folder does not spell its partition values (e.g. random file prefixes).
     */
    private Optional<Dataset<Row>> readFiles(String location, Snapshot snapshot, List<AddFile> files) {
        org.apache.spark.sql.types.StructType schema = snapshot.schema();
        List<String> partitions = JavaConverters.seqAsJavaList(snapshot.metadata().partitionColumns());
        if (files.isEmpty()) {
            return Optional.of(spark.createDataFrame(List.of(), schema));
        }
        List<String> paths = new ArrayList<>();
        for (AddFile f : files) {
            StringBuilder folder = new StringBuilder();
            Map<String, String> values = JavaConverters.mapAsJavaMap(f.partitionValues());
            for (String p : partitions) {
                String value = values.get(p);
                folder.append(org.apache.spark.sql.catalyst.catalog.ExternalCatalogUtils.escapePathName(p)).append('=')
                        .append(value == null ? org.apache.spark.sql.catalyst.catalog.ExternalCatalogUtils.DEFAULT_PARTITION_NAME()
                                : org.apache.spark.sql.catalyst.catalog.ExternalCatalogUtils.escapePathName(value)).append('/');
            }
            String relative;
            try {
                relative = new java.net.URI(f.path()).getPath();   // the log keeps paths URI-encoded
            } catch (java.net.URISyntaxException e) {
                return Optional.empty();
            }
            if (relative == null || !relative.startsWith(folder.toString()) || relative.indexOf('/', folder.length()) >= 0) {
                return Optional.empty();
            }
            paths.add(StagedFiles.absolute(location, f.path()).toString());
        }
        Dataset<Row> read = spark.read().schema(schema).option("basePath", location).parquet(paths.toArray(String[]::new));
        return Optional.of(read.select(java.util.Arrays.stream(schema.fieldNames())
                .map(c -> read.col(dev.drover.common.SqlNames.quote(c))).toArray(org.apache.spark.sql.Column[]::new)));
    }

    /**
     * A snapshot's data files: from its checksum in the driver when Delta kept the file list there,
     * else from its state, which Delta rebuilds with Spark jobs.
     */
    static List<AddFile> files(Snapshot snapshot) {
        return checksumFiles(snapshot).orElseGet(() -> snapshot.allFiles().collectAsList());
    }

    /** The snapshot's data files as its checksum lists them (Delta 3.3 keeps them there for tables of up to 50 files). */
    private static Optional<List<AddFile>> checksumFiles(Snapshot snapshot) {
        scala.Option<org.apache.spark.sql.delta.VersionChecksum> checksum = snapshot.checksumOpt();
        return checksum.isDefined() && checksum.get().allFiles().isDefined()
                ? Optional.of(JavaConverters.seqAsJavaList(checksum.get().allFiles().get())) : Optional.empty();
    }

    /** A data file of a table's version: its partition values, and the rows it holds when its statistics say. */
    public record FileRows(Map<String, String> partitionValues, Optional<Long> rows) {
        /** The rows all {@code files} hold; empty when one of them has no statistics. */
        public static Optional<Long> total(List<FileRows> files) {
            long total = 0;
            for (FileRows file : files) {
                if (file.rows().isEmpty()) {
                    return Optional.empty();
                }
                total += file.rows().get();
            }
            return Optional.of(total);
        }
    }

    /**
     * Each data file of a table's version with the rows it holds (record count less the rows its
     * deletion vector marks). Read in the driver from the version's checksum file when Delta kept
     * the version's file list there (Delta 3.3 does for tables of up to 50 files); otherwise from
     * the log's state, a Spark job.
     */
    public List<FileRows> fileRows(String location, long version) {
        Snapshot snapshot = snapshotAt(location, version);
        List<FileRows> out = new ArrayList<>();
        Optional<List<AddFile>> listed = checksumFiles(snapshot);
        if (listed.isPresent()) {
            for (AddFile add : listed.get()) {
                scala.Option<Object> rows = add.numLogicalRecords();
                out.add(new FileRows(JavaConverters.mapAsJavaMap(add.partitionValues()),
                        rows.isDefined() ? Optional.of(((Number) rows.get()).longValue()) : Optional.empty()));
            }
            return out;
        }
        for (Row r : snapshot.withStats().select(org.apache.spark.sql.functions.col("partitionValues"),
                org.apache.spark.sql.functions.col("stats.numRecords").minus(org.apache.spark.sql.functions.coalesce(
                        org.apache.spark.sql.functions.col("deletionVector.cardinality"), org.apache.spark.sql.functions.lit(0L))))
                .collectAsList()) {
            out.add(new FileRows(r.getJavaMap(0), r.isNullAt(1) ? Optional.empty() : Optional.of(r.getLong(1))));
        }
        return out;
    }

    /** The least and greatest value of an integral column over a table's version. */
    public record Bounds(long least, long greatest) {}

    /**
     * The least and greatest value of the top-level integral column {@code column} over a
     * version's files, from each file's statistics in the version's checksum (the driver, no
     * job). Empty when the checksum does not list the files, the table maps column names, or a
     * file's statistics lack the column's values (it lies beyond the columns Delta collects them
     * for, or the file predates statistics); also when no file holds a value. Bounds of files
     * whose deletion vectors mark rows may be wider than the live rows': still bounds.
     */
    public Optional<Bounds> integralBounds(String location, long version, String column) {
        Snapshot snapshot = snapshotAt(location, version);
        Optional<List<AddFile>> listed = checksumFiles(snapshot);
        if (listed.isEmpty() || !snapshot.metadata().columnMappingMode().name().equals("none")) {
            return Optional.empty();
        }
        Long least = null;
        Long greatest = null;
        try {
            for (AddFile add : listed.get()) {
                if (add.stats() == null || add.stats().isBlank()) {
                    return Optional.empty();
                }
                com.fasterxml.jackson.databind.JsonNode stats = JSON.readTree(add.stats());
                long records = stats.path("numRecords").asLong(-1);
                if (records >= 0 && stats.path("nullCount").path(column).asLong(-1) == records) {
                    continue;   // every value of this file is null: no bounds to take
                }
                com.fasterxml.jackson.databind.JsonNode lo = stats.path("minValues").path(column);
                com.fasterxml.jackson.databind.JsonNode hi = stats.path("maxValues").path(column);
                if (!lo.canConvertToLong() || !hi.canConvertToLong() || !lo.isIntegralNumber() || !hi.isIntegralNumber()) {
                    return Optional.empty();
                }
                least = least == null ? lo.asLong() : Math.min(least, lo.asLong());
                greatest = greatest == null ? hi.asLong() : Math.max(greatest, hi.asLong());
            }
        } catch (java.io.IOException e) {
            return Optional.empty();
        }
        return least == null ? Optional.empty() : Optional.of(new Bounds(least, greatest));
    }

    /** The table's properties at {@code version} (its metadata's configuration), from the log. */
    public Map<String, String> properties(String location, long version) {
        return JavaConverters.mapAsJavaMap(snapshotAt(location, version).metadata().configuration());
    }

    /** Whether the table records its changes at {@code version} ({@code delta.enableChangeDataFeed = true}). */
    public boolean changeDataFeedOn(String location, long version) {
        return "true".equalsIgnoreCase(properties(location, version).getOrDefault(CHANGE_DATA_FEED, "false").trim());
    }

    public static final String CHANGE_DATA_FEED = "delta.enableChangeDataFeed";

    /**
     * Sets table properties in a metadata-only commit tagged with {@code tag} (through a child
     * session's commitInfo setting, as {@link #restore} does); returns the version it made.
     */
    public long setProperties(String location, Map<String, String> properties, CommitTag tag) {
        SparkSession child = spark.newSession();
        child.conf().set("spark.databricks.delta.commitInfo.userMetadata", tag.json());
        StringBuilder sql = new StringBuilder("ALTER TABLE delta.`" + location.replace("`", "``") + "` SET TBLPROPERTIES (");
        int n = 0;
        for (var e : properties.entrySet()) {
            sql.append(n++ == 0 ? "" : ", ").append('\'').append(e.getKey().replace("'", "\\'")).append("' = '")
                    .append(e.getValue().replace("'", "\\'")).append('\'');
        }
        child.sql(sql.append(")").toString());
        return latestVersion(location);
    }

    /** Adds nullable columns to a table in a metadata-only commit tagged with {@code tag}. */
    public void addColumns(String location, List<org.apache.spark.sql.types.StructField> columns, CommitTag tag) {
        SparkSession child = spark.newSession();
        child.conf().set("spark.databricks.delta.commitInfo.userMetadata", tag.json());
        String list = String.join(", ", columns.stream().map(f -> "`" + f.name().replace("`", "``") + "` " + f.dataType().sql()).toList());
        child.sql("ALTER TABLE delta.`" + location.replace("`", "``") + "` ADD COLUMNS (" + list + ")");
    }

    /** When a version was committed, from its commit file's commitInfo (no Spark job); empty when the file is gone. */
    public Optional<java.time.Instant> commitTime(String location, long version) {
        try {
            org.apache.hadoop.fs.Path commit = new org.apache.hadoop.fs.Path(new org.apache.hadoop.fs.Path(location, "_delta_log"),
                    String.format("%020d.json", version));
            org.apache.hadoop.fs.FileSystem fs = commit.getFileSystem(hadoopConf());
            if (!fs.exists(commit)) {
                return Optional.empty();
            }
            try (var reader = new java.io.BufferedReader(new java.io.InputStreamReader(fs.open(commit), java.nio.charset.StandardCharsets.UTF_8))) {
                for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                    if (line.startsWith("{\"commitInfo\"")) {
                        return Optional.of(java.time.Instant.ofEpochMilli(JSON.readTree(line).path("commitInfo").path("timestamp").asLong()));
                    }
                }
            }
            return Optional.of(java.time.Instant.ofEpochMilli(fs.getFileStatus(commit).getModificationTime()));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot read the Delta log of " + location, e);
        }
    }

    /** Every idempotent-write app id committed to the table, with its version (empty when there is no table). */
    public java.util.Map<String, Long> committedAppIds(String location) {
        if (!exists(location)) {
            return java.util.Map.of();
        }
        return appIds(snapshot(location));
    }

    /**
     * A snapshot's idempotent-write app ids with their versions. Read in the driver from the
     * version's checksum when Delta kept them there (it does while a table has few of them and
     * every commit since its creation wrote a checksum); otherwise from the snapshot's state,
     * which Delta rebuilds with a Spark job.
     */
    public static java.util.Map<String, Long> appIds(Snapshot snapshot) {
        java.util.Map<String, Long> out = new java.util.HashMap<>();
        scala.Option<org.apache.spark.sql.delta.VersionChecksum> checksum = snapshot.checksumOpt();
        if (checksum.isDefined() && checksum.get().setTransactions().isDefined()) {
            for (var t : JavaConverters.seqAsJavaList(checksum.get().setTransactions().get())) {
                out.put(t.appId(), t.version());
            }
            return out;
        }
        JavaConverters.mapAsJavaMap(snapshot.transactions()).forEach((app, version) -> out.put(app, (Long) version));
        return out;
    }

    /**
     * The commits after {@code version}, oldest first, read from the table's log files on the
     * driver (no Spark job): each commit's info and the files it added with their statistics.
     */
    public List<Change> changes(String location, long version) {
        List<Change> out = new ArrayList<>();
        if (!exists(location)) {
            return out;
        }
        DeltaLog log = DeltaLog.forTable(spark, location);
        var changes = log.getChanges(version + 1, false);
        while (changes.hasNext()) {
            var next = changes.next();
            long at = (Long) next._1();
            String operation = "";
            String userMetadata = null;
            Map<String, String> metrics = Map.of();
            List<AddedFile> added = new ArrayList<>();
            for (Action action : JavaConverters.seqAsJavaList(next._2())) {
                if (action instanceof CommitInfo info) {
                    operation = info.operation();
                    userMetadata = info.userMetadata().isDefined() ? info.userMetadata().get() : null;
                    metrics = info.operationMetrics().isDefined() ? JavaConverters.mapAsJavaMap(info.operationMetrics().get()) : Map.of();
                } else if (action instanceof AddFile add && add.dataChange()) {
                    added.add(new AddedFile(add.path(), JavaConverters.mapAsJavaMap(add.partitionValues()), add.stats()));
                }
            }
            out.add(new Change(at, operation, userMetadata, Map.copyOf(metrics), List.copyOf(added)));
        }
        return out;
    }

    /** One commit of a table's log: what it did, Drover's tag, Delta's operation metrics, the data files it added. */
    public record Change(long version, String operation, String userMetadata, Map<String, String> operationMetrics,
                         List<AddedFile> added) {
        public Optional<CommitTag> tag() {
            return CommitTag.parse(userMetadata);
        }
    }

    /** A data file a commit added: its partition values and the statistics Delta collected (JSON; null when none). */
    public record AddedFile(String path, Map<String, String> partitionValues, String stats) {}

    /**
     * How many rows one commit added to the table less those it took away, from its own file actions
     * (no Spark job): each added file's record count less the rows its deletion vector marks, less
     * the same for each removed file. Empty when some file of the commit carries no record count.
     */
    public Optional<Long> rowsChangedBy(String location, long version) {
        var changes = DeltaLog.forTable(spark, location).getChanges(version, false);
        long delta = 0;
        while (changes.hasNext()) {
            var next = changes.next();
            if ((Long) next._1() != version) {
                break;
            }
            for (Action action : JavaConverters.seqAsJavaList(next._2())) {
                Optional<Long> rows;
                if (action instanceof AddFile add && add.dataChange()) {
                    rows = liveRows(add.stats(), add.deletionVector());
                    if (rows.isEmpty()) {
                        return Optional.empty();
                    }
                    delta += rows.get();
                } else if (action instanceof org.apache.spark.sql.delta.actions.RemoveFile remove && remove.dataChange()) {
                    rows = liveRows(remove.stats(), remove.deletionVector());
                    if (rows.isEmpty()) {
                        return Optional.empty();
                    }
                    delta -= rows.get();
                }
            }
        }
        return Optional.of(delta);
    }

    private static Optional<Long> liveRows(String stats, org.apache.spark.sql.delta.actions.DeletionVectorDescriptor dv) {
        if (stats == null || stats.isBlank()) {
            return Optional.empty();
        }
        try {
            var records = JSON.readTree(stats).get("numRecords");
            if (records == null || !records.canConvertToLong()) {
                return Optional.empty();
            }
            return Optional.of(records.asLong() - (dv == null ? 0 : dv.cardinality()));
        } catch (java.io.IOException e) {
            return Optional.empty();
        }
    }

    /** Commits after {@code version}, oldest first, from the log's commit files in the driver (no Spark job). */
    public List<Commit> commitsAfter(String location, long version) {
        List<Commit> out = new ArrayList<>();
        for (Version v : versions(location, at -> at > version, false, Integer.MAX_VALUE)) {
            out.add(new Commit(v.version(), v.operation(), v.userMetadata()));
        }
        return out;
    }

    public Dataset<Row> history(String location) {
        return DeltaTable.forPath(spark, location).history();
    }

    /**
     * The newest {@code limit} commits of a table, newest first, from the commit files of its
     * {@code _delta_log} alone (their {@code commitInfo} action: no snapshot, no Spark job, a
     * listing and a few small reads, so a report can afford it for a thousand tables); empty when
     * there is no table.
     */
    public List<Version> recentVersions(String location, int limit) {
        return versions(location, at -> true, true, limit);
    }

    /**
     * The commits of a table's log whose version {@code wanted} accepts, read from their commit
     * files in the driver: the newest or the oldest {@code limit} of them, in that order.
     */
    private List<Version> versions(String location, java.util.function.LongPredicate wanted, boolean newestFirst, int limit) {
        List<Version> out = new ArrayList<>();
        if (limit <= 0) {
            return out;
        }
        try {
            org.apache.hadoop.fs.Path log = new org.apache.hadoop.fs.Path(location, "_delta_log");
            org.apache.hadoop.fs.FileSystem fs = log.getFileSystem(hadoopConf());
            if (!fs.exists(log)) {
                return out;
            }
            List<org.apache.hadoop.fs.Path> commits = new ArrayList<>();
            for (org.apache.hadoop.fs.FileStatus f : fs.listStatus(log, p -> COMMIT_FILE.matcher(p.getName()).matches()
                    && wanted.test(Long.parseLong(p.getName().substring(0, 20))))) {
                commits.add(f.getPath());
            }
            var byName = java.util.Comparator.comparing(org.apache.hadoop.fs.Path::getName);
            commits.sort(newestFirst ? byName.reversed() : byName);
            for (org.apache.hadoop.fs.Path commit : commits.subList(0, Math.min(limit, commits.size()))) {
                long version = Long.parseLong(commit.getName().substring(0, 20));
                com.fasterxml.jackson.databind.JsonNode info = JSON.createObjectNode();
                try (var reader = new java.io.BufferedReader(new java.io.InputStreamReader(fs.open(commit), java.nio.charset.StandardCharsets.UTF_8))) {
                    for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                        if (line.startsWith("{\"commitInfo\"")) {
                            info = JSON.readTree(line).path("commitInfo");
                            break;
                        }
                    }
                }
                out.add(version(version, info));
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot read the Delta log of " + location, e);
        }
        return out;
    }

    private static final java.util.regex.Pattern COMMIT_FILE = java.util.regex.Pattern.compile("\\d{20}\\.json");
    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();
    private volatile org.apache.hadoop.conf.Configuration hadoopConf;

    private org.apache.hadoop.conf.Configuration hadoopConf() {
        if (hadoopConf == null) {
            hadoopConf = spark.sessionState().newHadoopConf();
        }
        return hadoopConf;
    }

    private static Version version(long version, com.fasterxml.jackson.databind.JsonNode info) {
        var metrics = info.path("operationMetrics");
        String rows = metrics.hasNonNull("numOutputRows") ? metrics.get("numOutputRows").asText()
                : metrics.hasNonNull("numRestoredFiles") ? metrics.get("numRestoredFiles").asText() : null;
        return new Version(version, java.time.Instant.ofEpochMilli(info.path("timestamp").asLong()), info.path("operation").asText(""),
                info.hasNonNull("userMetadata") ? info.get("userMetadata").asText() : null,
                rows == null ? Optional.empty() : Optional.of(Long.parseLong(rows)));
    }

    /** One version of a table: when, what made it, Drover's tag, rows written (or files restored). */
    public record Version(long version, java.time.Instant timestamp, String operation, String userMetadata, Optional<Long> rows) {
        public Optional<CommitTag> tag() {
            return CommitTag.parse(userMetadata);
        }
    }

    /**
     * Restores the table to {@code version} in a new commit tagged with {@code tag}. RESTORE has
     * no writer options, so the tag goes through a child session's commitInfo setting, which
     * leaves the shared session untouched.
     */
    public void restore(String location, long version, CommitTag tag) {
        SparkSession child = spark.newSession();
        child.conf().set("spark.databricks.delta.commitInfo.userMetadata", tag.json());
        DeltaTable.forPath(child, location).restoreToVersion(version);
    }

    private Snapshot snapshot(String location) {
        return DeltaLog.forTableWithSnapshot(spark, location)._2();
    }

    /** One entry of a table's history. */
    public record Commit(long version, String operation, String userMetadata) {
        public Optional<CommitTag> tag() {
            return CommitTag.parse(userMetadata);
        }
    }
}
