package dev.drover.catalog;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.drover.common.Messages;
import dev.drover.error.CatalogError;
import dev.drover.model.Stage;
import dev.drover.model.UpdateStrategy;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.spark.sql.types.DataType;
import org.yaml.snakeyaml.LoaderOptions;

/**
 * Reads Backstage entity YAML: every {@code .yaml}/{@code .yml} file under the catalog and
 * template folders, one or several entities per file ({@code ---}). Kinds Backstage knows but
 * Drover does not use (Group, System, …) are accepted and ignored; anything else is an error.
 */
public final class CatalogLoader {
    public static final String ANNOTATION = "drover.dev/";
    private static final Set<String> BACKSTAGE_KINDS = Set.of(
            "Component", "Resource", "API", "System", "Domain", "Group", "User", "Location", "Template");
    private static final Pattern NAME = Pattern.compile("^[a-zA-Z0-9]+([-_.][a-zA-Z0-9]+)*$");
    private static final Pattern COLUMN = Pattern.compile("^[A-Za-z_][A-Za-z0-9_]*$");
    /** Backstage's tag format. */
    private static final Pattern TAG = Pattern.compile("^[a-z0-9:+#]+(-[a-z0-9:+#]+)*$");
    private static final Pattern REF = Pattern.compile("^(?:([a-zA-Z]+):)?(?:([a-zA-Z0-9_.-]+)/)?([a-zA-Z0-9_.-]+)$");

    /**
     * SnakeYAML stops at 3 MiB of text per file by default; a generated catalog of thousands of
     * entities in one file is bigger than that, so files up to this many code points are read.
     */
    static final int MAX_FILE_CODE_POINTS = 256 * 1024 * 1024;

    private final ObjectMapper yaml = new ObjectMapper(YAMLFactory.builder().loaderOptions(loaderOptions()).build());

    private static LoaderOptions loaderOptions() {
        LoaderOptions options = new LoaderOptions();
        options.setCodePointLimit(MAX_FILE_CODE_POINTS);
        return options;
    }

    public Catalog load(Path catalogDir, Path templatesDir) {
        List<Doc> docs = new ArrayList<>();
        for (Path dir : List.of(catalogDir, templatesDir)) {
            for (Path file : yamlFiles(dir)) {
                docs.addAll(read(file));
            }
        }
        Map<String, DatasetEntity> datasets = new LinkedHashMap<>();
        Map<String, MigrationTemplate> templates = new LinkedHashMap<>();
        List<Doc> components = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (Doc doc : docs) {
            String kind = doc.text("kind", true);
            if (!BACKSTAGE_KINDS.contains(kind)) {
                throw doc.error("kind", "unknown entity kind '" + kind + "'; expected one of " + BACKSTAGE_KINDS.stream().sorted().toList());
            }
            String name = doc.text("metadata.name", true);
            if (!NAME.matcher(name).matches() || name.length() > 63) {
                throw doc.error("metadata.name", "'" + name + "' is not a valid entity name (letters, digits and single -_. between them, at most 63)");
            }
            if (!seen.add(kind + ":" + name)) {
                throw doc.error("metadata.name", "a " + kind + " named " + name + " is already defined");
            }
            String expectedApi = kind.equals("Template") ? "scaffolder.backstage.io/v1beta3" : "backstage.io/v1alpha1";
            String api = doc.text("apiVersion", true);
            if (!api.equals(expectedApi)) {
                throw doc.error("apiVersion", "expected " + expectedApi + " for kind " + kind + ", got '" + api + "'");
            }
            switch (kind) {
                case "Resource" -> {
                    if ("dataset".equals(doc.text("spec.type", true))) {
                        datasets.put(name, dataset(doc, name));
                    }
                }
                case "Component" -> components.add(doc);
                case "Template" -> {
                    if ("dataset-migration".equals(doc.text("spec.type", true))) {
                        templates.put(name, template(doc, name));
                    }
                }
                default -> { }
            }
        }
        Map<String, ConsumerEntity> consumers = new LinkedHashMap<>();
        for (Doc doc : components) {
            consumer(doc, datasets).ifPresent(c -> consumers.put(c.name(), c));
        }
        return new Catalog(datasets, consumers, templates);
    }

