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
 * explains every version: {@code {"tool":"drover","run":…,"migration":…,"stage":…,"batch":…}}. A
 * sync's commit names the sync as its run and the range of source versions it applied:
 * {@code "stage":"sync","range":{"from":4,"to":9}}.
 */
public record CommitTag(String run, String migration, Stage stage, Integer batch, Range range) {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The source versions a sync applied, both ends included. */
    public record Range(long from, long to) {
        public Range {
            if (from > to) {
                throw new IllegalArgumentException("range from " + from + " to " + to);
            }
        }

        @Override
        public String toString() {
            return "[" + from + ", " + to + "]";
        }
    }

    public CommitTag {
        requireNonNull(run, "run is null");
        requireNonNull(migration, "migration is null");
        requireNonNull(stage, "stage is null");
    }

    public CommitTag(String run, String migration, Stage stage, Integer batch) {
        this(run, migration, stage, batch, null);
    }

    public Optional<Range> sourceRange() {
        return Optional.ofNullable(range);
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
        if (range != null) {
            node.putObject("range").put("from", range.from()).put("to", range.to());
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
            Range range = node.has("range") ? new Range(node.path("range").path("from").asLong(), node.path("range").path("to").asLong()) : null;
            return Optional.of(new CommitTag(node.path("run").asText(), node.path("migration").asText(), Stage.parse(stage), batch, range));
        } catch (JsonProcessingException e) {
            return Optional.empty();
        }
    }
}
