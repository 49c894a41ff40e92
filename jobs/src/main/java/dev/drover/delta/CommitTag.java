package dev.drover.delta;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Optional;

/**
 * The {@code userMetadata} every Drover commit carries, so {@code DESCRIBE HISTORY} explains
 * every version: {@code {"tool":"drover","run":…,"migration":…,"stage":…,"batch":…}}.
 */
public record CommitTag(String run, String migration, String stage, Integer batch) {
    private static final ObjectMapper JSON = new ObjectMapper();

    public CommitTag {
        requireNonNull(run, "run is null");
        requireNonNull(migration, "migration is null");
        requireNonNull(stage, "stage is null");
    }

    public String json() {
        ObjectNode node = JSON.createObjectNode();
        node.put("tool", "drover");
        node.put("run", run);
        node.put("migration", migration);
        node.put("stage", stage);
        if (batch != null) {
            node.put("batch", batch);
        }
        return node.toString();
    }

    /** The tag in a commit's userMetadata, if Drover wrote it. */
    public static Optional<CommitTag> parse(String userMetadata) {
        if (userMetadata == null || userMetadata.isBlank()) {
            return Optional.empty();
        }
        try {
            JsonNode node = JSON.readTree(userMetadata);
            if (!"drover".equals(node.path("tool").asText())) {
                return Optional.empty();
            }
            Integer batch = node.has("batch") ? node.get("batch").asInt() : null;
            return Optional.of(new CommitTag(node.path("run").asText(), node.path("migration").asText(),
                    node.path("stage").asText(), batch));
        } catch (JsonProcessingException e) {
            return Optional.empty();
        }
    }
}