    private static List<Path> yamlFiles(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.filter(Files::isRegularFile)
                    .filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml"))
                    .sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private List<Doc> read(Path file) {
        List<Doc> docs = new ArrayList<>();
        try (MappingIterator<JsonNode> it = yaml.readerFor(JsonNode.class).readValues(file.toFile())) {
            int index = 0;
            while (it.hasNextValue()) {
                JsonNode node = it.nextValue();
                index++;
                if (node == null || node.isNull() || node.isMissingNode()) {
                    continue;
                }
                if (!node.isObject()) {
                    throw new CatalogError(file.toString(), "document " + index, "expected a mapping (an entity), got " + node.getNodeType().toString().toLowerCase());
                }
                docs.add(new Doc(file.toString(), index, node));
            }
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            String where = at == null ? "" : "line " + at.getLineNr();
            throw new CatalogError(file.toString(), where, "not valid YAML: " + Messages.firstLine(e.getOriginalMessage()));
        } catch (RuntimeException e) {
            if (e.getCause() instanceof JsonProcessingException jpe) {
                JsonLocation at = jpe.getLocation();
                throw new CatalogError(file.toString(), at == null ? "" : "line " + at.getLineNr(),
                        "not valid YAML: " + Messages.firstLine(jpe.getOriginalMessage()));
            }
            throw e;
        } catch (IOException e) {
            throw new CatalogError(file.toString(), "", "cannot be read: " + e.getMessage());
        }
        return docs;
    }

    private DatasetEntity dataset(Doc doc, String name) {
        String owner = doc.text("spec.owner", true);
        String location = doc.text("metadata.annotations." + ANNOTATION + "location", true);
        String format = Optional.ofNullable(doc.text("metadata.annotations." + ANNOTATION + "format", false)).orElse("delta");
        if (!format.equals("delta")) {
            throw doc.error("metadata.annotations." + ANNOTATION + "format", "expected delta, got '" + format + "'");
        }
        JsonNode schemaNode = doc.node("spec.schema");
        if (schemaNode == null || !schemaNode.isArray() || schemaNode.isEmpty()) {
            throw doc.error("spec.schema", "expected a list of columns ({name, type, nullable})");
        }
        List<ColumnSpec> schema = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (int i = 0; i < schemaNode.size(); i++) {
            JsonNode col = schemaNode.get(i);
            String field = "spec.schema[" + i + "]";
            if (!col.isObject()) {
                throw doc.error(field, "expected a mapping {name, type, nullable}");
            }
            String colName = col.path("name").asText("");
            if (!COLUMN.matcher(colName).matches() || colName.startsWith("_drover_")) {
                throw doc.error(field + ".name", "'" + colName + "' is not a valid column name (letters, digits, _; not starting with a digit or _drover_)");
            }
            if (!names.add(colName)) {
                throw doc.error(field + ".name", "column " + colName + " is declared twice");
            }
            String typeText = col.path("type").asText("");
            DataType type = SparkTypes.parse(typeText)
                    .orElseThrow(() -> doc.error(field + ".type", "unknown type '" + typeText + "'; expected a Spark SQL type such as string, int, bigint, double, decimal(10,2), date, timestamp"));
            JsonNode nullable = col.path("nullable");
            if (!nullable.isMissingNode() && !nullable.isBoolean()) {
                throw doc.error(field + ".nullable", "expected true or false");
            }
            schema.add(new ColumnSpec(colName, type, nullable.isMissingNode() || nullable.asBoolean()));
        }
        List<String> primaryKey = columns(doc, "spec.primaryKey", names, true);
        List<String> partitionedBy = columns(doc, "spec.partitionedBy", names, false);
        JsonNode constraintsNode = doc.node("spec.constraints");
        List<dev.drover.model.ConstraintSpec> constraints = dev.drover.model.ConstraintSpec.parseList(
                constraintsNode == null ? null : yaml.convertValue(constraintsNode, Object.class), doc::error,
                "spec.constraints", names, "catalog " + name);
        return new DatasetEntity(name, doc.file, owner, location, format, schema, primaryKey, partitionedBy, constraints,
                tags(doc), labels(doc));
    }

    /** {@code metadata.tags}: a list of words, as Backstage has them (waves select by them). */
    private static List<String> tags(Doc doc) {
        JsonNode node = doc.node("metadata.tags");
        if (node == null || node.isNull()) {
            return List.of();
        }
        if (!node.isArray()) {
            throw doc.error("metadata.tags", "expected a list of tags such as [pii, finance]");
        }
        List<String> tags = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            if (!node.get(i).isTextual() || !TAG.matcher(node.get(i).asText()).matches()) {
                throw doc.error("metadata.tags[" + i + "]", "expected a tag of lower-case letters, digits, ':', '+', '#' or '-', got '"
                        + node.get(i).asText() + "'");
            }
            tags.add(node.get(i).asText());
        }
        return tags;
    }

