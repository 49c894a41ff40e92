package dev.drover.delta;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.drover.model.Stage;
import java.util.Arrays;
import java.util.Optional;

/**
 * The {@code userMetadata} every Drover commit of a migration carries, so {@code DESCRIBE HISTORY}
 * explains every version: {@code {"tool":"drover","run":…,"migration":…,"stage":…,"batch":…}}.
 */
public record CommitTag(String run, String migration, Stage stage, Integer batch) {
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
        node.put("stage", stage.label());
        if (batch != null) {
            node.put("batch", batch);
        }
        return node.toString();
    }

    /** The tag in a commit's userMetadata, if Drover wrote it for a run. */
    public static Optional<CommitTag> parse(String userMetadata) {
        if (userMetadata == null || userMetadata.isBlank()) {
            return Optional.empty();
        }
        try {
            JsonNode node = JSON.readTree(userMetadata);
            String stage = node.path("stage").asText();
            if (!"drover".equals(node.path("tool").asText()) || !node.has("run")
                    || Arrays.stream(Stage.values()).noneMatch(s -> s.label().equals(stage))) {
                return Optional.empty();
            }
            Integer batch = node.has("batch") ? node.get("batch").asInt() : null;
            return Optional.of(new CommitTag(node.path("run").asText(), node.path("migration").asText(), Stage.parse(stage), batch));
        } catch (JsonProcessingException e) {
            return Optional.empty();
        }
    }
}
