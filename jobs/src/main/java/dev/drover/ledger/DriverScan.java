package dev.drover.ledger;

import static java.util.Objects.requireNonNull;

import io.delta.kernel.Scan;
import io.delta.kernel.ScanBuilder;
import io.delta.kernel.Snapshot;
import io.delta.kernel.Table;
import io.delta.kernel.data.FilteredColumnarBatch;
import io.delta.kernel.data.Row;
import io.delta.kernel.engine.Engine;
import io.delta.kernel.exceptions.TableNotFoundException;
import io.delta.kernel.expressions.Column;
import io.delta.kernel.expressions.Literal;
import io.delta.kernel.expressions.Predicate;
import io.delta.kernel.internal.InternalScanFileUtils;
import io.delta.kernel.utils.CloseableIterator;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

/**
 * Reads a ledger table in the driver, with no Spark job: Delta Kernel replays the table's log
 * (its last checkpoint and the commits after it) for the list of files, skipping by the files'
 * statistics those that cannot hold the rows asked for, and {@link DriverRead} reads the files.
 * In a process that has not read the table yet, Spark's reader costs a job to rebuild the table's
 * state and another to scan it, each with its code generated afresh: several seconds for a
 * {@code drover status} of one run. A table this cannot read as Spark would (deletion vectors,
 * partitions, a protocol feature Kernel lacks, a file of an unexpected type, more files than
 * {@link #MAX_FILES}) is left to Spark: {@link #read} answers empty.
 */
final class DriverScan {
    /** Above this many files to read, Spark's parallel scan is the better reader. */
    static final int MAX_FILES = 2_000;
    /** Values of a key asked for at once beyond which the statistics are not used to skip files. */
    private static final int MAX_SKIPPING_VALUES = 64;

    private final Configuration conf;
    private final Engine engine;

    DriverScan(Configuration conf) {
        this.conf = requireNonNull(conf, "conf is null");
        this.engine = io.delta.kernel.defaults.engine.DefaultEngine.create(conf);
    }

    /** The rows read at one version of a table (version -1 and no rows: no table there). */
    record Read<R>(long version, List<R> rows) {}

    /**
     * The records of {@code table} at {@code location}, as of its latest version, whose text column
     * {@code column} holds one of {@code values} (every record when {@code column} is null); empty
     * when the driver cannot read this table as Spark would.
     */
    <R extends Record> Optional<Read<R>> read(String location, LedgerTable<R> table, String column, Set<String> values) {
        try {
            Snapshot snapshot;
            try {
                snapshot = Table.forPath(engine, location).getLatestSnapshot(engine);
            } catch (TableNotFoundException e) {
                return Optional.of(new Read<>(-1, List.of()));
            }
            if (!snapshot.getPartitionColumnNames(engine).isEmpty()) {
                return Optional.empty();
            }
            ScanBuilder builder = snapshot.getScanBuilder(engine);
            if (column != null && !values.isEmpty() && values.size() <= MAX_SKIPPING_VALUES
                    && snapshot.getSchema(engine).fieldNames().contains(column)) {
                builder = builder.withFilter(engine, anyOf(column, values));
            }
            Scan scan = builder.build();
            List<Path> files = new ArrayList<>();
            try (CloseableIterator<FilteredColumnarBatch> batches = scan.getScanFiles(engine)) {
                while (batches.hasNext()) {
                    try (CloseableIterator<Row> rows = batches.next().getRows()) {
                        while (rows.hasNext()) {
                            Row file = rows.next();
                            if (InternalScanFileUtils.getDeletionVectorDescriptorFromRow(file) != null || files.size() == MAX_FILES) {
                                return Optional.empty();
                            }
                            files.add(new Path(InternalScanFileUtils.getAddFileStatus(file).getPath()));
                        }
                    }
                }
            }
            List<R> out = new ArrayList<>();
            for (Path file : files) {
                out.addAll(DriverRead.records(file, conf, table, column, values));
            }
            return Optional.of(new Read<>(snapshot.getVersion(engine), out));
        } catch (IOException | RuntimeException e) {
            // a feature or a file this reader does not handle: Spark reads the table
            return Optional.empty();
        }
    }

    /** {@code column = v1 OR column = v2 ...}: Kernel skips a file whose statistics rule out every value. */
    private static Predicate anyOf(String column, Set<String> values) {
        Predicate any = null;
        for (String v : values) {
            Predicate eq = new Predicate("=", new Column(column), Literal.ofString(v));
            any = any == null ? eq : new Predicate("OR", any, eq);
        }
        return any;
    }
}
