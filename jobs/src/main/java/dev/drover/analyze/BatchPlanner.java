package dev.drover.analyze;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;

import dev.drover.common.SqlNames;
import dev.drover.error.SpecError;
import dev.drover.plan.Batch;
import dev.drover.spec.BatchingSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;

/**
 * Cuts the pinned source into as few batches as {@code maxRows} allows: whole partition values
 * grouped together (never one commit per value; a batch may pass maxRows by part of one
 * partition), ranges of a numeric key, or hash buckets of the key.
 * A source at or below {@code maxRows} is one batch.
 */
final class BatchPlanner {
    private BatchPlanner() {}

    /**
     * What the source's Delta log knows without reading the data: rows per partition value
     * (values..., rows), and an integral column's bounds; empty where it does not know.
     */
    interface SourceLog {
        SourceLog NONE = Optional::empty;

        Optional<List<Row>> partitionCounts();

        default Optional<dev.drover.delta.DeltaTables.Bounds> bounds(String column) {
            return Optional.empty();
        }
    }

    static List<Batch> plan(Dataset<Row> source, List<String> partitionColumns, List<String> primaryKey,
                            BatchingSpec spec, long maxRows, String specFile) {
        return plan(source, partitionColumns, primaryKey, spec, maxRows, specFile, null, SourceLog.NONE);
    }

    /**
     * With {@code together} (a dedup step's key, as source columns), batches keep each value's
     * rows in one batch: by hash of those columns (by = auto or rows), by partition only when
     * the partition columns are among them, by key range only on one of them. An empty
     * {@code together} (a dedup on columns the steps derive) allows only one batch.
     */
    static List<Batch> plan(Dataset<Row> source, List<String> partitionColumns, List<String> primaryKey,
                            BatchingSpec spec, long maxRows, String specFile, List<String> together, SourceLog counts) {
        if (together == null) {
            return plan(source, partitionColumns, primaryKey, spec, maxRows, specFile, primaryKey, spec.by(), counts);
        }
        if (together.isEmpty()) {
            List<Batch> batches = plan(source, partitionColumns, primaryKey, spec, maxRows, specFile, null, counts);
            if (batches.size() > 1) {
                throw new SpecError(specFile, "batching.max-rows", "a dedup step on columns the steps derive needs the whole source "
                        + "in one batch; the source has about " + batches.stream().mapToLong(Batch::estimatedRows).sum()
                        + " rows, so set max-rows at least that high, or dedup on source columns");
            }
            return batches;
        }
        BatchingSpec.By by = spec.by();
        String keys = "the dedup step's key " + together;
        if (by == BatchingSpec.By.PARTITION && !together.containsAll(partitionColumns)) {
            throw new SpecError(specFile, "batching.by", "partition batching would split " + keys + " across batches (partition columns "
                    + partitionColumns + " are not all in it); use by = rows or leave batching.by out");
        }
        if (by == BatchingSpec.By.KEY_RANGE && !spec.column().map(together::contains).orElse(primaryKey.size() == 1 && together.contains(primaryKey.get(0)))) {
            throw new SpecError(specFile, "batching.column", "key-range batching must be on a column of " + keys
                    + " so a key's rows stay in one batch; use by = rows or leave batching.by out");
        }
        return plan(source, partitionColumns, primaryKey, spec, maxRows, specFile, together,
                by == BatchingSpec.By.AUTO ? BatchingSpec.By.ROWS : by, counts);
    }

    private static List<Batch> plan(Dataset<Row> source, List<String> partitionColumns, List<String> primaryKey,
                                    BatchingSpec spec, long maxRows, String specFile, List<String> hashed, BatchingSpec.By chosen,
                                    SourceLog counts) {
        BatchingSpec.By by = chosen;
        if (by == BatchingSpec.By.AUTO) {
            by = !partitionColumns.isEmpty() ? BatchingSpec.By.PARTITION
                    : primaryKey.size() == 1 && integral(source.schema().apply(primaryKey.get(0)).dataType())
                    ? BatchingSpec.By.KEY_RANGE : BatchingSpec.By.ROWS;
        }
        return switch (by) {
            case PARTITION -> byPartition(source, partitionColumns, maxRows, specFile, counts);
            case KEY_RANGE -> byKeyRange(source, spec.column().orElse(primaryKey.size() == 1 ? primaryKey.get(0) : null),
                    maxRows, specFile, counts);
            case ROWS -> byRows(source, hashed, maxRows, counts);
            case AUTO -> throw new IllegalStateException("resolved above");
        };
    }

