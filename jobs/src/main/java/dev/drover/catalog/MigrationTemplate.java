package dev.drover.catalog;

import static java.util.Objects.requireNonNull;

import dev.drover.model.Stage;
import java.util.List;
import java.util.Map;

/** A Backstage {@code kind: Template} describing the four stages of a dataset migration. */
public record MigrationTemplate(String name, String file, Map<String, StageNotes> stages, List<String> parameters) {

    public MigrationTemplate {
        requireNonNull(name, "name is null");
        requireNonNull(file, "file is null");
        stages = Map.copyOf(requireNonNull(stages, "stages is null"));
        parameters = List.copyOf(requireNonNull(parameters, "parameters is null"));
    }

    /** A stage's notes; validate (the test stage re-run on demand) has the test stage's, rollback none. */
    public StageNotes notes(Stage stage) {
        String name = (stage == Stage.VALIDATE ? Stage.TEST : stage).label();
        StageNotes notes = stages.get(name);
        return notes != null ? notes : new StageNotes(name, "", "", "");
    }
}
