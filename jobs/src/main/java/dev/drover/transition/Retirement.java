package dev.drover.transition;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.drover.catalog.ConsumerEntity;
import dev.drover.outbox.EventType;
import dev.drover.outbox.OutboxEvent;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;

/**
 * What retiring a window's source tells its consumers: one {@code retired} event per consumer of
 * the source, with a deterministic id ({@code <base run>:<consumer>:retired}), so writing them to
 * the outbox again (a retire re-run after a kill) writes nothing twice.
 */
public final class Retirement {
    private static final ObjectMapper JSON = new ObjectMapper();

    private Retirement() {}

    /** The table properties a retired source carries. */
    public static java.util.Map<String, String> properties(Window window, LocalDate on) {
        return java.util.Map.of("drover.retired", "true", "drover.successor", window.target(), "drover.retired-on", on.toString(),
                "drover.retired-by", window.migration());
    }

    public static List<OutboxEvent> events(Window window, long sourceVersion, long targetVersion, String defaultTopic,
                                           String reason, Instant now) {
        ObjectNode base = JSON.createObjectNode();
        base.put("dataset", window.source());
        base.put("migration", window.migration());
        base.put("runId", window.base().runId());
        base.put("retired", true);
        ObjectNode versions = base.putObject("versions");
        versions.put("last", window.source() + "@" + sourceVersion);
        versions.put("successor", window.target() + "@" + targetVersion);
        ObjectNode successor = base.putObject("successor");
        successor.put("dataset", window.target());
        successor.put("location", window.targetLocation());
        successor.put("deltaVersion", targetVersion);
        base.put("syncedTo", sourceVersion);
        base.put("reason", reason);
        return window.consumers().stream().flatMap(state -> {
            ConsumerEntity c = state.consumer();
            ObjectNode data = base.deepCopy();
            ObjectNode consumer = data.putObject("consumer");
            consumer.put("name", c.name());
            consumer.put("strategy", c.strategy().label());
            consumer.put("moved", state.hasMoved());
            state.moved().ifPresent(m -> consumer.put("movedBy", m.how()));
            consumer.put("note", window.source() + " is retired: no more syncs keep " + window.target() + " in step with it; read "
                    + window.target());
            c.contact().ifPresent(v -> consumer.put("contact", v));
            return c.destinations(defaultTopic).stream().map(destination -> new OutboxEvent(
                    OutboxEvent.id(window.base().runId(), c.name(), EventType.RETIRED, dev.drover.outbox.Channel.of(destination)),
                    window.base().runId(), window.migration(), window.source(), c.name(), EventType.RETIRED, destination,
                    c.strategy(), c.wave(), "", data.toString(), now));
        }).toList();
    }
}
