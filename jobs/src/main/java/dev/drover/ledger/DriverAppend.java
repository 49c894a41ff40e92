package dev.drover.ledger;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.drover.delta.StagedFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Timestamp;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.hadoop.util.HadoopOutputFile;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Types;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.delta.DeltaLog;
import org.apache.spark.sql.delta.DeltaOperations;
import org.apache.spark.sql.delta.OptimisticTransaction;
import org.apache.spark.sql.delta.Snapshot;
import org.apache.spark.sql.delta.actions.Action;
import org.apache.spark.sql.delta.actions.Metadata;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import scala.collection.JavaConverters;

/**
 * One ledger commit built in the driver, with no Spark job: the records go to one Parquet file
 * written with the Parquet library Spark ships, and its add action (with statistics, so filtered
 * reads still skip files) goes to the table with Delta's transaction API. A Spark write of a few
 * rows costs a job, and Delta 3.3 adds a state-rebuild job after every commit to a small table when
 * the session's time zone is not UTC (a check of the file list it keeps in the checksum): this
 * writer's session turns that check off, so no commit depends on the zone the user runs in.
 */
final class DriverAppend {
    /** Delta's check that rebuilds a small table's state after each commit outside UTC. */
    static final String FORCE_VERIFY_NON_UTC = "spark.databricks.delta.allFilesInCrc.verificationMode.forceOnNonUTC.enabled";
    /** Strings longer than this get no maximum in the statistics (Delta's own prefix length). */
    private static final int STRING_STATS = 32;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final SparkSession session;

    DriverAppend(SparkSession spark) {
        this.session = spark.newSession();
        session.conf().set(FORCE_VERIFY_NON_UTC, "false");
    }

    /**
     * Appends {@code rows} (of {@code schema}) to the table at {@code location} in one commit,
     * making the table (with {@code properties}) or setting what differs (columns it lacks, other
     * values of those properties).
     */
    Appended append(String location, StructType schema, List<Row> rows, Map<String, String> properties, String userMetadata) {
        return inSession(() -> {
            DeltaLog log = DeltaLog.forTable(session, location);
            // A blind append needs no fresh read: a commit by another application since the
            // snapshot this JVM holds is found at commit time and the append goes after it. Only a
            // table not seen yet is listed (a new one, or one another process has made since).
            Snapshot known = log.unsafeVolatileSnapshot();
            String add = null;
            for (int attempt = 1; ; attempt++) {
                OptimisticTransaction txn = known.version() >= 0
                        ? log.startTransaction(scala.Option.empty(), scala.Option.apply(known)) : log.startTransaction();
                if (txn.readVersion() < 0) {
                    StagedFiles.Layout layout = new StagedFiles.Layout(schema, List.of(), properties);
                    txn.updateMetadata(layout.metadata(UUID.randomUUID().toString()), false);
                } else {
                    Metadata updated = updated(txn.metadata(), schema, properties);
                    if (updated != null) {
                        txn.updateMetadata(updated, false);
                    }
                }
                if (add == null) {
                    add = write(location, schema, rows, true);
                }
                DeltaOperations.Write op = new DeltaOperations.Write(SaveMode.Append, scala.Option.empty(), scala.Option.empty(),
                        scala.Option.apply(userMetadata));
                try {
                    var action = (org.apache.spark.sql.delta.actions.AddFile) Action.fromJson(add);
                    long version = txn.commit(JavaConverters.asScalaBuffer(List.<Action>of(action)).toSeq(), op);
                    return new Appended(version, action.path(), action.size());
                } catch (io.delta.exceptions.MetadataChangedException e) {
                    // another application added a column or a property meanwhile (the only change a blind
                    // append conflicts with): append after it, with the same file
                    if (attempt == 3) {
                        throw e;
                    }
                    known = log.update(false, scala.Option.empty(), scala.Option.empty());
                }
            }
        });
    }

    /**
     * The table's metadata with the columns of {@code wanted} it lacks added and {@code properties}
     * set where it holds other values; null when nothing differs.
     */
    private static Metadata updated(Metadata m, StructType wanted, Map<String, String> properties) {
        StructType merged = merged(m.schema(), wanted);
        Map<String, String> configuration = new java.util.HashMap<>(JavaConverters.mapAsJavaMap(m.configuration()));
        boolean changed = !configuration.entrySet().containsAll(properties.entrySet());
        if (merged == null && !changed) {
            return null;
        }
        configuration.putAll(properties);
        return new Metadata(m.id(), m.name(), m.description(), m.format(), (merged == null ? m.schema() : merged).json(),
                m.partitionColumns(), StagedFiles.toScala(configuration),
                m.createdTime());
    }

