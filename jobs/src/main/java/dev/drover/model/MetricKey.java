package dev.drover.model;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * The name of one reconciliation metric. Every name the writes observe and the checks read is
 * made here, so the side that writes a metric and the side that reads it cannot spell it two ways;
 * reading a count that was never written throws ({@link Metrics#count}).
 *
 * <p>{@code nullable}: an aggregate over no rows is null (a least or greatest value, an
 * invariant's aggregate, a Deequ aggregation); such a metric may be absent, a count never is.
 * How batches combine a metric follows from its name: {@code min:…} and {@code max:…} keep the
 * least or greatest, everything else adds up.
 */
public record MetricKey(String name, boolean nullable) {
    private static final String TARGET = "target:";
    private static final String MIN = "min:";
    private static final String MAX = "max:";
    private static final String FAILED_BY = "failed_by:";

    /** Source rows of the batch (or run). */
    public static final MetricKey SOURCE_ROWS = count("rows");
    /** Rows that reached the target: written. */
    public static final MetricKey TARGET_ROWS = count("reached");
    /** Rows that failed a step: quarantined. */
    public static final MetricKey FAILED = count("failed");
    /** Rows a batch's quarantine commit wrote (observed in that write). */
    public static final MetricKey QUARANTINED = count("quarantined");
    /** Rows a per-row step tried more than once, and those of them that then succeeded. */
    public static final MetricKey RETRIED = count("retried");
    public static final MetricKey RECOVERED = count("recovered");
    /** Rows a filter or dedup step removed on purpose. */
    public static final MetricKey DROPPED = count("dropped");
    /** Hash sums of the source's keys (before the steps, or where every step keeps its row). */
    public static final MetricKey KEY_XXHASH = count("key_xxhash");
    public static final MetricKey KEY_MURMUR = count("key_murmur");
    /** Hash sums of the keys of every row after the steps (a step that may add or lose rows). */
    public static final MetricKey AFTER_KEY_XXHASH = count("after:key_xxhash");
    public static final MetricKey AFTER_KEY_MURMUR = count("after:key_murmur");
    /** Hash sums of the keys of the rows steps removed on purpose (read-back). */
    public static final MetricKey DROPPED_KEY_XXHASH = count("dropped_key_xxhash");
    public static final MetricKey DROPPED_KEY_MURMUR = count("dropped_key_murmur");
    /** Rows written with another key than their source row's (one-pass). */
    public static final MetricKey TARGET_KEY_DIFFERS = count(TARGET + "key_differs");
    /** The target as read back: its rows and the hash sums of its keys. */
    public static final MetricKey TARGET_READ_ROWS = count(TARGET + "rows");
    public static final MetricKey TARGET_KEY_XXHASH = count(TARGET + "key_xxhash");
    public static final MetricKey TARGET_KEY_MURMUR = count(TARGET + "key_murmur");

    public MetricKey {
        requireNonNull(name, "name is null");
    }

    private static MetricKey count(String name) {
        return new MetricKey(name, false);
    }

    /** Rows the step labelled {@code step} failed (from the quarantine write). */
    public static MetricKey failedBy(String step) {
        return count(FAILED_BY + step);
    }

    /** The step whose failed rows this metric counts, if it is one of {@link #failedBy}. */
    public static Optional<String> failedStep(String name) {
        return name.startsWith(FAILED_BY) ? Optional.of(name.substring(FAILED_BY.length())) : Optional.empty();
    }

    /** Rows the step labelled {@code step} removed on purpose. */
    public static MetricKey droppedBy(String step) {
        return count("dropped_by:" + step);
    }

    /** Read-back, source side: the hash sum of a carried column (named as in the target) over the rows that reached it. */
    public static MetricKey columnHash(String column) {
        return count("col_hash:" + column);
    }

    /** Read-back, source side: the nulls of a carried column over the rows that reached the target. */
    public static MetricKey columnNulls(String column) {
        return count("col_nulls:" + column);
    }

    /** Read-back, target side: the hash sum of a carried column as read. */
    public static MetricKey targetColumnHash(String column) {
        return count(TARGET + "col_hash:" + column);
    }

    /** The nulls of a target column written (one-pass) or read back. */
    public static MetricKey targetNulls(String column) {
        return count(TARGET + "nulls:" + column);
    }

    /** One-pass: rows written whose carried column is not their source row's value. */
    public static MetricKey targetDiffers(String column) {
        return count(TARGET + "differs:" + column);
    }

    /** The least value of a target column written (dates as days since 1970-01-01); batches keep the least. */
    public static MetricKey rangeMin(String column) {
        return new MetricKey(MIN + TARGET + column, true);
    }

    /** The greatest value of a target column written; batches keep the greatest. */
    public static MetricKey rangeMax(String column) {
        return new MetricKey(MAX + TARGET + column, true);
    }

    /** An invariant's source aggregate, combined across batches by {@code combine} ({@code sum}, {@code min}, {@code max}). */
    public static MetricKey invariantSource(String invariant, String combine) {
        return new MetricKey(prefix(combine) + "source:" + invariant, true);
    }

    /** An invariant's whole target aggregate, read from the target in one aggregation. */
    public static MetricKey invariantTarget(String invariant) {
        return new MetricKey(TARGET + "inv:" + invariant, true);
    }

    /** Part {@code i} of an invariant's target aggregate, observed per batch ({@code fn}: its aggregate function). */
    public static MetricKey invariantPart(String invariant, int i, String fn) {
        return new MetricKey(prefix(fn) + TARGET + "inv:" + invariant + ":" + i, true);
    }

    /** Aggregation {@code j} of Deequ analyzer {@code analyzer}, observed on the rows written. */
    public static MetricKey deequ(int analyzer, int j) {
        return new MetricKey(TARGET + "deequ:" + analyzer + ":" + j, true);
    }

    private static String prefix(String fn) {
        return fn.equals("min") ? MIN : fn.equals("max") ? MAX : "";
    }

    /** Whether batches keep the least or greatest of this metric rather than adding it up. */
    public boolean extreme() {
        return extreme(name);
    }

    static boolean extreme(String name) {
        return name.startsWith(MIN) || name.startsWith(MAX);
    }

    /** Combines two batches' values of the metric named {@code name}. */
    static java.math.BigDecimal combine(String name, java.math.BigDecimal a, java.math.BigDecimal b) {
        return name.startsWith(MIN) ? a.min(b) : name.startsWith(MAX) ? a.max(b) : a.add(b);
    }

    @Override
    public String toString() {
        return name;
    }
}
