package dev.drover.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.drover.testing.SharedSpark;
import io.delta.storage.HDFSLogStore;
import java.io.FileNotFoundException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.delta.DeltaLog;
import org.apache.spark.sql.delta.storage.DelegatingLogStore;
import org.apache.spark.sql.delta.storage.LogStoreAdaptor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Delta's log store for local folders: Delta's listing, with a file's status read only when it is reached. */
class LocalLogStoreTest {
    @TempDir
    java.nio.file.Path tmp;

    @Test
    void aListingEqualsDeltasOwnFromEveryVersionAndDeltaUsesIt() throws Exception {
        SparkSession spark = SharedSpark.session();
        String table = tmp.resolve("t").toUri().toString();
        for (int i = 0; i < 12; i++) {   // a checkpoint at 10: json, crc, checkpoint parquet and _last_checkpoint files
            spark.range(i, i + 1).write().format("delta").mode("append").option("delta.checkpointInterval", "10").save(table);
        }
        Configuration conf = spark.sessionState().newHadoopConf();
        Path log = new Path(table, "_delta_log");
        for (long v : new long[] {0, 5, 10, 11, 12, 99}) {
            Path from = new Path(log, String.format("%020d", v));
            assertEquals(described(new HDFSLogStore(conf).listFrom(from, conf)), described(new LocalLogStore(conf).listFrom(from, conf)),
                    "listing from version " + v);
        }
        String fromTen = String.join("\n", described(new LocalLogStore(conf).listFrom(new Path(log, String.format("%020d", 10)), conf)));
        for (String name : List.of("00000000000000000010.checkpoint.parquet", "00000000000000000010.json", "00000000000000000011.json",
                "00000000000000000011.crc", "_last_checkpoint")) {
            assertTrue(fromTen.contains("/" + name + " "), name + " in\n" + fromTen);
        }
        assertFalse(fromTen.contains("00000000000000000009"), fromTen);
        Path none = new Path(tmp.resolve("none/_delta_log").toUri().toString(), String.format("%020d", 0));
        var theirs = assertThrows(FileNotFoundException.class, () -> new HDFSLogStore(conf).listFrom(none, conf));
        var ours = assertThrows(FileNotFoundException.class, () -> new LocalLogStore(conf).listFrom(none, conf));
        assertEquals(theirs.getMessage(), ours.getMessage());

        // the session Drover's tests share is set as a local drover session is: Delta lists file: logs with it
        DeltaLog delta = DeltaLog.forTable(spark, table);
        var store = ((DelegatingLogStore) delta.store()).getDelegate(log);
        assertTrue(((LogStoreAdaptor) store).logStoreImpl() instanceof LocalLogStore, store.toString());
        assertEquals(Long.valueOf(11), io.delta.tables.DeltaTable.forPath(spark, table).history(1).first().<Long>getAs("version"));
        assertEquals(List.of(4L), spark.read().format("delta").option("versionAsOf", 4).load(table).where("id = 4")
                .as(org.apache.spark.sql.Encoders.LONG()).collectAsList(), "time travel reads the log through it");
    }

    /** A file removed after the names were read and before its status is reached is left out: the status is read lazily. */
    @Test
    void aFileRemovedBeforeItIsReachedIsLeftOut() throws Exception {
        java.nio.file.Path dir = Files.createDirectories(tmp.resolve("_delta_log"));
        for (int v = 0; v < 5; v++) {
            Files.writeString(dir.resolve(String.format("%020d.json", v)), "{}");
        }
        Files.writeString(dir.resolve(".00000000000000000004.json.crc"), "hadoop's checksum file");
        Configuration conf = new Configuration(false);
        LocalDisk.settings().forEach(conf::set);
        Path from = new Path(dir.toUri().toString(), String.format("%020d", 1));
        Iterator<FileStatus> delta = new HDFSLogStore(conf).listFrom(from, conf);
        Iterator<FileStatus> ours = new LocalLogStore(conf).listFrom(from, conf);
        assertEquals("00000000000000000001.json", ours.next().getPath().getName());
        Files.delete(dir.resolve(String.format("%020d.json", 2)));
        List<String> rest = new ArrayList<>();
        ours.forEachRemaining(s -> rest.add(s.getPath().getName()));
        assertEquals(List.of("00000000000000000003.json", "00000000000000000004.json"), rest);
        assertEquals(4, described(delta).size(), "Delta's own read every status up front");
        assertFalse(ours.hasNext());
    }

    private static List<String> described(Iterator<FileStatus> statuses) {
        List<String> out = new ArrayList<>();
        statuses.forEachRemaining(s -> out.add(s.getPath() + " " + s.getLen() + " " + s.getModificationTime() + " " + s.isDirectory()));
        return out;
    }
}