    /** {@code metadata.labels}: text values by key (waves select by {@code key=value}). */
    private static Map<String, String> labels(Doc doc) {
        JsonNode node = doc.node("metadata.labels");
        if (node == null || node.isNull()) {
            return Map.of();
        }
        if (!node.isObject()) {
            throw doc.error("metadata.labels", "expected a mapping of label keys to values, e.g. {tier: gold}");
        }
        Map<String, String> labels = new java.util.TreeMap<>();
        var fields = node.fields();
        while (fields.hasNext()) {
            var field = fields.next();
            if (!field.getValue().isValueNode() || field.getValue().isNull()) {
                throw doc.error("metadata.labels." + field.getKey(), "expected a text value");
            }
            labels.put(field.getKey(), field.getValue().asText());
        }
        return labels;
    }

    private static List<String> columns(Doc doc, String path, Set<String> declared, boolean required) {
        JsonNode node = doc.node(path);
        if (node == null) {
            if (required) {
                throw doc.error(path, "is missing; expected a list of column names");
            }
            return List.of();
        }
        if (!node.isArray() || (required && node.isEmpty())) {
            throw doc.error(path, "expected a list of column names");
        }
        List<String> out = new ArrayList<>();
        for (JsonNode item : node) {
            String column = item.asText();
            if (!declared.contains(column)) {
                throw doc.error(path, "column '" + column + "' is not in spec.schema");
            }
            out.add(column);
        }
        return out;
    }

    private static Optional<ConsumerEntity> consumer(Doc doc, Map<String, DatasetEntity> datasets) {
        JsonNode deps = doc.node("spec.dependsOn");
        if (deps == null) {
            return Optional.empty();
        }
        if (!deps.isArray()) {
            throw doc.error("spec.dependsOn", "expected a list of entity references");
        }
        List<String> consumed = new ArrayList<>();
        for (int i = 0; i < deps.size(); i++) {
            String ref = deps.get(i).asText();
            var m = REF.matcher(ref);
            if (!m.matches()) {
                throw doc.error("spec.dependsOn[" + i + "]", "'" + ref + "' is not an entity reference like resource:default/users-v1");
            }
            String kind = m.group(1) == null ? "" : m.group(1).toLowerCase();
            if (!kind.equals("resource")) {
                continue;
            }
            String target = m.group(3);
            if (!datasets.containsKey(target)) {
                throw doc.error("spec.dependsOn[" + i + "]", "unknown dataset '" + target + "'; the catalog has " + datasets.keySet().stream().sorted().toList());
            }
            consumed.add(target);
        }
        if (consumed.isEmpty()) {
            return Optional.empty();
        }
        String a = "metadata.annotations." + ANNOTATION;
        String strategyText = Optional.ofNullable(doc.text(a + "update-strategy", false)).orElse("immediate");
        UpdateStrategy strategy = UpdateStrategy.parse(strategyText);
        if (strategy == null) {
            throw doc.error(a + "update-strategy", "expected immediate, phased or dual-write, got '" + strategyText + "'");
        }
        int wave = 1;
        String waveText = doc.text(a + "rollout-wave", false);
        if (waveText != null) {
            try {
                wave = Integer.parseInt(waveText);
            } catch (NumberFormatException e) {
                wave = -1;
            }
            if (wave < 1) {
                throw doc.error(a + "rollout-wave", "expected a whole number from 1, got '" + waveText + "'");
            }
        } else if (strategy == UpdateStrategy.PHASED) {
            throw doc.error(a + "rollout-wave", "is missing; a phased consumer needs its wave number");
        }
        Optional<String> until = Optional.ofNullable(doc.text(a + "dual-write-until", false));
        if (strategy == UpdateStrategy.DUAL_WRITE) {
            String text = until.orElseThrow(() -> doc.error(a + "dual-write-until", "is missing; a dual-write consumer needs the date the old version ends (YYYY-MM-DD)"));
            try {
                LocalDate.parse(text);
            } catch (DateTimeParseException e) {
                throw doc.error(a + "dual-write-until", "expected a date YYYY-MM-DD, got '" + text + "'");
            }
        }
        Optional<String> topic = Optional.ofNullable(doc.text(a + "topic", false));
        if (topic.isPresent() && !dev.drover.config.NotifySettings.validTopic(topic.get())) {
            throw doc.error(a + "topic", "expected a Kafka topic name (letters, digits, '.', '_', '-'), got '" + topic.get() + "'");
        }
        return Optional.of(new ConsumerEntity(doc.text("metadata.name", true), doc.file, doc.text("spec.owner", true),
                consumed, strategy, wave, until, topic,
                Optional.ofNullable(doc.text(a + "contact", false)), code(doc, datasets.keySet())));
    }

