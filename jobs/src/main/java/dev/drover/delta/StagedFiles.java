package dev.drover.delta;

import static java.util.Objects.requireNonNull;

import dev.drover.error.ConflictError;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.delta.DeltaLog;
import org.apache.spark.sql.delta.DeltaOperations;
import org.apache.spark.sql.delta.OptimisticTransaction;
import org.apache.spark.sql.delta.actions.Action;
import org.apache.spark.sql.delta.actions.AddFile;
import org.apache.spark.sql.delta.actions.FileAction;
import org.apache.spark.sql.delta.actions.Format;
import org.apache.spark.sql.delta.actions.Metadata;
import org.apache.spark.sql.delta.actions.SetTransaction;
import org.apache.spark.sql.execution.metric.SQLMetric;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import scala.collection.JavaConverters;

/**
 * Write-audit-publish on plain Delta. A run's data files are written under the table's location,
 * in a folder of the run ({@code drover-<run>/}), by Delta's own transactional writer (so they
 * carry the statistics, partition layout and constraints a normal write gives them) — and nothing
 * is committed: readers of the table see none of them. The add actions the writer returned are
 * kept by the caller (the ledger) and published later in one commit, which for a replacing
 * publish also removes every file of the version it read, sets the new schema and carries an
 * idempotent transaction id, so a publish retried after a kill lands once.
 *
 * <p>The folder's name does not start with {@code _} or {@code .}: VACUUM sees the files, and
 * keeps them while they are younger than the table's retention, like any file of a write in
 * flight; a run must publish within that time ({@code drover.publish.max-staging-age}).
 */
public final class StagedFiles {
    private static final String PREFIX = "drover-";

    private final SparkSession spark;

    public StagedFiles(SparkSession spark) {
        this.spark = requireNonNull(spark, "spark is null");
    }

    /** The folder, relative to a table's location, that holds a run's files until and after it publishes them. */
    public static String folder(String runId) {
        return PREFIX + runId;
    }

    /** The table a run's files are written for: its schema, partition columns and table properties. */
    public record Layout(StructType schema, List<String> partitionBy, Map<String, String> properties) {
        public Layout {
            requireNonNull(schema, "schema is null");
            partitionBy = List.copyOf(partitionBy);
            properties = Map.copyOf(properties);
        }

        /** The layout of an existing table, with {@code schema} and {@code partitionBy} instead of its own. */
        public static Layout of(SparkSession spark, String location, StructType schema, List<String> partitionBy) {
            Map<String, String> properties = Map.of();
            if (new DeltaTables(spark).exists(location)) {
                properties = JavaConverters.mapAsJavaMap(DeltaLog.forTable(spark, location).update(false, scala.Option.empty(),
                        scala.Option.empty()).metadata().configuration());
                String mapping = properties.getOrDefault("delta.columnMapping.mode", "none");
                if (!mapping.equals("none")) {
                    // staged files would be written under other physical column names than the publish keeps
                    throw new UnsupportedOperationException(location + " uses Delta column mapping (delta.columnMapping.mode = "
                            + mapping + "); Drover's staged writes do not support it yet");
                }
            }
            return new Layout(schema, partitionBy, properties);
        }

        /** The Delta metadata action of a new table with this layout, under table id {@code id}. */
        public Metadata metadata(String id) {
            return new Metadata(id, null, null, new Format("parquet", scala.collection.immutable.Map$.MODULE$.empty()),
                    schema.asNullable().json(), JavaConverters.asScalaBuffer(new ArrayList<>(partitionBy)).toSeq(),
                    toScala(properties), scala.Option.apply(System.currentTimeMillis()));
        }
    }

    /** What one write staged: Delta's add actions (as JSON, paths relative to the table) and the rows the writer wrote. */
    public record Written(List<String> files, long rows) {
        public Written {
            files = List.copyOf(files);
        }
    }

    /**
     * Writes {@code frame} as data files of the table at {@code location}, in the run's folder;
     * commits nothing. Safe to call for many batches at once.
     */
    public Written write(String location, String runId, Layout layout, Dataset<Row> frame) {
        String folder = folder(runId);
        // A log of the run's folder that is never committed: its transaction writes the files
        // where the folder is, with the target's layout, and hands back their add actions.
        DeltaLog log = DeltaLog.forTable(spark, new Path(location, folder));
        OptimisticTransaction txn = log.startTransaction();
        txn.updateMetadata(layout.metadata(UUID.randomUUID().toString()), false);
        List<FileAction> actions = JavaConverters.seqAsJavaList(txn.writeFiles(frame));
        List<String> files = new ArrayList<>();
        for (FileAction action : actions) {
            if (action instanceof AddFile add) {
                files.add(relocated(add, folder).json());
            }
        }
        scala.Option<SQLMetric> rows = txn.getMetric("numOutputRows");
        return new Written(files, rows.isDefined() ? rows.get().value() : -1);
    }

