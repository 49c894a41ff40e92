package dev.drover.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Backstage compatibility, proven with Backstage's own validators (@backstage/catalog-model,
 * @backstage/plugin-scaffolder-common) run by node on every catalog and template file.
 */
class BackstageValidationTest {
    @TempDir
    Path tmp;

    @Test
    void everyCatalogAndTemplateFileUnderConfPassesBackstageValidators() throws Exception {
        List<String> files = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(Project.conf())) {
            walk.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml"))
                    .forEach(p -> files.add(p.toString()));
        }
        assertTrue(files.size() >= 4, "files: " + files);
        Result result = validate(files);
        assertEquals(0, result.exitCode, result.output);
        assertTrue(result.output.contains("backstage: 8 entities valid, 0 invalid"), result.output);
    }

    @Test
    void theValidatorsRejectAnEntityBackstageWouldRefuse() throws Exception {
        Path bad = tmp.resolve("bad.yaml");
        Files.writeString(bad, Files.readString(Project.conf().resolve("catalog/countries.yaml"))
                .replace("name: countries", "name: \"countries of the world\""));
        Result result = validate(List.of(bad.toString()));
        assertEquals(1, result.exitCode, result.output);
        assertTrue(result.output.contains("metadata.name"), result.output);
    }

    private record Result(int exitCode, String output) {}

    private static Result validate(List<String> files) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("node", "validate.mjs"));
        command.addAll(files);
        Process p = new ProcessBuilder(command).directory(Project.root().resolve("tests/backstage").toFile())
                .redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return new Result(p.waitFor(), output);
    }
}
