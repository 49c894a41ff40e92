package dev.drover.outbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;

/**
 * Splits an event payload into the run's shared data and the consumer's own part (its
 * {@code consumer} field), and puts them together again when the outbox is read.
 */
final class Payloads {
    static final String OWN = "consumer";
    private static final ObjectMapper JSON = new ObjectMapper();

    record Split(String base, String own) {}

    private final Map<String, ObjectNode> bases = new HashMap<>();

    static Split split(String payload) {
        ObjectNode data = parse(payload);
        JsonNode own = data.remove(OWN);
        return new Split(data.toString(), own == null ? "" : own.toString());
    }

    void base(String runId, EventType type, String base) {
        bases.put(runId + ":" + type.label(), parse(base));
    }

    /** The full payload: the run's data with the consumer's part put back in its place. */
    String compose(String runId, EventType type, String own) {
        ObjectNode base = bases.get(runId + ":" + type.label());
        if (base == null) {
            // written in the same commit as its events, so never missing in a sound outbox
            throw new IllegalStateException("outbox has no shared data row for run " + runId + " (" + type.label() + ")");
        }
        ObjectNode data = base.deepCopy();
        if (own != null && !own.isEmpty()) {
            data.set(OWN, parse(own));
        }
        return data.toString();
    }

    private static ObjectNode parse(String json) {
        JsonNode node;
        try {
            node = JSON.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException("outbox payload is not JSON: " + json, e);
        }
        if (node instanceof ObjectNode object) {
            return object;
        }
        throw new IllegalArgumentException("outbox payload is not a JSON object: " + json);
    }
}