    /**
     * Writes a checkpoint of the table at {@code location} at {@code version} in this process
     * (Delta Kernel's writer: no Spark job), then removes the log files Delta's retention lets go,
     * as Delta does after its own checkpoints. A checkpoint another writer made first is kept; a
     * failure is logged and costs only longer log replays until the next one.
     */
    void checkpoint(String location, long version) {
        try {
            io.delta.kernel.engine.Engine engine = io.delta.kernel.defaults.engine.DefaultEngine.create(session.sessionState().newHadoopConf());
            io.delta.kernel.Table.forPath(engine, location).checkpoint(engine, version);
            inSession(() -> {
                DeltaLog log = DeltaLog.forTable(session, location);
                log.doLogCleanup(log.unsafeVolatileSnapshot());
                return null;
            });
        } catch (io.delta.kernel.exceptions.CheckpointAlreadyExistsException e) {
            // made by another application's writer
        } catch (Exception e) {
            org.slf4j.LoggerFactory.getLogger(DriverAppend.class).warn("ledger table {}: no checkpoint at version {}: {}", location, version,
                    dev.drover.common.Messages.firstLine(String.valueOf(e.getMessage())));
        }
    }

    /** The table's schema with the columns of {@code wanted} it lacks added; null when it lacks none. */
    private static StructType merged(StructType table, StructType wanted) {
        StructType out = table;
        for (StructField f : wanted.fields()) {
            if (!List.of(table.fieldNames()).contains(f.name())) {
                out = out.add(f.name(), f.dataType(), true);
            }
        }
        return out == table ? null : out;
    }

    /** A committed append: the table's version and the file it added (its path relative to the table, its size). */
    record Appended(long version, String path, long size) {}

    /**
     * Replaces {@code files}, appended at versions {@code firstVersion} and after, by one file of
     * their {@code rows}, in one commit that changes no data (as Delta's OPTIMIZE does), with no
     * Spark job. The transaction reads at {@code firstVersion}, so another writer's removal of any of
     * those files since they were added is a conflict, and Delta refuses the commit.
     */
    long compact(String location, StructType schema, long firstVersion, List<Appended> files, List<Row> rows) {
        return inSession(() -> {
            DeltaLog log = DeltaLog.forTable(session, location);
            Snapshot at = log.getSnapshotAt(firstVersion, scala.Option.empty(), scala.Option.empty());
            OptimisticTransaction txn = log.startTransaction(scala.Option.empty(), scala.Option.apply(at));
            List<Action> actions = new java.util.ArrayList<>();
            long now = System.currentTimeMillis();
            for (Appended f : files) {
                ObjectNode remove = JSON.createObjectNode();
                remove.putObject("remove").put("path", f.path()).put("deletionTimestamp", now).put("dataChange", false)
                        .put("extendedFileMetadata", true).put("size", f.size()).putObject("partitionValues");
                actions.add(Action.fromJson(remove.toString()));
            }
            actions.add(Action.fromJson(write(location, schema, rows, false)));
            DeltaOperations.Optimize op = new DeltaOperations.Optimize(JavaConverters.asScalaBuffer(List.<org.apache.spark.sql.catalyst.expressions.Expression>of()).toSeq(),
                    JavaConverters.asScalaBuffer(List.<String>of()).toSeq(), true, scala.Option.empty(), false);
            return (Long) txn.commit(JavaConverters.asScalaBuffer(actions).toSeq(), op);
        });
    }

    /** {@code work} with this writer's session active (Delta's transactions read their settings from it). */
    private <T> T inSession(java.util.function.Supplier<T> work) {
        SparkSession before = SparkSession.getActiveSession().getOrElse(() -> null);
        SparkSession.setActiveSession(session);
        try {
            return work.get();
        } finally {
            if (before == null) {
                SparkSession.clearActiveSession();
            } else {
                SparkSession.setActiveSession(before);
            }
        }
    }

    /** Writes the rows as one Parquet file in the table's folder; returns its add action as JSON. */
    private String write(String location, StructType schema, List<Row> rows, boolean dataChange) {
        Configuration conf = session.sessionState().newHadoopConf();
        String name = "part-00000-" + UUID.randomUUID() + "-c000.snappy.parquet";
        Path file = new Path(location, name);
        MessageType type = parquetType(schema);
        Stats stats = new Stats(schema);
        try {
            try (ParquetWriter<Group> writer = ExampleParquetWriter.builder(HadoopOutputFile.fromPath(file, conf)).withConf(conf)
                    .withType(type).withCompressionCodec(CompressionCodecName.SNAPPY).withWriteMode(ParquetFileWriter.Mode.CREATE)
                    .build()) {
                SimpleGroupFactory groups = new SimpleGroupFactory(type);
                for (Row row : rows) {
                    writer.write(group(groups.newGroup(), schema, row));
                    stats.add(row);
                }
            }
            FileSystem fs = file.getFileSystem(conf);
            var status = fs.getFileStatus(file);
            ObjectNode add = JSON.createObjectNode();
            ObjectNode body = add.putObject("add");
            body.put("path", name);
            body.putObject("partitionValues");
            body.put("size", status.getLen());
            body.put("modificationTime", status.getModificationTime());
            body.put("dataChange", dataChange);
            body.put("stats", stats.json(rows.size()));
            return add.toString();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write a ledger file under " + location + ": " + e.getMessage(), e);
        }
    }