    /** The add actions recorded as JSON, back as Delta's. */
    public static List<AddFile> adds(List<String> files) {
        List<AddFile> out = new ArrayList<>(files.size());
        for (String json : files) {
            Action action = Action.fromJson(json);
            if (!(action instanceof AddFile add)) {
                throw new IllegalStateException("a staged file is not a Delta add action: " + json);
            }
            out.add(add);
        }
        return out;
    }

    /**
     * The staged files as a table to read, before anything is published: the rows a publish
     * would add, with their partition values from the recorded actions' paths.
     */
    public Dataset<Row> read(String location, Layout layout, List<String> files) {
        if (files.isEmpty()) {
            return spark.createDataFrame(List.of(), layout.schema());
        }
        List<String> paths = adds(files).stream().map(a -> absolute(location, a.path()).toString()).toList();
        // data columns first, partition columns last, as a partitioned read gives them; then the table's order
        StructType reading = new StructType();
        for (StructField f : layout.schema().fields()) {
            if (!layout.partitionBy().contains(f.name())) {
                reading = reading.add(f);
            }
        }
        for (String p : layout.partitionBy()) {
            reading = reading.add(layout.schema().apply(p));
        }
        Dataset<Row> frame = spark.read().schema(reading).option("basePath", location)
                .parquet(paths.toArray(String[]::new));
        return frame.select(java.util.Arrays.stream(layout.schema().fieldNames())
                .map(n -> new Column(dev.drover.common.SqlNames.quote(n))).toArray(Column[]::new));
    }

    /** How a publish treats what the table holds. */
    public enum Mode {
        /** The files are added; what the table holds stays (a quarantine table). */
        APPEND,
        /** The files replace whatever the table holds at the publish (a new table, re-migrated). */
        REPLACE,
        /**
         * The files replace the pinned version's; a commit by anyone after it that changed the data or the
         * metadata refuses the publish. Commits that changed neither (VACUUM's start and end, OPTIMIZE's
         * rewrites, all marked as no data change) leave the pinned data as it was and are let through.
         */
        REPLACE_PINNED
    }

    /** A publish done: the version that holds it, and whether this call made it (false: a publish before a kill did). */
    public record Published(long version, boolean now) {}

    /**
     * Publishes staged files in one commit: their add actions, for a replace the removal of every
     * file the table holds, the layout's schema when it differs, and the transaction id
     * {@code appId} (version 0), so a publish that already landed is found and not made again.
     *
     * @param pinned for {@link Mode#REPLACE_PINNED}, the version the run read
     */
    public Published publish(String location, String appId, Layout layout, List<String> files, Mode mode, Optional<Long> pinned,
                             CommitTag tag) {
        DeltaLog log = DeltaLog.forTable(spark, location);
        log.update(false, scala.Option.empty(), scala.Option.empty());
        OptimisticTransaction txn = log.startTransaction();
        if (txn.readVersion() >= 0 && publishedBefore(txn, appId)) {
            return new Published(versionOf(location, tag), false);
        }
        if (mode == Mode.REPLACE_PINNED) {
            long expected = pinned.orElseThrow(() -> new IllegalArgumentException("a pinned publish needs the pinned version"));
            Optional<Long> changed = firstDataChange(log, expected, txn.readVersion());
            if (changed.isPresent()) {
                throw new ConflictError("publish of run " + tag.run() + " refused: " + location + " is at version " + txn.readVersion()
                        + ", committed after the pinned version " + expected + " by someone else (version " + changed.get()
                        + " changed its data); nothing is published");
            }
        }
        // any commit by others between here and our commit conflicts, instead of being lost under a replace
        txn.readWholeTable();
        boolean exists = txn.readVersion() >= 0;
        Metadata current = txn.metadata();
        boolean sameLayout = exists && current.schema().equals(layout.schema().asNullable())
                && JavaConverters.seqAsJavaList(current.partitionColumns()).equals(layout.partitionBy());
        if (!sameLayout) {
            Metadata next = (exists ? new Layout(layout.schema(), layout.partitionBy(), JavaConverters.mapAsJavaMap(current.configuration()))
                    : layout).metadata(exists ? current.id() : UUID.randomUUID().toString());
            txn.updateMetadata(next, false);
        }
        List<Action> actions = new ArrayList<>();
        long now = System.currentTimeMillis();
        if (mode != Mode.APPEND && exists) {
            for (AddFile old : DeltaTables.files(txn.snapshot())) {
                actions.add(old.removeWithTimestamp(now, true));
            }
        }
        actions.addAll(adds(files));
        actions.add(new SetTransaction(appId, 0L, scala.Option.apply(now)));
        var partitions = scala.Option.apply(JavaConverters.asScalaBuffer(new ArrayList<>(layout.partitionBy())).toSeq());
        DeltaOperations.Write op = new DeltaOperations.Write(mode == Mode.APPEND ? SaveMode.Append : SaveMode.Overwrite,
                partitions, scala.Option.empty(), scala.Option.apply(tag.json()));
        long version = txn.commit(JavaConverters.asScalaBuffer(actions).toSeq(), op);
        return new Published(version, true);
    }

