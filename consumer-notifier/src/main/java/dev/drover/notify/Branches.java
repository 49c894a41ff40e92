package dev.drover.notify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.drover.outbox.Channel;
import dev.drover.outbox.Delivery;
import dev.drover.outbox.EventType;
import dev.drover.outbox.OutboxEvent;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The commits of consumers' branches, as their repository deliveries recorded them, and the
 * events that tell those consumers: a consumer's Kafka or endpoint event of a run carries
 * {@code consumer.branch.commit} once its branch is pushed.
 */
final class Branches {
    private static final ObjectMapper JSON = new ObjectMapper();

    private Branches() {}

    /** The latest delivered repository push per (run, consumer) of a {@code migrated} event. */
    static Map<String, Delivery> pushed(List<Delivery> deliveries) {
        Map<String, Delivery> out = new HashMap<>();
        for (Delivery d : deliveries) {
            if (d.status() == Delivery.Status.DELIVERED && Channel.of(d.topic()) == Channel.REPOSITORY && d.commit().isPresent()
                    && d.eventId().equals(OutboxEvent.id(d.runId(), d.consumer(), EventType.MIGRATED, Channel.REPOSITORY))) {
                out.merge(d.runId() + "\n" + d.consumer(), d, (a, b) -> b.at().isBefore(a.at()) ? a : b);
            }
        }
        return out;
    }

    static List<Release.Due> withCommits(List<Release.Due> due, Map<String, Delivery> pushed) {
        return due.stream().map(d -> {
            Delivery push = pushed.get(d.event().runId() + "\n" + d.event().consumer());
            return push == null ? d : new Release.Due(withCommit(d.event(), push.commit().orElseThrow()), d.attempt());
        }).toList();
    }

    static OutboxEvent withCommit(OutboxEvent e, String commit) {
        try {
            JsonNode data = JSON.readTree(e.payload());
            JsonNode branch = data.path("consumer").path("branch");
            if (!(branch instanceof ObjectNode b)) {
                return e;
            }
            b.put("commit", commit);
            return e.withPayload(data.toString());
        } catch (IOException ex) {
            return e;
        }
    }
}
