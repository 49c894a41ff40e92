package dev.drover.outbox;

import dev.drover.ledger.Ledger;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.spark.sql.Row;

/**
 * The outbox: one append-only Delta table next to the ledger's ({@code <state-dir>/ledger/outbox})
 * holding five kinds of rows, told apart by {@code record}:
 * <ul>
 *   <li>{@code event}: a consumer event, written by the deploy stage or a rollback (status pending);</li>
 *   <li>{@code delivery}: one per delivery attempt by the notifier, or a cancellation
 *       (status delivered, failed, unconfirmed or cancelled, with partition and offset or the error);</li>
 *   <li>{@code ack}: a consumer's acknowledgement read from the ack topic;</li>
 *   <li>{@code published}: the run's deploy finished (its run record says succeeded): its events may go out;</li>
 *   <li>{@code data}: the part of a run's event payloads that every consumer shares (the event
 *       rows keep only their consumer's part), so a run with thousands of consumers stores and
 *       reads its data once.</li>
 * </ul>
 * An event's state is its latest delivery row, pending when it has none. One table keeps the
 * notifier at one read per run: it reads events, deliveries and acknowledgements at once.
 */
public final class Outbox {
    public static final String OUTBOX = "outbox";
    static final String DDL = "event_id STRING, record STRING, run_id STRING, migration STRING, dataset STRING, "
            + "consumer STRING, event_type STRING, topic STRING, strategy STRING, wave INT, deadline STRING, payload STRING, "
            + "status STRING, attempt INT, kafka_partition INT, kafka_offset BIGINT, error STRING, event_time TIMESTAMP";
    private static final org.apache.spark.sql.Column[] COLUMNS = java.util.Arrays.stream(
            org.apache.spark.sql.types.StructType.fromDDL(DDL).fieldNames()).map(org.apache.spark.sql.functions::col)
            .toArray(org.apache.spark.sql.Column[]::new);
    static final String EVENT = "event";
    static final String DELIVERY = "delivery";
    static final String ACK = "ack";
    static final String PUBLISHED = "published";
    static final String BASE = "data";

    private final Ledger ledger;

    public Outbox(Ledger ledger) {
        this.ledger = ledger;
    }

    /** Everything in the outbox, read once: events (oldest first, each id once), deliveries (oldest first), acked ids. */
    public record State(List<OutboxEvent> events, List<Delivery> deliveries, Set<String> acked, Set<String> published) {
        public List<OutboxEvent> events(String runId) {
            return events.stream().filter(e -> e.runId().equals(runId)).toList();
        }
    }

    public State state() {
        Map<String, OutboxEvent> events = new LinkedHashMap<>();
        List<Delivery> deliveries = new ArrayList<>();
        Set<String> acked = new java.util.HashSet<>();
        Set<String> published = new java.util.HashSet<>();
        // Columns by name: the table may have been created with columns in another order.
        List<Row> rows = ledger.table(OUTBOX, DDL).select(COLUMNS).collectAsList();
        Payloads payloads = new Payloads();
        rows.stream().filter(r -> BASE.equals(r.getString(1))).forEach(r -> payloads.base(r.getString(2), r.getString(6), r.getString(11)));
        rows.stream().filter(r -> EVENT.equals(r.getString(1)))
                .map(r -> new OutboxEvent(r.getString(0), r.getString(2), r.getString(3), r.getString(4), r.getString(5),
                        r.getString(6), r.getString(7), r.getString(8), r.getInt(9), r.getString(10),
                        payloads.compose(r.getString(2), r.getString(6), r.getString(11)), r.getTimestamp(17).toInstant()))
                .sorted(Comparator.comparing(OutboxEvent::createdAt).thenComparing(OutboxEvent::eventId))
                .forEach(e -> events.putIfAbsent(e.eventId(), e));
        for (Row r : rows) {
            if (DELIVERY.equals(r.getString(1))) {
                deliveries.add(new Delivery(r.getString(0), r.getString(2), r.getString(5), Delivery.Status.parse(r.getString(12)),
                        r.getInt(13), r.getString(7), r.getInt(14), r.getLong(15), r.getString(16), r.getTimestamp(17).toInstant()));
            } else if (ACK.equals(r.getString(1))) {
                acked.add(r.getString(0));
            } else if (PUBLISHED.equals(r.getString(1))) {
                published.add(r.getString(2));
            }
        }
        deliveries.sort(Comparator.comparing(Delivery::at));
        return new State(new ArrayList<>(events.values()), deliveries, acked, published);
    }