    /**
     * The first version after {@code pinned}, up to {@code read}, that changed the table's data, metadata or
     * protocol; a version whose log is gone counts as a change. Empty when every commit since the pin left
     * the data as it was.
     */
    private static Optional<Long> firstDataChange(DeltaLog log, long pinned, long read) {
        if (read <= pinned) {
            return read == pinned ? Optional.empty() : Optional.of(read);
        }
        long next = pinned + 1;
        scala.collection.Iterator<scala.Tuple2<Object, scala.collection.Seq<Action>>> changes = log.getChanges(next, false);
        while (changes.hasNext() && next <= read) {
            scala.Tuple2<Object, scala.collection.Seq<Action>> commit = changes.next();
            long version = (Long) commit._1();
            if (version != next) {
                return Optional.of(next);
            }
            for (Action a : JavaConverters.seqAsJavaList(commit._2())) {
                boolean change = a instanceof Metadata || a instanceof org.apache.spark.sql.delta.actions.Protocol
                        || a instanceof org.apache.spark.sql.delta.actions.AddCDCFile || (a instanceof FileAction f && f.dataChange());
                if (change) {
                    return Optional.of(version);
                }
            }
            next++;
        }
        return next <= read ? Optional.of(next) : Optional.empty();
    }

    /** The version of the commit tagged as {@code tag} (same run and stage), -1 when none. */
    private long versionOf(String location, CommitTag tag) {
        long found = -1;
        for (DeltaTables.Commit c : new DeltaTables(spark).commitsAfter(location, -1L)) {
            if (c.tag().filter(t -> t.run().equals(tag.run()) && t.stage() == tag.stage()).isPresent()) {
                found = Math.max(found, c.version());
            }
        }
        return found;
    }

    /**
     * Deletes the files in the run's folder that {@code keep} (recorded add actions) does not
     * name: those of a batch killed before it was recorded, or of a failed try. With nothing to
     * keep the folder goes. Returns how many files were deleted.
     */
    public int removeUnrecorded(String location, String runId, List<String> keep) {
        Path folder = new Path(location, folder(runId));
        Set<String> kept = new HashSet<>();
        for (AddFile add : adds(keep)) {
            kept.add(absolute(location, add.path()).toUri().getPath());
        }
        try {
            FileSystem fs = folder.getFileSystem(spark.sparkContext().hadoopConfiguration());
            if (!fs.exists(folder)) {
                return 0;
            }
            int deleted = 0;
            RemoteIterator<LocatedFileStatus> files = fs.listFiles(folder, true);
            List<Path> gone = new ArrayList<>();
            while (files.hasNext()) {
                Path p = files.next().getPath();
                if (!p.getName().startsWith(".") && !kept.contains(p.toUri().getPath())) {
                    gone.add(p);
                }
            }
            for (Path p : gone) {
                if (fs.delete(p, false)) {
                    deleted++;
                }
            }
            if (kept.isEmpty()) {
                fs.delete(folder, true);
            }
            DeltaLog.invalidateCache(spark, folder);
            return deleted;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot clean the staged files of run " + runId + " under " + location, e);
        }
    }

    /** The oldest write time (epoch milliseconds) among recorded files, empty when none. */
    public static Optional<Long> oldest(List<String> files) {
        return adds(files).stream().map(AddFile::modificationTime).min(Long::compare);
    }

    static Path absolute(String location, String relative) {
        try {
            return new Path(new Path(location), new Path(new URI(relative)));
        } catch (URISyntaxException e) {
            throw new IllegalStateException("a staged file's path is not a URI: " + relative, e);
        }
    }

    /**
     * Whether the table holds a commit under {@code appId}: the answer of Delta's
     * {@code txnVersion}, taken from the version's checksum when it holds the app ids (no Spark
     * job), with the id registered as read, so a commit under it by anyone else before ours
     * still makes ours conflict.
     */
    private static boolean publishedBefore(OptimisticTransaction txn, String appId) {
        java.util.Map<String, Long> known = DeltaTables.appIds(txn.snapshot());
        txn.readTxn().$plus$eq(appId);   // what txnVersion records: the conflict check reads it
        return known.getOrDefault(appId, -1L) >= 0;
    }

    private static AddFile relocated(AddFile add, String folder) {
        return add.copy(folder + "/" + add.path(), add.partitionValues(), add.size(), add.modificationTime(), add.dataChange(),
                add.stats(), add.tags(), add.deletionVector(), add.baseRowId(), add.defaultRowCommitVersion(), add.clusteringProvider());
    }

    /** {@code map} as the immutable Scala map Delta's actions hold. */
    public static scala.collection.immutable.Map<String, String> toScala(Map<String, String> map) {
        scala.collection.immutable.Map<String, String> out = scala.collection.immutable.Map$.MODULE$.empty();
        for (var e : map.entrySet()) {
            out = out.$plus(new scala.Tuple2<>(e.getKey(), e.getValue()));
        }
        return out;
    }
}
