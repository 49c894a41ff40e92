package dev.drover.transforms;

import static java.util.Objects.requireNonNull;

import dev.drover.common.Messages;
import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.catalyst.expressions.GenericRowWithSchema;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Runs a {@link RowFunction} on every row still on its way (not failed or removed by an earlier
 * step), each row tried up to {@code attempts} times with {@code backoff} times the try number
 * between tries. A row that fails every try is marked failed with its last error; the hidden
 * column {@link RowErrors#ATTEMPTS} keeps how many tries each row took, so the job counts rows
 * retried and recovered. Unlike the other steps its outcome may differ between two runs of the
 * same rows (a service may answer the second time), which is why the job materialises a batch
 * with such a step once and derives the target and the quarantine from that one result.
 */
public record MapStep(String className, Map<String, String> options, int attempts, Duration backoff, ClassLoader loader)
        implements Step {
    public MapStep {
        requireNonNull(className, "className is null");
        options = Map.copyOf(requireNonNull(options, "options is null"));
        requireNonNull(backoff, "backoff is null");
        requireNonNull(loader, "loader is null");
        if (attempts < 1) {
            throw new IllegalArgumentException("attempts must be 1 or more");
        }
    }

    /** Fails with a {@link TransformException} unless the class exists, implements {@link RowFunction} and can be made. */
    public static void check(String className, Map<String, String> options, ClassLoader loader) {
        instance(className, options, loader);
    }

    @Override
    public String kind() {
        return "map";
    }

    @Override
    public boolean keepsRows() {
        return true;
    }

    @Override
    public Dataset<Row> apply(Dataset<Row> input, String label) {
        Dataset<Row> in = RowErrors.withErrorColumns(input);
        List<String> visible = Arrays.asList(Step.visibleColumns(in));
        StructType visibleSchema = new StructType(visible.stream().map(c -> in.schema().apply(c)).toArray(StructField[]::new));
        // the driver makes one to learn what it returns; each task makes its own to run it
        StructType output = instance(className, options, loader).schema(visibleSchema);
        List<StructField> fields = new ArrayList<>(Arrays.asList(output.fields()));
        List<String> hidden = new ArrayList<>();
        for (StructField f : in.schema().fields()) {
            if (f.name().startsWith(RowErrors.PREFIX) && !f.name().equals(RowErrors.ATTEMPTS)) {
                fields.add(f);
                hidden.add(f.name());
            }
        }
        fields.add(DataTypes.createStructField(RowErrors.ATTEMPTS, DataTypes.IntegerType, false));
        StructType out = new StructType(fields.toArray(StructField[]::new));
        Tries tries = new Tries(className, options, attempts, backoff.toMillis(), label, in.schema(), visibleSchema, visible,
                hidden, output.fieldNames());
        return in.mapPartitions(tries, Encoders.row(out));
    }

    private static RowFunction instance(String className, Map<String, String> options, ClassLoader loader) {
        return UserClasses.instance(className, options, loader, RowFunction.class, "map");
    }

    /** The per-partition work, shipped to executors: each partition makes its own row function. */
    private record Tries(String className, Map<String, String> options, int attempts, long backoffMillis, String label,
                         StructType in, StructType visibleSchema, List<String> visible, List<String> hidden, String[] output)
            implements MapPartitionsFunction<Row, Row>, Serializable {
        @Override
        public Iterator<Row> call(Iterator<Row> rows) {
            RowFunction function = instance(className, options, Thread.currentThread().getContextClassLoader());
            int error = in.fieldIndex(RowErrors.ERROR);
            int step = in.fieldIndex(RowErrors.STEP);
            int dropped = in.fieldIndex(RowErrors.DROPPED);
            int earlier = java.util.Arrays.asList(in.fieldNames()).indexOf(RowErrors.ATTEMPTS);
            int[] visibleAt = visible.stream().mapToInt(in::fieldIndex).toArray();
            int[] hiddenAt = hidden.stream().mapToInt(in::fieldIndex).toArray();
            return new Iterator<>() {
                @Override
                public boolean hasNext() {
                    return rows.hasNext();
                }

                @Override
                public Row next() {
                    Row row = rows.next();
                    Object[] values = new Object[visibleAt.length];
                    for (int i = 0; i < visibleAt.length; i++) {
                        values[i] = row.get(visibleAt[i]);
                    }
                    Row fields = new GenericRowWithSchema(values, visibleSchema);
                    if (!row.isNullAt(error) || !row.isNullAt(dropped)) {
                        return assemble(row, passThrough(fields), null, 0);
                    }
                    Exception last = null;
                    for (int attempt = 1; attempt <= attempts; attempt++) {
                        try {
                            return assemble(row, function.apply(fields), null, attempt);
                        } catch (Exception e) {
                            last = e;
                            if (attempt < attempts) {
                                pause(backoffMillis * attempt);
                            }
                        }
                    }
                    String message = "failed " + attempts + " of " + attempts + " tries: " + Messages.oneLine(last);
                    return assemble(row, passThrough(fields), message, attempts);
                }

                /** The row's own values under the output's columns (same name), for rows this step does not change. */
                private Row passThrough(Row fields) {
                    Object[] out = new Object[output.length];
                    for (int i = 0; i < output.length; i++) {
                        int at = visible.indexOf(output[i]);
                        out[i] = at < 0 ? null : fields.get(at);
                    }
                    return RowFactory.create(out);
                }

                private Row assemble(Row original, Row result, String failure, int tries) {
                    if (result.size() != output.length) {
                        throw new IllegalStateException(className + " returned " + result.size() + " values, its schema has " + output.length);
                    }
                    Object[] out = new Object[output.length + hiddenAt.length + 1];
                    for (int i = 0; i < output.length; i++) {
                        out[i] = result.get(i);
                    }
                    for (int i = 0; i < hiddenAt.length; i++) {
                        out[output.length + i] = original.get(hiddenAt[i]);
                    }
                    if (failure != null) {
                        out[output.length + hidden.indexOf(RowErrors.ERROR)] = failure;
                        out[output.length + hidden.indexOf(RowErrors.STEP)] = label;
                    }
                    out[out.length - 1] = earlier < 0 ? tries : Math.max(tries, original.getInt(earlier));
                    return RowFactory.create(out);
                }
            };
        }

        private static void pause(long millis) {
            if (millis <= 0) {
                return;
            }
            try {
                Thread.sleep(millis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting to try a row again", e);
            }
        }
    }
}
