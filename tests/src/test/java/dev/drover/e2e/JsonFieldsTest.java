package dev.drover.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The JSON that scripts read is what the "JSON output" tables (docs/json-output.md) say, field by field, both
 * ways: every field printed is documented, every documented field is printed.
 */
class JsonFieldsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Objects whose keys are data: described in the docs, not listed. */
    private static final Set<String> DATA_KEYED = Set.of("lookups", "quarantinedByStep", "analyze.lookups", "stages[].detail");

    @TempDir
    Path tmp;

    @Test
    void planStatusAndHistoryPrintExactlyTheDocumentedFields() throws Exception {
        E2eWorkspace ws = new E2eWorkspace(tmp, 3_000, 3, 1_000, 1_000);
        String readme = Files.readString(Project.root().resolve("docs/json-output.md"));

        JsonNode plan = JSON.readTree(Cli.run(ws.command("plan", "users/V2", "--json")).out());
        assertEquals(documented(readme, "#### `plan MIGRATION --json`"), fields(plan, ""));

        Cli migrate = Cli.run(ws.command("migrate", "users/V2"));
        assertEquals(0, migrate.exitCode(), migrate.err());
        String runId = migrate.out().split(" ")[1].replace(":", "");
        Set<String> statusFields = documented(readme, "#### `status --json` (every run)");
        JsonNode run = JSON.readTree(Cli.run(ws.command("status", runId, "--json")).out());
        assertEquals(statusFields, fields(run, ""));
        JsonNode runs = JSON.readTree(Cli.run(ws.command("status", "--json")).out());
        Set<String> summary = new TreeSet<>(statusFields);
        summary.removeIf(f -> f.equals("active") || f.contains("[]") || f.equals("quarantinedByStep"));
        assertEquals(summary, fields(runs.get(0), ""), "the list's runs have the fields up to updated");

        // each stage's detail, under the stage's name
        Set<String> details = new TreeSet<>();
        for (JsonNode stage : run.path("stages")) {
            details.addAll(fields(stage.path("detail"), stage.path("stage").asText()));
        }
        assertEquals(documented(readme, "Stage details (`stages[].detail`), by stage:"), details);

        JsonNode history = JSON.readTree(Cli.run(ws.command("history", "users-v2", "--json")).out());
        assertEquals(documented(readme, "#### `history DATASET --json`"), fields(history.get(0), ""));

        // a transition window: a change to users-v1, a sync, the window with a consumer declared moved
        dev.drover.testing.SharedSpark.session().sql("DELETE FROM delta.`" + ws.warehouse.resolve("users_v1").toUri() + "` WHERE user_id < 3");
        JsonNode sync = JSON.readTree(Cli.run(ws.command("sync", "users/V2", "--json")).out());
        assertEquals(documented(readme, "#### `sync MIGRATION --json`"), fields(sync, ""));
        JsonNode windows = JSON.readTree(Cli.run(ws.command("transition", "users/V2", "--moved", "churn-model", "--json")).out());
        assertEquals(documented(readme, "#### `transition --json`"), fields(windows.get(0), ""));
    }

    /** The field paths of a JSON value: {@code a.b}, {@code a[].b}; objects keyed by data stop there. */
    static Set<String> fields(JsonNode node, String prefix) {
        Set<String> out = new TreeSet<>();
        if (node.isObject() && !DATA_KEYED.contains(prefix)) {
            node.fields().forEachRemaining(e -> {
                String path = prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey();
                JsonNode value = e.getValue();
                if (value.isObject() && !DATA_KEYED.contains(path)) {
                    out.addAll(fields(value, path));
                } else if (value.isArray()) {
                    boolean objects = value.size() > 0 && value.get(0).isObject();
                    if (objects) {
                        value.forEach(v -> out.addAll(fields(v, path + "[]")));
                    } else {
                        out.add(path + "[]");
                    }
                } else {
                    out.add(path);
                }
            });
        } else {
            out.add(prefix);
        }
        return out;
    }

    /** The first column of the table that follows {@code heading} in the JSON output reference. */
    static Set<String> documented(String readme, String heading) {
        int at = readme.indexOf(heading);
        assertTrue(at >= 0, "docs/json-output.md has no section " + heading);
        List<String> rows = new ArrayList<>();
        boolean inTable = false;
        for (String line : readme.substring(at).lines().skip(1).toList()) {
            if (line.startsWith("|")) {
                inTable = true;
                rows.add(line);
            } else if (inTable) {
                break;
            }
        }
        Set<String> out = new TreeSet<>();
        Pattern field = Pattern.compile("^\\| `([^`]+)` \\|");
        for (String row : rows) {
            Matcher m = field.matcher(row);
            if (m.find()) {
                out.add(m.group(1));
            }
        }
        return out;
    }
}
