package dev.drover.bench;

import dev.drover.ledger.LedgerTables;
import dev.drover.ledger.LedgerWriter;
import dev.drover.ledger.SpecChecksum;
import dev.drover.testing.SharedSpark;
import dev.drover.testing.TestFiles;
import io.delta.kernel.Operation;
import io.delta.kernel.Table;
import io.delta.kernel.Transaction;
import io.delta.kernel.TransactionCommitResult;
import io.delta.kernel.data.Row;
import io.delta.kernel.defaults.engine.DefaultEngine;
import io.delta.kernel.engine.Engine;
import io.delta.kernel.expressions.Column;
import io.delta.kernel.expressions.Literal;
import io.delta.kernel.internal.util.Utils;
import io.delta.kernel.types.StringType;
import io.delta.kernel.types.StructType;
import io.delta.kernel.types.TimestampType;
import io.delta.kernel.utils.CloseableIterable;
import io.delta.kernel.utils.DataFileStatistics;
import io.delta.kernel.utils.DataFileStatus;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Types;
import org.apache.spark.sql.SparkSession;

/**
 * Decision 1's choice of commit path for the ledger: N one-record appends, one after another, to a
 * fresh table, (a) through the ledger's writer (a Parquet file written in the driver, committed with
 * Delta's transaction API: {@code DeltaLog.startTransaction} … {@code commit}) and (b) the same
 * file written the same way and committed with Delta Kernel's transaction API (a snapshot, a
 * transaction, {@code generateAppendActions}, {@code commit}, a checkpoint when Kernel says one
 * is due). Both tables are read back through Spark and must hold N rows. Prints milliseconds per
 * commit and their ratio.
 * {@code tests/bench/ledger-commits [N=1000]}
 */
