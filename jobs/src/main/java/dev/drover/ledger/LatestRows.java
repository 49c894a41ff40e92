package dev.drover.ledger;

import static java.util.Objects.requireNonNull;

import dev.drover.exec.JobLabel;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.delta.DeltaLog;
import org.apache.spark.sql.delta.Snapshot;
import org.apache.spark.sql.delta.actions.Action;
import org.apache.spark.sql.delta.actions.AddFile;
import org.apache.spark.sql.delta.actions.RemoveFile;
import org.apache.spark.sql.delta.util.FileNames;
import scala.collection.JavaConverters;

/**
 * The latest record per key of one ledger table, kept in the driver and brought up to date from
 * the table's log at each read: the commits since the version held are read, and the small files
 * they added are read in the driver ({@link DriverRead}). A read then costs a look at the log's
 * newest files and reading the new ones, not a Spark job, and does not grow with the table:
 * reading a ledger table through Spark's Delta reader rebuilds the state of each new version with
 * Spark jobs, and in a wave every read sees a new version.
 *
 * <p>Compactions (no data change) leave the rows as they are and are skipped. Anything else the
 * log does not say as appends (a removal that changes data, a table made anew at the same place,
 * the version held gone from the log, a file the driver cannot read) makes it read the whole table
 * once as of its latest version, and go on from there; so does the first read. That read too is
 * in the driver ({@link DriverScan}), unless the table is one only Spark reads as it should.
 * Memory: one record per key (for the runs table, one run).
 */
final class LatestRows<R extends Record> {
    private final SparkSession spark;
    private final DriverScan scan;
    private final String location;
    private final LedgerTable<R> table;
    private final Function<R, String> key;
    private final Function<R, Instant> time;
    private final Map<String, R> latest = new LinkedHashMap<>();
    /** The version held, -1 before the first read or while there is no table. */
    private long version = -1;
    /** The log file of {@link #version}: a table made anew at the same place has another. */
    private FileStatus commit;
    /** The Hadoop settings of the table's log, made once (a new one per read parsed Hadoop's defaults each time). */
    private Configuration conf;

    LatestRows(SparkSession spark, DriverScan scan, String location, LedgerTable<R> table, Function<R, String> key,
            Function<R, Instant> time) {
        this.spark = requireNonNull(spark, "spark is null");
        this.scan = requireNonNull(scan, "scan is null");
        this.location = requireNonNull(location, "location is null");
        this.table = requireNonNull(table, "table is null");
        this.key = requireNonNull(key, "key is null");
        this.time = requireNonNull(time, "time is null");
    }

    /** The latest records, as the table stands now, for which {@code where} holds. */
    synchronized List<R> where(Predicate<R> where) {
        DeltaLog log = DeltaLog.forTable(spark, location);
        if (conf == null) {
            conf = log.newDeltaHadoopConf();
        }
        if (version < 0 || !advance(log)) {
            rebuild(log);
        }
        return latest.values().stream().filter(where).toList();
    }

    /**
     * Applies the commits after the version held; false when only a full read can say what the
     * table holds. The commits are found by asking for the next version's file until one is not
     * there, not by listing the log: on a local folder a listing reads every file's status, and a
     * ledger's log holds tens of thousands of them after a large wave.
     */
    private boolean advance(DeltaLog log) {
        try {
            FileSystem fs = log.logPath().getFileSystem(conf);
            FileStatus own = fs.getFileStatus(FileNames.unsafeDeltaFile(log.logPath(), version));
            if (own.getLen() != commit.getLen() || own.getModificationTime() != commit.getModificationTime()) {
                return false;   // a table made anew at the same place
            }
            List<FileStatus> after = new ArrayList<>();
            while (true) {
                try {
                    after.add(fs.getFileStatus(FileNames.unsafeDeltaFile(log.logPath(), version + 1 + after.size())));
                } catch (FileNotFoundException e) {
                    break;
                }
            }
            List<R> added = new ArrayList<>();
            for (FileStatus file : after) {
                for (String line : JavaConverters.seqAsJavaList(log.store().read(file, conf))) {
                    Action action = Action.fromJson(line);
                    if (action instanceof RemoveFile remove && remove.dataChange()) {
                        return false;
                    }
                    if (action instanceof AddFile add && add.dataChange()) {
                        added.addAll(DriverRead.records(absolute(add.path()), conf, table));
                    }
                }
            }
            added.forEach(this::merge);
            if (!after.isEmpty()) {
                version += after.size();
                commit = after.get(after.size() - 1);
            }
            return true;
        } catch (Exception e) {
            // the version held gone (the log cleaned up), or a file the driver cannot read
            return false;
        }
    }

    /**
     * Reads the whole table as of its latest version: in the driver ({@link DriverScan}) when it
     * can, else through Spark.
     */
    private void rebuild(DeltaLog log) {
        latest.clear();
        version = -1;
        commit = null;
        long at;
        var read = scan.read(location, table, null, java.util.Set.of());
        if (read.isPresent()) {
            at = read.get().version();
            if (at < 0) {
                return;
            }
            read.get().rows().forEach(this::merge);
        } else {
            Snapshot snapshot = log.update(false, scala.Option.empty(), scala.Option.empty());
            if (snapshot.version() < 0) {
                return;
            }
            at = snapshot.version();
            List<Row> rows = JobLabel.ledger(table.name()).call(spark,
                    () -> spark.read().format("delta").option("versionAsOf", at).load(location).collectAsList());
            rows.forEach(row -> merge(table.fromRow(row)));
        }
        try {
            Path file = FileNames.unsafeDeltaFile(log.logPath(), at);
            commit = file.getFileSystem(conf).getFileStatus(file);
            version = at;
        } catch (IOException e) {
            // the next read reads the whole table again
            version = -1;
        }
    }

    private void merge(R record) {
        latest.merge(key.apply(record), record, (a, b) -> time.apply(b).isAfter(time.apply(a)) ? b : a);
    }

    private Path absolute(String path) {
        try {
            return new Path(new Path(location), new Path(new URI(path)));
        } catch (URISyntaxException e) {
            throw new UnsupportedOperationException("a ledger file's path is not a URI: " + path, e);
        }
    }
}