    /**
     * Writes the events not in the outbox yet (a resumed deploy or a repeated rollback writes
     * nothing twice); returns those written. {@code mayExist = false} skips the lookup.
     */
    public List<OutboxEvent> write(List<OutboxEvent> events, boolean mayExist) {
        Set<String> known = mayExist ? events().stream().map(OutboxEvent::eventId).collect(Collectors.toSet()) : Set.of();
        List<OutboxEvent> fresh = events.stream().filter(e -> !known.contains(e.eventId())).toList();
        // A payload is the run's data (the same for every consumer) plus the consumer's own part:
        // the shared part is stored once per run and event type, each event row keeps its part.
        List<Object[]> rows = new ArrayList<>();
        Map<String, String> bases = new LinkedHashMap<>();
        for (OutboxEvent e : fresh) {
            Payloads.Split split = Payloads.split(e.payload());
            String key = e.runId() + ":" + e.type();
            String previous = bases.putIfAbsent(key, split.base());
            if (previous != null && !previous.equals(split.base())) {
                throw new IllegalArgumentException("events of run " + e.runId() + " (" + e.type() + ") differ outside their consumer part");
            }
            rows.add(new Object[] {e.eventId(), EVENT, e.runId(), e.migration(), e.dataset(), e.consumer(), e.type(), e.topic(),
                    e.strategy(), e.wave(), e.deadline(), split.own(), Delivery.Status.PENDING.label(), 0, -1, -1L, "",
                    Timestamp.from(e.createdAt())});
        }
        Timestamp now = Timestamp.from(Instant.now());
        bases.forEach((key, base) -> {
            String run = key.substring(0, key.lastIndexOf(':'));
            String type = key.substring(key.lastIndexOf(':') + 1);
            rows.add(new Object[] {key + ":data", BASE, run, null, null, null, type, null, null, null, null, base, "", 0, -1,
                    -1L, "", now});
        });
        ledger.appendRows(OUTBOX, DDL, rows, fresh.isEmpty() ? "" : fresh.get(0).runId());
        return fresh;
    }

    /** Marks a run's events as publishable: written after its run record says succeeded. */
    public void markPublished(String runId) {
        ledger.appendRows(OUTBOX, DDL, List.<Object[]>of(new Object[] {runId + ":published", PUBLISHED, runId, null, null, null,
                null, null, null, null, null, null, "published", 0, -1, -1L, "", Timestamp.from(Instant.now())}), runId);
    }

    public List<OutboxEvent> events() {
        return state().events();
    }

    public List<OutboxEvent> events(String runId) {
        return state().events(runId);
    }

    public List<Delivery> deliveries() {
        return state().deliveries();
    }

    public Set<String> acked() {
        return state().acked();
    }

    public void record(List<Delivery> deliveries) {
        ledger.appendRows(OUTBOX, DDL, deliveries.stream().map(d -> new Object[] {d.eventId(), DELIVERY, d.runId(), null, null,
                d.consumer(), null, d.topic(), null, null, null, null, d.status().label(), d.attempt(), d.partition(), d.offset(),
                d.error(), Timestamp.from(d.at())}).toList(), deliveries.isEmpty() ? "" : deliveries.get(0).runId());
    }

    /** The state of every event: its latest delivery row. Events never attempted are absent. */
    public static Map<String, Delivery> latest(List<Delivery> deliveries) {
        Map<String, Delivery> latest = new HashMap<>();
        for (Delivery d : deliveries) {
            latest.merge(d.eventId(), d, (a, b) -> b.at().isBefore(a.at()) ? a : b);
        }
        return latest;
    }

    /** Delivery attempts per event (cancellations are not attempts). */
    public static Map<String, Long> attempts(List<Delivery> deliveries) {
        return deliveries.stream().filter(d -> d.status() != Delivery.Status.CANCELLED)
                .collect(Collectors.groupingBy(Delivery::eventId, Collectors.counting()));
    }

    /** An acknowledgement read from the ack topic: (event id, consumer, where it was read). */
    public record Ack(String eventId, String consumer, int partition, long offset, Instant at) {}

    public void recordAcks(List<Ack> acks) {
        ledger.appendRows(OUTBOX, DDL, acks.stream().map(a -> new Object[] {a.eventId(), ACK, null, null, null, a.consumer(),
                null, null, null, null, null, null, "acknowledged", 0, a.partition(), a.offset(), "", Timestamp.from(a.at())}).toList(), "");
    }

    public String location() {
        return ledger.location(OUTBOX);
    }
}
