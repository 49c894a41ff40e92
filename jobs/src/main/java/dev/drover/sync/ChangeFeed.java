package dev.drover.sync;

import static java.util.Objects.requireNonNull;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max_by;
import static org.apache.spark.sql.functions.min_by;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.when;

import dev.drover.common.SqlNames;
import dev.drover.delta.DeltaTables;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.delta.DeltaLog;
import org.apache.spark.sql.delta.actions.Action;
import org.apache.spark.sql.delta.actions.AddCDCFile;
import org.apache.spark.sql.delta.actions.AddFile;
import org.apache.spark.sql.delta.actions.Metadata;
import org.apache.spark.sql.delta.actions.RemoveFile;
import org.apache.spark.sql.types.StructType;
import scala.collection.JavaConverters;

/**
 * A source table's change data feed over a range of versions: whether Delta can still serve it,
 * and the changes reduced to one row per key.
 *
 * <p>Delta serves the changes of a commit from its change files ({@code _change_data}) when it
 * wrote some, else from the data files it added and removed; either kind may have been vacuumed,
 * the log itself cleaned, or the feed off for some version. {@link #coverage} says which, from the
 * log alone (no data read). {@link #reduced} then reads the feed and keeps, per key, its first
 * change (the row as it was before the range, when it existed) and its last one (the row after,
 * unless deleted): the last by commit version and, inside a commit, after-images after
 * before-images.
 */
public final class ChangeFeed {
    public static final String CHANGE_TYPE = "_change_type";
    public static final String COMMIT_VERSION = "_commit_version";
    public static final String COMMIT_TIMESTAMP = "_commit_timestamp";
    /** Columns of the reduced frame besides the row's own (the last change's values). */
    public static final String FIRST_TYPE = "_drover_first_type";
    public static final String LAST_TYPE = "_drover_last_type";
    public static final String CHANGES = "_drover_changes";
    /** The row as it was before the range (the first change's before-image), each column under this prefix. */
    public static final String BEFORE_PREFIX = "_drover_before_";
    /** A key whose first change is a before-image existed before the range. */
    public static final String EXISTED = "_drover_existed";

    public static final String INSERT = "insert";
    public static final String DELETE = "delete";
    public static final String PREIMAGE = "update_preimage";
    public static final String POSTIMAGE = "update_postimage";

    private final SparkSession spark;

    public ChangeFeed(SparkSession spark) {
        this.spark = requireNonNull(spark, "spark is null");
    }

    /**
     * What the log says about serving {@code [from, to]}: the versions whose feed was off, the
     * files the feed needs that are gone, and the schema before and after the range. {@code gone}
     * is set when the log itself no longer holds the versions.
     */
    public record Coverage(long from, long to, List<Long> feedOff, List<String> missingFiles, Optional<String> gone,
                           StructType schemaBefore, StructType schemaAfter) {
        public Coverage {
            feedOff = List.copyOf(feedOff);
            missingFiles = List.copyOf(missingFiles);
            requireNonNull(gone, "gone is null");
        }

        public boolean servable() {
            return feedOff.isEmpty() && missingFiles.isEmpty() && gone.isEmpty();
        }
    }

    /** Whether a table's change data feed is on in these table properties ({@code delta.enableChangeDataFeed}). */
    static boolean enabled(Map<String, String> configuration) {
        return "true".equalsIgnoreCase(configuration.getOrDefault(DeltaTables.CHANGE_DATA_FEED, "false").trim());
    }

