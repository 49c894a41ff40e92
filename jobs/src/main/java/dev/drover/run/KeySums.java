package dev.drover.run;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.hash;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.pmod;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.xxhash64;

import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Row count and two independent sums of 31-bit key hashes (xxhash64 and murmur3 of the key
 * columns as text): equal multisets of keys give equal sums, in any order and file layout.
 * 31-bit terms keep the sums exact in a long up to billions of rows, whatever the ANSI setting.
 */
public record KeySums(long rows, long xxhash, long murmur) {
    static final KeySums ZERO = new KeySums(0, 0, 0);
    private static final int MASK = Integer.MAX_VALUE;

    /**
     * The aggregate expressions, named rows, key_xxhash, key_murmur. Keys are hashed as text only
     * when a key column changes type between source and target (hashing text costs a string
     * per row).
     */
    static Column[] aggregates(List<Column> keys, boolean asText) {
        Column[] text = keys.stream().map(k -> asText ? k.cast("string") : k).toArray(Column[]::new);
        return new Column[] {
                count(lit(1)).as("rows"),
                coalesce(sum(pmod(xxhash64(text), lit((long) MASK))), lit(0L)).as("key_xxhash"),
                coalesce(sum(hash(text).bitwiseAND(lit(MASK)).cast("bigint")), lit(0L)).as("key_murmur")};
    }

    static KeySums of(Dataset<Row> frame, List<Column> keys, boolean asText) {
        Column[] aggregates = aggregates(keys, asText);
        Row r = frame.agg(aggregates[0], java.util.Arrays.copyOfRange(aggregates, 1, aggregates.length)).first();
        return new KeySums(r.getLong(0), r.getLong(1), r.getLong(2));
    }

    KeySums plus(KeySums other) {
        return new KeySums(rows + other.rows, xxhash + other.xxhash, murmur + other.murmur);
    }
}
