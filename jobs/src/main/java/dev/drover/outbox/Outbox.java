package dev.drover.outbox;

import static java.util.Objects.requireNonNull;

import dev.drover.ledger.Ledger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The outbox: one append-only Delta table next to the ledger's ({@code <state-dir>/ledger/outbox})
 * holding five kinds of rows, told apart by {@code record} ({@link OutboxRow.Kind}):
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
    private final Ledger ledger;

    public Outbox(Ledger ledger) {
        this.ledger = requireNonNull(ledger, "ledger is null");
    }

    /** Everything in the outbox, read once: events (oldest first, each id once), deliveries (oldest first), acked ids. */
    public record State(List<OutboxEvent> events, List<Delivery> deliveries, Set<String> acked, Set<String> published,
                        Map<String, Instant> ackedAt) {
        public State(List<OutboxEvent> events, List<Delivery> deliveries, Set<String> acked, Set<String> published) {
            this(events, deliveries, acked, published, Map.of());
        }

        public List<OutboxEvent> events(String runId) {
            return events.stream().filter(e -> e.runId().equals(runId)).toList();
        }
    }

    public State state() {
        List<OutboxRow> rows = ledger.read().all(OutboxRow.TABLE);
        Payloads payloads = new Payloads();
        rows.stream().filter(r -> r.record() == OutboxRow.Kind.DATA)
                .forEach(r -> payloads.base(r.runId(), r.eventType().orElseThrow(), r.payload().orElse("")));
        Map<String, OutboxEvent> events = new LinkedHashMap<>();
        rows.stream().filter(r -> r.record() == OutboxRow.Kind.EVENT)
                .map(r -> new OutboxEvent(r.eventId(), r.runId(), r.migration().orElse(null), r.dataset().orElse(null),
                        r.consumer().orElse(""), r.eventType().orElseThrow(), r.topic().orElse(""), r.strategy().orElseThrow(),
                        r.wave().orElse(0), r.deadline().orElse(""),
                        payloads.compose(r.runId(), r.eventType().orElseThrow(), r.payload().orElse("")), r.eventTime()))
                .sorted(Comparator.comparing(OutboxEvent::createdAt).thenComparing(OutboxEvent::eventId))
                .forEach(e -> events.putIfAbsent(e.eventId(), e));
        List<Delivery> deliveries = new ArrayList<>();
        Set<String> acked = new HashSet<>();
        Map<String, Instant> ackedAt = new HashMap<>();
        Set<String> published = new HashSet<>();
        for (OutboxRow r : rows) {
            switch (r.record()) {
                case DELIVERY -> deliveries.add(new Delivery(r.eventId(), r.runId(), r.consumer().orElse(""),
                        Delivery.Status.parse(r.status()), r.attempt(), r.topic().orElse(""), r.kafkaPartition(), r.kafkaOffset(),
                        r.error(), r.eventTime(), r.detail().orElse("")));
                case ACK -> {
                    acked.add(r.eventId());
                    ackedAt.merge(r.eventId(), r.eventTime(), (a, b) -> a.isBefore(b) ? a : b);
                }
                case PUBLISHED -> published.add(r.runId());
                default -> { }
            }
        }
        deliveries.sort(Comparator.comparing(Delivery::at));
        return new State(new ArrayList<>(events.values()), deliveries, acked, published, ackedAt);
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
        List<OutboxRow> rows = new ArrayList<>();
        Map<String, String> bases = new LinkedHashMap<>();
        Map<String, OutboxEvent> firstOf = new HashMap<>();
        for (OutboxEvent e : fresh) {
            Payloads.Split split = Payloads.split(e.payload());
            String key = e.runId() + ":" + e.type().label();
            String previous = bases.putIfAbsent(key, split.base());
            firstOf.putIfAbsent(key, e);
            if (previous != null && !previous.equals(split.base())) {
                throw new IllegalArgumentException("events of run " + e.runId() + " (" + e.type().label() + ") differ outside their consumer part");
            }
            rows.add(new OutboxRow(e.eventId(), OutboxRow.Kind.EVENT, e.runId(), Optional.ofNullable(e.migration()),
                    Optional.ofNullable(e.dataset()), Optional.of(e.consumer()), Optional.of(e.type()), Optional.of(e.topic()),
                    Optional.of(e.strategy()), Optional.of(e.wave()), Optional.of(e.deadline()), Optional.of(split.own()),
                    Delivery.Status.PENDING.label(), 0, -1, -1L, "", e.createdAt(), Optional.empty()));
        }
        Instant now = Instant.now();
        bases.forEach((key, base) -> {
            OutboxEvent e = firstOf.get(key);
            rows.add(new OutboxRow(key + ":data", OutboxRow.Kind.DATA, e.runId(), Optional.empty(), Optional.empty(),
                    Optional.empty(), Optional.of(e.type()), Optional.empty(), Optional.empty(), Optional.empty(),
                    Optional.empty(), Optional.of(base), "", 0, -1, -1L, "", now, Optional.empty()));
        });
        ledger.append(OutboxRow.TABLE, rows);
        return fresh;
    }

    /** Marks a run's events as publishable: written after its run record says succeeded. */
    public void markPublished(String runId) {
        ledger.append(OutboxRow.TABLE, List.of(new OutboxRow(runId + ":published", OutboxRow.Kind.PUBLISHED, runId,
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty(), "published", 0, -1, -1L, "", Instant.now(), Optional.empty())));
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
        ledger.append(OutboxRow.TABLE, deliveries.stream().map(d -> new OutboxRow(d.eventId(), OutboxRow.Kind.DELIVERY,
                d.runId(), Optional.empty(), Optional.empty(), Optional.of(d.consumer()), Optional.empty(), Optional.of(d.topic()),
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), d.status().label(), d.attempt(),
                d.partition(), d.offset(), d.error(), d.at(), Optional.of(d.detail()).filter(t -> !t.isEmpty()))).toList());
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
        ledger.append(OutboxRow.TABLE, acks.stream().map(a -> new OutboxRow(a.eventId(), OutboxRow.Kind.ACK, "",
                Optional.empty(), Optional.empty(), Optional.of(a.consumer()), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), "acknowledged", 0, a.partition(),
                a.offset(), "", a.at(), Optional.empty())).toList());
    }

    public String location() {
        return ledger.location(OutboxRow.TABLE.name());
    }
}