    /**
     * Reads the log from {@code from} to {@code to} (both included; {@code from - 1} is the version
     * already synced) and lists what stands in the way of reading the feed over it.
     */
    public Coverage coverage(String location, long from, long to) {
        DeltaLog log = DeltaLog.forTable(spark, location);
        StructType before = snapshot(location, from - 1).schema();
        StructType after = snapshot(location, to).schema();
        List<Long> off = new ArrayList<>();
        boolean on = enabled(JavaConverters.mapAsJavaMap(snapshot(location, from - 1).metadata().configuration()));
        Set<String> needed = new LinkedHashSet<>();
        try {
            var changes = log.getChanges(from, true);
            long expected = from;
            while (changes.hasNext()) {
                var next = changes.next();
                long version = (Long) next._1();
                if (version > to) {
                    break;
                }
                if (version != expected) {
                    return new Coverage(from, to, off, List.of(), Optional.of("its log jumps from version " + (expected - 1)
                            + " to " + version), before, after);
                }
                expected++;
                List<String> cdc = new ArrayList<>();
                List<String> data = new ArrayList<>();
                for (Action action : JavaConverters.seqAsJavaList(next._2())) {
                    if (action instanceof Metadata metadata) {
                        on = enabled(JavaConverters.mapAsJavaMap(metadata.configuration()));
                    } else if (action instanceof AddCDCFile file) {
                        cdc.add(file.path());
                    } else if (action instanceof AddFile file && file.dataChange()) {
                        data.add(file.path());
                    } else if (action instanceof RemoveFile file && file.dataChange()) {
                        data.add(file.path());
                    }
                }
                if (!on) {
                    off.add(version);
                }
                // a commit with change files is read from them alone; one without, from its data files
                needed.addAll(cdc.isEmpty() ? data : cdc);
            }
            if (expected <= to) {
                return new Coverage(from, to, off, List.of(), Optional.of("its log ends at version " + (expected - 1)), before, after);
            }
        } catch (RuntimeException e) {
            // Delta's own "versions are not contiguous" and missing-file errors: the log was cleaned
            return new Coverage(from, to, off, List.of(), Optional.of("its log no longer holds them ("
                    + dev.drover.common.Messages.firstLine(e.getMessage()) + ")"), before, after);
        }
        return new Coverage(from, to, off, missing(location, needed), Optional.empty(), before, after);
    }

    private List<String> missing(String location, Set<String> paths) {
        List<String> missing = new ArrayList<>();
        Path root = new Path(location);
        try {
            FileSystem fs = root.getFileSystem(spark.sessionState().newHadoopConf());
            for (String relative : paths) {
                Path file = relative.contains(":") ? new Path(relative) : new Path(root, relative);
                if (!fs.exists(file)) {
                    missing.add(relative);
                }
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot list the files of " + location, e);
        }
        return missing;
    }

    /** The feed of {@code [from, to]} as Delta reads it: the table's columns and the three feed columns. */
    public Dataset<Row> read(String location, long from, long to) {
        return spark.read().format("delta").option("readChangeFeed", "true")
                .option("startingVersion", from).option("endingVersion", to).load(location);
    }

    /**
     * One row per key changed in the feed: the key's last change's values under the table's own
     * column names, its last and first change types, how many changes it had, and the first
     * change's before-image under {@link #BEFORE_PREFIX} (null when the key was inserted in the
     * range). {@code columns} are the table's columns as of the range's end.
     */
    public static Dataset<Row> reduce(Dataset<Row> feed, List<String> key, List<String> columns) {
        Column rank = when(col(CHANGE_TYPE).equalTo(PREIMAGE), lit(0)).when(col(CHANGE_TYPE).equalTo(DELETE), lit(1))
                .when(col(CHANGE_TYPE).equalTo(INSERT), lit(2)).otherwise(lit(3));
        // inside one commit a key's before-image (preimage, delete) comes before its after-image
        Column order = col(COMMIT_VERSION).multiply(4L).plus(rank);
        List<Column> fields = new ArrayList<>();
        for (String c : columns) {
            fields.add(col(SqlNames.quote(c)));
        }
        fields.add(col(CHANGE_TYPE));
        Column row = struct(fields.toArray(Column[]::new));
        Column[] keys = key.stream().map(k -> col(SqlNames.quote(k))).toArray(Column[]::new);
        Dataset<Row> grouped = feed.groupBy(keys).agg(min_by(row, order).as("first"), max_by(row, order).as("last"),
                count(lit(1)).as(CHANGES));
        List<Column> out = new ArrayList<>();
        for (String c : columns) {
            out.add(col("last." + SqlNames.quote(c)).as(c));
        }
        out.add(col("last." + CHANGE_TYPE).as(LAST_TYPE));
        out.add(col("first." + CHANGE_TYPE).as(FIRST_TYPE));
        out.add(col(CHANGES));
        Column existed = col("first." + CHANGE_TYPE).isin(PREIMAGE, DELETE);
        out.add(existed.as(EXISTED));
        for (String c : columns) {
            out.add(when(existed, col("first." + SqlNames.quote(c))).as(BEFORE_PREFIX + c));
        }
        return grouped.select(out.toArray(Column[]::new));
    }

    /** Whether a reduced row's key ends the range deleted. */
    public static Column deleted() {
        return col(LAST_TYPE).equalTo(DELETE);
    }

    private org.apache.spark.sql.delta.Snapshot snapshot(String location, long version) {
        return DeltaLog.forTable(spark, location).getSnapshotAt(version, scala.Option.empty(), scala.Option.empty());
    }
}
