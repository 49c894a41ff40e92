package dev.drover.catalog;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Map;

/** A Backstage {@code kind: Template} describing the four stages of a dataset migration. */
public record MigrationTemplate(String name, String file, Map<String, StageNotes> stages, List<String> parameters) {
    public static final List<String> STAGES = List.of("analyze", "transform", "test", "deploy");

    public MigrationTemplate {
        requireNonNull(name, "name is null");
        requireNonNull(file, "file is null");
        stages = Map.copyOf(requireNonNull(stages, "stages is null"));
        parameters = List.copyOf(requireNonNull(parameters, "parameters is null"));
    }

    /** A stage's notes; validate (the test stage re-run on demand) has the test stage's. */
    public StageNotes notes(String stage) {
        StageNotes notes = stages.get(stage.equals("validate") ? "test" : stage);
        return notes != null ? notes : new StageNotes(stage, "", "", "");
    }
}
