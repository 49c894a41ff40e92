package dev.drover.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * Named reconciliation metrics of a batch or a run (row counts, hash sums, source aggregates),
 * exact as decimals, named by {@link MetricKey}. Batches combine by name: {@code min:…} and
 * {@code max:…} keep the least or greatest, everything else adds up. A null value (an aggregate
 * over no rows) is absent; a count read but never written is an error, never a zero.
 */
public record Metrics(Map<String, BigDecimal> values) {
    public static final Metrics EMPTY = new Metrics(Map.of());
    private static final ObjectMapper JSON = new ObjectMapper();

    public Metrics {
        values = Collections.unmodifiableMap(new TreeMap<>(values));
    }

    /** From observed or aggregated values (numbers; nulls are skipped). */
    public static Metrics of(Map<String, ?> raw) {
        Map<String, BigDecimal> out = new TreeMap<>();
        raw.forEach((k, v) -> {
            if (v != null) {
                out.put(k, new BigDecimal(v.toString()));
            }
        });
        return new Metrics(out);
    }

    /** One count. */
    public static Metrics of(MetricKey key, long value) {
        return new Metrics(Map.of(key.name(), BigDecimal.valueOf(value)));
    }

    public Metrics plus(Metrics other) {
        Map<String, BigDecimal> out = new TreeMap<>(values);
        other.values.forEach((k, v) -> out.merge(k, v, (a, b) -> MetricKey.combine(k, a, b)));
        return new Metrics(out);
    }

    /** This less {@code other}, name by name (a value {@code other} lacks stays; only sums can be taken back). */
    public Metrics minus(Metrics other) {
        Map<String, BigDecimal> out = new TreeMap<>(values);
        other.values.forEach((k, v) -> {
            if (MetricKey.extreme(k)) {
                throw new IllegalArgumentException("a least or greatest value cannot be taken back: " + k);
            }
            out.merge(k, v.negate(), BigDecimal::add);
        });
        return new Metrics(out);
    }

    /** Only the values named in {@code names}. */
    public Metrics only(java.util.Collection<String> names) {
        Map<String, BigDecimal> out = new TreeMap<>();
        names.forEach(n -> {
            if (values.containsKey(n)) {
                out.put(n, values.get(n));
            }
        });
        return new Metrics(out);
    }

    public Metrics with(Metrics other) {
        Map<String, BigDecimal> out = new TreeMap<>(values);
        out.putAll(other.values);
        return new Metrics(out);
    }

    /**
     * The count {@code key} names. A count is written by every write that measures it (zero when
     * nothing was counted), so an absent one means a writer and a reader disagree: that throws
     * rather than reading as zero, which could let a check pass that never saw its data.
     */
    public long count(MetricKey key) {
        if (key.nullable()) {
            throw new IllegalArgumentException("metric " + key + " is an aggregate, not a count: read it with value()");
        }
        return value(key).longValueExact();
    }

    /** Whether {@code key} was measured. */
    public boolean has(MetricKey key) {
        return values.containsKey(key.name());
    }

    /**
     * The value {@code key} names: null only for an aggregate over no rows ({@link MetricKey#nullable()});
     * an absent count throws as {@link #count} does.
     */
    public BigDecimal value(MetricKey key) {
        BigDecimal v = values.get(key.name());
        if (v == null && !key.nullable()) {
            throw new IllegalStateException("metric " + key + " was not measured (measured: " + String.join(", ", values.keySet()) + ")");
        }
        return v;
    }

    public String json() {
        ObjectNode node = JSON.createObjectNode();
        values.forEach((k, v) -> node.put(k, v.toPlainString()));
        return node.toString();
    }

    public static Metrics fromJson(String json) {
        if (json == null || json.isBlank()) {
            return EMPTY;
        }
        try {
            Map<String, BigDecimal> out = new TreeMap<>();
            JsonNode node = JSON.readTree(json);
            node.fields().forEachRemaining(e -> out.put(e.getKey(), new BigDecimal(e.getValue().asText())));
            return new Metrics(out);
        } catch (Exception e) {
            throw new IllegalStateException("batch metrics in the ledger are not JSON: " + json, e);
        }
    }
}
