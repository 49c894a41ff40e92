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
 * exact as decimals. Batches combine by name: {@code min:…} and {@code max:…} keep the least or
 * greatest, everything else adds up. A null value (an aggregate over no rows) is absent.
 */
public record Metrics(Map<String, BigDecimal> values) {
    public static final Metrics EMPTY = new Metrics(Map.of());
    /** Source rows of the batch (or run). */
    public static final String SOURCE_ROWS = "rows";
    /** Rows that reached the target: written. */
    public static final String TARGET_ROWS = "reached";
    /** Rows that failed a step: quarantined. */
    public static final String FAILED = "failed";
    /** Prefix of the rows each step failed: {@code failed_by:<step label>}. */
    public static final String FAILED_BY = "failed_by:";
    /** Rows a batch's quarantine commit wrote (observed in that write). */
    public static final String QUARANTINED = "quarantined";
    /** Rows a per-row step tried more than once, and those of them that then succeeded. */
    public static final String RETRIED = "retried";
    public static final String RECOVERED = "recovered";
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

    public Metrics plus(Metrics other) {
        Map<String, BigDecimal> out = new TreeMap<>(values);
        other.values.forEach((k, v) -> out.merge(k, v, (a, b) -> k.startsWith("min:") ? a.min(b)
                : k.startsWith("max:") ? a.max(b) : a.add(b)));
        return new Metrics(out);
    }

    /** This less {@code other}, name by name (a value {@code other} lacks stays; only sums can be taken back). */
    public Metrics minus(Metrics other) {
        Map<String, BigDecimal> out = new TreeMap<>(values);
        other.values.forEach((k, v) -> {
            if (k.startsWith("min:") || k.startsWith("max:")) {
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

    public long count(String name) {
        BigDecimal v = values.get(name);
        return v == null ? 0 : v.longValueExact();
    }

    public BigDecimal get(String name) {
        return values.get(name);
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
