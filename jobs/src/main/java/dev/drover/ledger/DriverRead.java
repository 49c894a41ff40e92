package dev.drover.ledger;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.example.data.simple.convert.GroupRecordConverter;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.io.ColumnIOFactory;
import org.apache.parquet.io.MessageColumnIO;
import org.apache.parquet.io.RecordReader;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.parquet.schema.GroupType;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.expressions.GenericRowWithSchema;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Reads one small ledger file in the driver, with no Spark job: the Parquet library Spark ships
 * turns its rows into rows of the ledger table's schema (by column name; a column the file lacks
 * is null, as in Spark's read of an older file). It reads what the ledger's writers make: text,
 * whole and floating numbers, booleans, and timestamps as {@link DriverAppend} writes them
 * (microseconds) or as Spark does by default (INT96). Anything else is refused, and the caller
 * reads the table through Spark instead.
 */
final class DriverRead {
    /** Julian day of 1970-01-01, the epoch of INT96 timestamps' day count. */
    private static final long JULIAN_EPOCH_DAY = 2_440_588L;

    private DriverRead() {}

    /** A file's rows as records of {@code table}. */
    static <R extends Record> List<R> records(Path file, Configuration conf, LedgerTable<R> table) {
        return records(file, conf, table, null, java.util.Set.of());
    }

    /** The file's rows whose text column {@code column} holds one of {@code values} (all of them when {@code column} is null). */
    static <R extends Record> List<R> records(Path file, Configuration conf, LedgerTable<R> table, String column,
            java.util.Set<String> values) {
        List<R> out = new ArrayList<>();
        StructType schema = table.schema();
        int at = column == null ? -1 : schema.fieldIndex(column);
        // The file reader, not ParquetReader: its builder makes a Hadoop Configuration of its own
        // and reads Hadoop's default resources into it, tens of milliseconds per file.
        try (ParquetFileReader reader = ParquetFileReader.open(HadoopInputFile.fromPath(file, conf))) {
            MessageType fileSchema = reader.getFooter().getFileMetaData().getSchema();
            MessageColumnIO columns = new ColumnIOFactory().getColumnIO(fileSchema);
            for (PageReadStore group = reader.readNextRowGroup(); group != null; group = reader.readNextRowGroup()) {
                RecordReader<Group> records = columns.getRecordReader(group, new GroupRecordConverter(fileSchema));
                for (long i = 0; i < group.getRowCount(); i++) {
                    Row row = row(records.read(), schema);
                    if (at < 0 || values.contains(row.get(at))) {
                        out.add(table.fromRow(row));
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the ledger file " + file + ": " + e.getMessage(), e);
        }
        return out;
    }

    private static Row row(Group g, StructType schema) {
        GroupType type = g.getType();
        StructField[] fields = schema.fields();
        Object[] values = new Object[fields.length];
        for (int i = 0; i < fields.length; i++) {
            String name = fields[i].name();
            if (!type.containsField(name)) {
                continue;
            }
            int at = type.getFieldIndex(name);
            if (g.getFieldRepetitionCount(at) == 0) {
                continue;
            }
            if (!type.getType(at).isPrimitive()) {
                throw new UnsupportedOperationException("column " + name + " is not a plain value");
            }
            values[i] = value(g, at, type.getType(at).asPrimitiveType());
        }
        return new GenericRowWithSchema(values, schema);
    }

    private static Object value(Group g, int at, PrimitiveType type) {
        LogicalTypeAnnotation logical = type.getLogicalTypeAnnotation();
        switch (type.getPrimitiveTypeName()) {
            case BINARY:
                return g.getString(at, 0);
            case BOOLEAN:
                return g.getBoolean(at, 0);
            case DOUBLE:
                return g.getDouble(at, 0);
            case FLOAT:
                return (double) g.getFloat(at, 0);
            case INT32:
                if (logical != null) {
                    throw new UnsupportedOperationException("INT32 column " + type.getName() + " of type " + logical);
                }
                return g.getInteger(at, 0);
            case INT64:
                long v = g.getLong(at, 0);
                if (logical == null) {
                    return v;
                }
                if (logical instanceof LogicalTypeAnnotation.TimestampLogicalTypeAnnotation ts) {
                    return switch (ts.getUnit()) {
                        case MILLIS -> timestamp(Math.floorDiv(v, 1_000L), Math.floorMod(v, 1_000L) * 1_000_000L);
                        case MICROS -> timestamp(Math.floorDiv(v, 1_000_000L), Math.floorMod(v, 1_000_000L) * 1_000L);
                        case NANOS -> timestamp(Math.floorDiv(v, 1_000_000_000L), Math.floorMod(v, 1_000_000_000L));
                    };
                }
                throw new UnsupportedOperationException("INT64 column " + type.getName() + " of type " + logical);
            case INT96:
                ByteBuffer bytes = g.getInt96(at, 0).toByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
                long nanosOfDay = bytes.getLong();
                long day = bytes.getInt() - JULIAN_EPOCH_DAY;
                return timestamp(day * 86_400L + Math.floorDiv(nanosOfDay, 1_000_000_000L), Math.floorMod(nanosOfDay, 1_000_000_000L));
            default:
                throw new UnsupportedOperationException("column " + type.getName() + " of type " + type.getPrimitiveTypeName());
        }
    }

    private static Timestamp timestamp(long seconds, long nanos) {
        return Timestamp.from(Instant.ofEpochSecond(seconds, nanos));
    }
}