public final class LedgerCommitBenchmark {
    private LedgerCommitBenchmark() {}

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        Path root = Path.of(System.getProperty("drover.root", ".")).toAbsolutePath().normalize().resolve("tests/target/bench-ledger");
        TestFiles.deleteTree(root);
        SparkSession spark = SharedSpark.session();
        // a warm-up of each path (class loading, the first table), then the measured runs
        deltaApi(spark, root.resolve("warm-delta"), 20);
        kernel(spark, root.resolve("warm-kernel"), 20);
        double delta = deltaApi(spark, root.resolve("delta"), n);
        double kernel = kernel(spark, root.resolve("kernel"), n);
        System.out.printf("%,d one-record ledger commits: Delta's transaction API %.1f ms a commit, Delta Kernel %.1f ms a commit;"
                + " Kernel / Delta API %.2fx%n", n, delta, kernel, kernel / delta);
        // what the ledger's readers then pay (a resume, status, the notebooks read through Spark's Delta)
        for (String[] made : new String[][] {{"Delta's transaction API", root.resolve("delta/ledger/spec_checksums").toUri().toString()},
                {"Delta Kernel", root.resolve("kernel").toUri().toString()}}) {
            org.apache.spark.sql.delta.DeltaLog.clearCache();
            long[] rows = new long[1];
            long started = System.nanoTime();
            int jobs = SharedSpark.jobsDuring(() -> rows[0] = spark.read().format("delta").load(made[1]).where("migration = 'bench/V7'").count());
            System.out.printf("  a filtered read through Spark of the table %s made: %.0f ms, %d Spark jobs (%d row)%n", made[0],
                    (System.nanoTime() - started) / 1e6, jobs, rows[0]);
        }
    }

    private static SpecChecksum record(int i) {
        return new SpecChecksum("bench/V" + i, "sha256:" + i, "bench.conf", "run-" + i, Instant.now());
    }

    /** Milliseconds per commit through the ledger's writer. */
    private static double deltaApi(SparkSession spark, Path dir, int n) {
        try (LedgerWriter writer = new LedgerWriter(spark, dir.toUri().toString())) {
            long started = System.nanoTime();
            for (int i = 0; i < n; i++) {
                writer.append(LedgerTables.SPEC_CHECKSUMS, List.of(record(i))).join();
            }
            double ms = (System.nanoTime() - started) / 1e6 / n;
            check(spark, writer.location("spec_checksums"), n);
            return ms;
        }
    }

    private static final StructType KERNEL_SCHEMA = new StructType().add("migration", StringType.STRING).add("checksum", StringType.STRING)
            .add("file", StringType.STRING).add("run_id", StringType.STRING).add("recorded_at", TimestampType.TIMESTAMP);
    private static final MessageType PARQUET_SCHEMA = Types.buildMessage()
            .optional(PrimitiveTypeName.BINARY).as(LogicalTypeAnnotation.stringType()).named("migration")
            .optional(PrimitiveTypeName.BINARY).as(LogicalTypeAnnotation.stringType()).named("checksum")
            .optional(PrimitiveTypeName.BINARY).as(LogicalTypeAnnotation.stringType()).named("file")
            .optional(PrimitiveTypeName.BINARY).as(LogicalTypeAnnotation.stringType()).named("run_id")
            .optional(PrimitiveTypeName.INT64).as(LogicalTypeAnnotation.timestampType(true, LogicalTypeAnnotation.TimeUnit.MICROS))
            .named("recorded_at")
            .named("spark_schema");

    /** Milliseconds per commit through Delta Kernel. */
    private static double kernel(SparkSession spark, Path dir, int n) throws Exception {
        Configuration hadoop = spark.sparkContext().hadoopConfiguration();
        Engine engine = DefaultEngine.create(hadoop);
        String location = dir.toUri().toString();
        Table table = Table.forPath(engine, location);
        long started = System.nanoTime();
        for (int i = 0; i < n; i++) {
            var builder = table.createTransactionBuilder(engine, "drover-bench", i == 0 ? Operation.CREATE_TABLE : Operation.WRITE);
            if (i == 0) {
                builder = builder.withSchema(engine, KERNEL_SCHEMA).withTableProperties(engine, Map.of("delta.checkpointInterval", "100"));
            }
            Transaction txn = builder.build(engine);
            Row state = txn.getTransactionState(engine);
            SpecChecksum r = record(i);
            String name = "part-" + UUID.randomUUID() + ".snappy.parquet";
            org.apache.hadoop.fs.Path file = new org.apache.hadoop.fs.Path(new org.apache.hadoop.fs.Path(location), name);
            try (ParquetWriter<Group> writer = ExampleParquetWriter.builder(file).withConf(hadoop).withType(PARQUET_SCHEMA)
                    .withCompressionCodec(org.apache.parquet.hadoop.metadata.CompressionCodecName.SNAPPY).build()) {
                writer.write(new SimpleGroupFactory(PARQUET_SCHEMA).newGroup().append("migration", r.migration())
                        .append("checksum", r.checksum()).append("file", r.file()).append("run_id", r.runId())
                        .append("recorded_at", r.recordedAt().toEpochMilli() * 1000));
            }
            var status = file.getFileSystem(hadoop).getFileStatus(file);
            Map<Column, Literal> least = new HashMap<>();
            Map<Column, Long> nulls = new HashMap<>();
            for (String c : List.of("migration", "checksum", "file", "run_id")) {
                nulls.put(new Column(c), 0L);
            }
            least.put(new Column("migration"), Literal.ofString(r.migration()));
            least.put(new Column("run_id"), Literal.ofString(r.runId()));
            DataFileStatus data = new DataFileStatus(status.getPath().toString(), status.getLen(), status.getModificationTime(),
                    java.util.Optional.of(new DataFileStatistics(1, least, least, nulls)));
            var actions = Transaction.generateAppendActions(engine, state, Utils.singletonCloseableIterator(data),
                    Transaction.getWriteContext(engine, state, Map.of()));
            List<Row> all = new ArrayList<>();
            actions.forEachRemaining(all::add);
            TransactionCommitResult result = txn.commit(engine, CloseableIterable.inMemoryIterable(Utils.toCloseableIterator(all.iterator())));
            if (result.isReadyForCheckpoint()) {
                table.checkpoint(engine, result.getVersion());
            }
        }
        double ms = (System.nanoTime() - started) / 1e6 / n;
        check(spark, location, n);
        return ms;
    }

    private static void check(SparkSession spark, String location, int n) {
        long rows = spark.read().format("delta").load(location).count();
        if (rows != n) {
            throw new IllegalStateException(location + " holds " + rows + " rows after " + n + " commits");
        }
    }
}
