package dev.drover.measure;

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
    public static final KeySums ZERO = new KeySums(0, 0, 0);
    private static final int MASK = Integer.MAX_VALUE;

    /**
     * The aggregate expressions, named rows, key_xxhash, key_murmur. Keys are hashed as text only
     * when a key column changes type between source and target (hashing text costs a string
     * per row).
     */
    public static Column[] aggregates(List<Column> keys, boolean asText) {
        Column[] terms = terms(keys, asText);
        return new Column[] {
                count(lit(1)).as("rows"),
                coalesce(sum(terms[0]), lit(0L)).as("key_xxhash"),
                coalesce(sum(terms[1]), lit(0L)).as("key_murmur")};
    }

    /** The per-row terms of the two key hash sums (xxhash64, murmur3), each in [0, 2^31). */
    public static Column[] terms(List<Column> keys, boolean asText) {
        Column[] text = keys(keys, asText);
        return new Column[] {pmod(xxhash64(text), lit((long) MASK)), hash(text).bitwiseAND(lit(MASK)).cast("bigint")};
    }

    /** A column's per-row checksum term: the xxhash64 of the row's key and the value, in [0, 2^31). */
    public static Column valueTerm(List<Column> keys, boolean asText, Column value) {
        Column[] all = java.util.stream.Stream.concat(java.util.Arrays.stream(keys(keys, asText)), java.util.stream.Stream.of(value))
                .toArray(Column[]::new);
        return pmod(xxhash64(all), lit((long) MASK));
    }

    private static Column[] keys(List<Column> keys, boolean asText) {
        return keys.stream().map(k -> asText ? k.cast("string") : k).toArray(Column[]::new);
    }

    public static KeySums of(Dataset<Row> frame, List<Column> keys, boolean asText) {
        Column[] aggregates = aggregates(keys, asText);
        Row r = frame.agg(aggregates[0], java.util.Arrays.copyOfRange(aggregates, 1, aggregates.length)).first();
        return new KeySums(r.getLong(0), r.getLong(1), r.getLong(2));
    }

    public KeySums plus(KeySums other) {
        return new KeySums(rows + other.rows, xxhash + other.xxhash, murmur + other.murmur);
    }
}