    private static final Pattern QUERY_NAME = Pattern.compile("^[A-Za-z0-9]+([-_.][A-Za-z0-9]+)*$");

    /** The consumer's code annotations: queries, repository, table names, parameters, endpoint. */
    private static ConsumerCode code(Doc doc, Set<String> datasets) {
        String a = "metadata.annotations." + ANNOTATION;
        List<String> globs = new ArrayList<>();
        String globText = doc.text(a + "queries", false);
        if (globText != null) {
            for (String g : globText.split(",")) {
                if (!g.isBlank()) {
                    globs.add(g.strip());
                }
            }
        }
        Optional<String> repository = Optional.ofNullable(doc.text(a + "repository", false)).map(String::strip);
        repository.ifPresent(r -> {
            if (r.isEmpty() || (r.contains("://") && !r.matches("^(file|ssh|https?|git)://.+"))) {
                throw doc.error(a + "repository", "expected a local path or a file://, ssh:// or https:// URL, got '" + r + "'");
            }
        });
        if (!globs.isEmpty() && repository.isEmpty()) {
            throw doc.error(a + "queries", "names query files but drover.dev/repository is missing; inline queries go in drover.dev/query.<name>");
        }
        Optional<String> branch = Optional.ofNullable(doc.text(a + "repository-branch", false)).map(String::strip);
        Map<String, String> inline = new LinkedHashMap<>();
        JsonNode annotations = doc.root().path("metadata").path("annotations");
        annotations.fieldNames().forEachRemaining(key -> {
            if (key.startsWith(ANNOTATION + "query.")) {
                String name = key.substring((ANNOTATION + "query.").length());
                if (!QUERY_NAME.matcher(name).matches()) {
                    throw doc.error(a + key.substring(ANNOTATION.length()), "expected a query name of letters, digits, '-', '_' or '.'");
                }
                inline.put(name, doc.text(a + key.substring(ANNOTATION.length()), true));
            }
        });
        Map<String, String> tableNames = pairs(doc, a + "table-names", "name=dataset");
        tableNames.forEach((name, dataset) -> {
            if (!datasets.contains(dataset)) {
                throw doc.error(a + "table-names", "'" + name + "' names unknown dataset '" + dataset + "'; the catalog has "
                        + datasets.stream().sorted().toList());
            }
        });
        Map<String, String> parameters = pairs(doc, a + "query-parameters", "name=value");
        Optional<java.net.URI> endpoint = Optional.empty();
        String endpointText = doc.text(a + "update-endpoint", false);
        if (endpointText != null) {
            java.net.URI uri;
            try {
                uri = new java.net.URI(endpointText.strip());
            } catch (java.net.URISyntaxException e) {
                uri = null;
            }
            if (uri == null || uri.getHost() == null || !("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))) {
                throw doc.error(a + "update-endpoint", "expected an http:// or https:// URL, got '" + endpointText + "'");
            }
            endpoint = Optional.of(uri);
        }
        Optional<String> header = Optional.empty();
        Optional<String> env = Optional.empty();
        String secret = doc.text(a + "update-endpoint-secret", false);
        if (secret != null) {
            String[] parts = secret.split("=", 2);
            if (parts.length != 2 || !parts[0].strip().matches("[A-Za-z0-9-]+") || !parts[1].strip().matches("[A-Za-z_][A-Za-z0-9_]*")) {
                throw doc.error(a + "update-endpoint-secret", "expected Header=ENV_VAR (the header's value is read from the environment), got '" + secret + "'");
            }
            if (endpoint.isEmpty()) {
                throw doc.error(a + "update-endpoint-secret", "is set but drover.dev/update-endpoint is missing");
            }
            header = Optional.of(parts[0].strip());
            env = Optional.of(parts[1].strip());
        }
        return new ConsumerCode(globs, repository, branch, inline, tableNames, parameters, endpoint, header, env);
    }

    /** {@code a=b, c=d} as a map, in order; a malformed pair is an error naming {@code shape}. */
    private static Map<String, String> pairs(Doc doc, String field, String shape) {
        Map<String, String> out = new LinkedHashMap<>();
        String text = doc.text(field, false);
        if (text == null) {
            return out;
        }
        for (String pair : text.split(",")) {
            if (pair.isBlank()) {
                continue;
            }
            int eq = pair.indexOf('=');
            if (eq <= 0 || eq == pair.length() - 1) {
                throw doc.error(field, "expected '" + shape + ", …', got '" + pair.strip() + "'");
            }
            out.put(pair.substring(0, eq).strip(), pair.substring(eq + 1).strip());
        }
        return out;
    }

    private static final List<String> STAGES = Stage.TEMPLATE.stream().map(Stage::label).toList();

    private static MigrationTemplate template(Doc doc, String name) {
        JsonNode steps = doc.node("spec.steps");
        if (steps == null || !steps.isArray()) {
            throw doc.error("spec.steps", "expected the list of stages " + STAGES);
        }
        Map<String, StageNotes> stages = new LinkedHashMap<>();
        for (int i = 0; i < steps.size(); i++) {
            JsonNode step = steps.get(i);
            String id = step.path("id").asText("");
            String field = "spec.steps[" + i + "]";
            if (!STAGES.contains(id)) {
                throw doc.error(field + ".id", "expected one of " + STAGES + ", got '" + id + "'");
            }
            JsonNode input = step.path("input");
            stages.put(id, new StageNotes(id,
                    required(doc, input, field + ".input.expectedRuntime", "expectedRuntime"),
                    required(doc, input, field + ".input.rollback", "rollback"),
                    required(doc, input, field + ".input.successCriteria", "successCriteria")));
        }
        for (String stage : STAGES) {
            if (!stages.containsKey(stage)) {
                throw doc.error("spec.steps", "stage '" + stage + "' is missing; expected all of " + STAGES);
            }
        }
        List<String> parameters = new ArrayList<>();
        JsonNode params = doc.node("spec.parameters");
        if (params != null && params.isArray()) {
            for (JsonNode page : params) {
                page.path("properties").fieldNames().forEachRemaining(parameters::add);
            }
        }
        for (String p : List.of("dataset", "targetVersion", "batchSize")) {
            if (!parameters.contains(p)) {
                throw doc.error("spec.parameters", "parameter '" + p + "' is missing; expected dataset, targetVersion and batchSize");
            }
        }
        return new MigrationTemplate(name, doc.file, stages, parameters);
    }

    private static String required(Doc doc, JsonNode input, String field, String key) {
        JsonNode value = input.path(key);
        if (!value.isTextual() || value.asText().isBlank()) {
            throw doc.error(field, "is missing; each stage needs expectedRuntime, rollback and successCriteria");
        }
        return value.asText();
    }

    /** One YAML document of a file. */
    private record Doc(String file, int index, JsonNode root) {
        JsonNode node(String path) {
            JsonNode current = root;
            // annotation keys contain dots and slashes: walk metadata.annotations.<key> specially
            String annotations = "metadata.annotations.";
            if (path.startsWith(annotations)) {
                current = root.path("metadata").path("annotations").get(path.substring(annotations.length()));
                return current;
            }
            for (String part : path.split("\\.")) {
                if (current == null) {
                    return null;
                }
                current = current.get(part);
            }
            return current;
        }

        String text(String path, boolean required) {
            JsonNode node = node(path);
            if (node == null || node.isNull()) {
                if (required) {
                    throw error(path, "is missing");
                }
                return null;
            }
            if (!node.isValueNode()) {
                throw error(path, "expected a text value");
            }
            return node.asText();
        }

        CatalogError error(String field, String message) {
            String name = root.path("metadata").path("name").asText("?");
            String kind = root.path("kind").asText("?");
            return new CatalogError(file, "document " + index + " (" + kind + " " + name + "): " + field, message);
        }
    }
}