    private static MessageType parquetType(StructType schema) {
        Types.MessageTypeBuilder message = Types.buildMessage();
        for (StructField f : schema.fields()) {
            DataType t = f.dataType();
            if (t.equals(DataTypes.StringType)) {
                message.optional(PrimitiveTypeName.BINARY).as(LogicalTypeAnnotation.stringType()).named(f.name());
            } else if (t.equals(DataTypes.LongType)) {
                message.optional(PrimitiveTypeName.INT64).named(f.name());
            } else if (t.equals(DataTypes.IntegerType)) {
                message.optional(PrimitiveTypeName.INT32).named(f.name());
            } else if (t.equals(DataTypes.BooleanType)) {
                message.optional(PrimitiveTypeName.BOOLEAN).named(f.name());
            } else if (t.equals(DataTypes.DoubleType)) {
                message.optional(PrimitiveTypeName.DOUBLE).named(f.name());
            } else if (t.equals(DataTypes.TimestampType)) {
                message.optional(PrimitiveTypeName.INT64)
                        .as(LogicalTypeAnnotation.timestampType(true, LogicalTypeAnnotation.TimeUnit.MICROS)).named(f.name());
            } else {
                throw new IllegalArgumentException("no ledger file type for column " + f.name() + " of type " + t.simpleString());
            }
        }
        return message.named("spark_schema");
    }

    private static Group group(Group g, StructType schema, Row row) {
        StructField[] fields = schema.fields();
        for (int i = 0; i < fields.length; i++) {
            if (row.isNullAt(i)) {
                continue;
            }
            String name = fields[i].name();
            Object v = row.get(i);
            if (v instanceof String s) {
                g.append(name, s);
            } else if (v instanceof Long l) {
                g.append(name, l);
            } else if (v instanceof Integer n) {
                g.append(name, n);
            } else if (v instanceof Boolean b) {
                g.append(name, b);
            } else if (v instanceof Double d) {
                g.append(name, d);
            } else if (v instanceof Timestamp ts) {
                g.append(name, micros(ts));
            } else {
                throw new IllegalArgumentException("no ledger file value for column " + name + ": " + v.getClass().getName());
            }
        }
        return g;
    }

    static long micros(Timestamp ts) {
        return Math.floorDiv(ts.getTime(), 1000L) * 1_000_000L + ts.getNanos() / 1000;
    }

    /**
     * Delta file statistics of the rows: null counts for every column, minimum and maximum for
     * whole numbers and strings (a string longer than Delta's prefix gives its prefix as the
     * minimum and no maximum; a column with a non-ASCII string gets none). Timestamps, booleans
     * and doubles get none: a column without statistics is read, never skipped.
     */
    private static final class Stats {
        private final StructType schema;
        private final Object[] min;
        private final Object[] max;
        private final boolean[] noMax;
        private final boolean[] none;
        private final long[] nulls;

        Stats(StructType schema) {
            this.schema = schema;
            int n = schema.fields().length;
            this.min = new Object[n];
            this.max = new Object[n];
            this.noMax = new boolean[n];
            this.none = new boolean[n];
            this.nulls = new long[n];
        }

        @SuppressWarnings({"unchecked", "rawtypes"})
        void add(Row row) {
            for (int i = 0; i < min.length; i++) {
                if (row.isNullAt(i)) {
                    nulls[i]++;
                    continue;
                }
                Object v = row.get(i);
                if (v instanceof String s) {
                    if (!s.chars().allMatch(ch -> ch < 0x80)) {
                        none[i] = true;   // Java orders UTF-16 units, Delta UTF-8 bytes: only ASCII orders the same
                    }
                    if (s.length() > STRING_STATS) {
                        noMax[i] = true;
                        s = s.substring(0, STRING_STATS);
                    }
                    v = s;
                } else if (!(v instanceof Long) && !(v instanceof Integer)) {
                    continue;
                }
                Comparable c = (Comparable) v;
                if (min[i] == null || c.compareTo(min[i]) < 0) {
                    min[i] = v;
                }
                if (max[i] == null || c.compareTo(max[i]) > 0) {
                    max[i] = v;
                }
            }
        }

        String json(long records) {
            ObjectNode out = JSON.createObjectNode();
            out.put("numRecords", records);
            ObjectNode mins = out.putObject("minValues");
            ObjectNode maxs = out.putObject("maxValues");
            ObjectNode nullCount = out.putObject("nullCount");
            StructField[] fields = schema.fields();
            for (int i = 0; i < fields.length; i++) {
                String name = fields[i].name();
                nullCount.put(name, nulls[i]);
                if (min[i] != null && !none[i]) {
                    mins.putPOJO(name, min[i]);
                    if (!noMax[i]) {
                        maxs.putPOJO(name, max[i]);
                    }
                }
            }
            return out.toString();
        }
    }
}