    private static List<Batch> byPartition(Dataset<Row> source, List<String> partitionColumns, long maxRows, String specFile,
                                           SourceLog known) {
        if (partitionColumns.isEmpty()) {
            throw new SpecError(specFile, "batching.by", "partition batching needs a partitioned source (spec.partitionedBy)");
        }
        // From the Delta log when its files all have statistics; else counted from the files' footers.
        List<Row> counts = known.partitionCounts().map(rows -> sortedByValues(rows, partitionColumns.size())).orElseGet(() ->
                source.groupBy(partitionColumns.stream().map(c -> col(SqlNames.quote(c))).toArray(org.apache.spark.sql.Column[]::new))
                        .count().orderBy(partitionColumns.stream().map(c -> col(SqlNames.quote(c)).asc_nulls_first())
                                .toArray(org.apache.spark.sql.Column[]::new)).collectAsList());
        long total = counts.stream().mapToLong(r -> r.getLong(partitionColumns.size())).sum();
        // As few batches as max-rows allows, balanced: each partition value goes to the batch its
        // rows' midpoint falls in, so batches are contiguous and about total / n rows each.
        int n = (int) Math.max(1, Math.ceil((double) total / maxRows));
        double target = (double) total / n;
        List<List<String>> values = new ArrayList<>();
        List<Long> rows = new ArrayList<>();
        for (int b = 0; b < n; b++) {
            values.add(new ArrayList<>());
            rows.add(0L);
        }
        long before = 0;
        for (Row r : counts) {
            long count = r.getLong(partitionColumns.size());
            int b = (int) Math.min(n - 1, Math.floor((before + count / 2.0) / target));
            values.get(b).add(partitionPredicate(partitionColumns, r));
            rows.set(b, rows.get(b) + count);
            before += count;
        }
        List<Batch> batches = new ArrayList<>();
        for (int b = 0; b < n; b++) {
            if (!values.get(b).isEmpty()) {
                batches.add(new Batch(batches.size(), String.join(" OR ", values.get(b)), rows.get(b)));
            }
        }
        if (batches.isEmpty()) {
            batches.add(new Batch(0, "true", 0));
        }
        return batches;
    }

    /** Rows ordered by their partition values, nulls first, as the batches are cut in that order. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    private static List<Row> sortedByValues(List<Row> rows, int columns) {
        java.util.Comparator<Row> order = (a, b) -> 0;
        for (int i = 0; i < columns; i++) {
            int at = i;
            java.util.Comparator<Row> byColumn = java.util.Comparator.comparing(r -> (Comparable) r.get(at),
                    java.util.Comparator.nullsFirst(java.util.Comparator.naturalOrder()));
            order = order.thenComparing(byColumn);
        }
        return rows.stream().sorted(order).toList();
    }

    private static String partitionPredicate(List<String> columns, Row r) {
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < columns.size(); i++) {
            String c = SqlNames.quote(columns.get(i));
            parts.add(r.isNullAt(i) ? c + " IS NULL" : c + " = " + lit(r.get(i)).expr().sql());
        }
        return "(" + String.join(" AND ", parts) + ")";
    }

    /** The source's rows when the Delta log knows them (the sum of the known counts); no data is read. */
    private static Optional<Long> knownTotal(SourceLog known) {
        return known.partitionCounts().map(rows -> rows.stream().mapToLong(r -> r.getLong(r.size() - 1)).sum());
    }

    private static List<Batch> byKeyRange(Dataset<Row> source, String column, long maxRows, String specFile, SourceLog known) {
        if (column == null || !integral(source.schema().apply(column).dataType())) {
            throw new SpecError(specFile, "batching.column", "key-range batching needs one integral key column (set batching.column)");
        }
        Optional<Long> rows = knownTotal(known);
        if (rows.isPresent() && rows.get() <= maxRows) {
            return List.of(new Batch(0, "true", rows.get()));   // one batch: no range to find
        }
        // the key's bounds from the log's file statistics when it knows the rows too; else one job
        Optional<dev.drover.delta.DeltaTables.Bounds> bounds = rows.isPresent() ? known.bounds(column) : Optional.empty();
        long total;
        long lo;
        long hi;
        if (bounds.isPresent()) {
            total = rows.get();
            lo = bounds.get().least();
            hi = bounds.get().greatest();
        } else {
            Row stats = source.agg(min(col(column)), max(col(column)), org.apache.spark.sql.functions.count(lit(1))).first();
            total = stats.getLong(2);
            if (total <= maxRows || stats.isNullAt(0)) {
                return List.of(new Batch(0, "true", total));
            }
            lo = ((Number) stats.get(0)).longValue();
            hi = ((Number) stats.get(1)).longValue();
        }
        int n = (int) Math.ceil((double) total / maxRows);
        long step = Math.max(1, (long) Math.ceil(((double) hi - lo + 1) / n));
        List<Batch> batches = new ArrayList<>();
        String c = SqlNames.quote(column);
        for (int i = 0; i < n; i++) {
            long from = lo + i * step;
            if (from > hi) {
                break;
            }
            String predicate = i == 0 ? "(" + c + " < " + (from + step) + " OR " + c + " IS NULL)"
                    : i == n - 1 || from + step > hi ? c + " >= " + from
                    : "(" + c + " >= " + from + " AND " + c + " < " + (from + step) + ")";
            batches.add(new Batch(i, predicate, total / n));
            if (from + step > hi) {
                break;
            }
        }
        return batches;
    }

    private static List<Batch> byRows(Dataset<Row> source, List<String> hashed, long maxRows, SourceLog known) {
        long total = knownTotal(known).orElseGet(source::count);
        if (total <= maxRows) {
            return List.of(new Batch(0, "true", total));
        }
        int n = (int) Math.ceil((double) total / maxRows);
        String key = String.join(", ", hashed.stream().map(SqlNames::quote).toList());
        List<Batch> batches = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            batches.add(new Batch(i, "pmod(xxhash64(" + key + "), " + n + ") = " + i, total / n));
        }
        return batches;
    }

    private static boolean integral(DataType type) {
        return type.equals(DataTypes.IntegerType) || type.equals(DataTypes.LongType)
                || type.equals(DataTypes.ShortType) || type.equals(DataTypes.ByteType);
    }
}
