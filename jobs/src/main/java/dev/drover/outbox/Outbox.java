package dev.drover.outbox;

import dev.drover.ledger.Ledger;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.spark.sql.Row;

/**
 * The outbox and its delivery record: append-only Delta tables next to the ledger's
 * ({@code <state-dir>/ledger/outbox}, {@code deliveries}, {@code acks}). The deploy stage and
 * rollback write events; the notifier reads them and appends one delivery row per attempt.
 * An event's state is its latest delivery row, {@code pending} when it has none.
 */
public final class Outbox {
    public static final String OUTBOX = "outbox";
    public static final String DELIVERIES = "deliveries";
    public static final String ACKS = "acks";
    static final String OUTBOX_DDL = "event_id STRING, run_id STRING, migration STRING, dataset STRING, consumer STRING, "
            + "event_type STRING, topic STRING, strategy STRING, wave INT, deadline STRING, payload STRING, status STRING, "
            + "event_time TIMESTAMP";
    static final String DELIVERY_DDL = "event_id STRING, run_id STRING, consumer STRING, status STRING, attempt INT, "
            + "topic STRING, kafka_partition INT, kafka_offset BIGINT, error STRING, event_time TIMESTAMP";
    static final String ACK_DDL = "event_id STRING, consumer STRING, ack_partition INT, ack_offset BIGINT, event_time TIMESTAMP";

    private final Ledger ledger;

    public Outbox(Ledger ledger) {
        this.ledger = ledger;
    }

    /**
     * Writes the events not in the outbox yet (a resumed deploy or a repeated rollback writes
     * nothing twice); returns those written. {@code mayExist = false} skips the lookup.
     */
    public List<OutboxEvent> write(List<OutboxEvent> events, boolean mayExist) {
        Set<String> known = mayExist ? events().stream().map(OutboxEvent::eventId).collect(Collectors.toSet()) : Set.of();
        List<OutboxEvent> fresh = events.stream().filter(e -> !known.contains(e.eventId())).toList();
        ledger.appendRows(OUTBOX, OUTBOX_DDL, fresh.stream().map(e -> new Object[] {e.eventId(), e.runId(), e.migration(),
                e.dataset(), e.consumer(), e.type(), e.topic(), e.strategy(), e.wave(), e.deadline(), e.payload(),
                Delivery.Status.PENDING.label(), Timestamp.from(e.createdAt())}).toList(), fresh.isEmpty() ? "" : fresh.get(0).runId());
        return fresh;
    }

    /** Every event, oldest first, each id once. */
    public List<OutboxEvent> events() {
        Map<String, OutboxEvent> byId = new LinkedHashMap<>();
        ledger.table(OUTBOX, OUTBOX_DDL).collectAsList().stream()
                .map(r -> new OutboxEvent(r.getString(0), r.getString(1), r.getString(2), r.getString(3), r.getString(4),
                        r.getString(5), r.getString(6), r.getString(7), r.getInt(8), r.getString(9), r.getString(10),
                        r.getTimestamp(12).toInstant()))
                .sorted(java.util.Comparator.comparing(OutboxEvent::createdAt).thenComparing(OutboxEvent::eventId))
                .forEach(e -> byId.putIfAbsent(e.eventId(), e));
        return new ArrayList<>(byId.values());
    }

    public List<OutboxEvent> events(String runId) {
        return events().stream().filter(e -> e.runId().equals(runId)).toList();
    }

    public void record(List<Delivery> deliveries) {
        ledger.appendRows(DELIVERIES, DELIVERY_DDL, deliveries.stream().map(d -> new Object[] {d.eventId(), d.runId(),
                d.consumer(), d.status().label(), d.attempt(), d.topic(), d.partition(), d.offset(), d.error(),
                Timestamp.from(d.at())}).toList(), deliveries.isEmpty() ? "" : deliveries.get(0).runId());
    }

    /** Every delivery row, oldest first. */
    public List<Delivery> deliveries() {
        return ledger.table(DELIVERIES, DELIVERY_DDL).collectAsList().stream()
                .map(r -> new Delivery(r.getString(0), r.getString(1), r.getString(2), Delivery.Status.parse(r.getString(3)),
                        r.getInt(4), r.getString(5), r.getInt(6), r.getLong(7), r.getString(8), r.getTimestamp(9).toInstant()))
                .sorted(java.util.Comparator.comparing(Delivery::at))
                .toList();
    }

    /** The state of every event: its latest delivery row. Events never attempted are absent. */
    public static Map<String, Delivery> latest(List<Delivery> deliveries) {
        Map<String, Delivery> latest = new HashMap<>();
        for (Delivery d : deliveries) {
            latest.merge(d.eventId(), d, (a, b) -> b.at().isBefore(a.at()) ? a : b);
        }
        return latest;
    }

    /** Acknowledgements read from the ack topic: (event id, consumer, where it was read). */
    public record Ack(String eventId, String consumer, int partition, long offset, Instant at) {}

    public void recordAcks(List<Ack> acks) {
        ledger.appendRows(ACKS, ACK_DDL, acks.stream().map(a -> new Object[] {a.eventId(), a.consumer(), a.partition(),
                a.offset(), Timestamp.from(a.at())}).toList(), "");
    }

    /** Ids of acknowledged events. */
    public Set<String> acked() {
        return ledger.table(ACKS, ACK_DDL).select("event_id").collectAsList().stream()
                .map((Row r) -> r.getString(0)).collect(Collectors.toSet());
    }

    public String location(String table) {
        return ledger.location(table);
    }
}
