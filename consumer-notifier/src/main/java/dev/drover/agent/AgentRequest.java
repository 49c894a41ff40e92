package dev.drover.agent;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.drover.catalog.Catalog;
import dev.drover.common.Messages;
import dev.drover.error.DroverError;
import dev.drover.error.InputError;
import dev.drover.spec.MigrationSpec;
import dev.drover.spec.Specs;
import dev.drover.wave.WaveSelection;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * A request to the agent: a CloudEvent 1.0 in JSON, {@code type} {@code dev.drover.request.<kind>},
 * an {@code id} (what makes it run once), a {@code source}, and {@code data}:
 * <pre>
 * {"requester": "user:default/jane",
 *  "migration": "users/V2"                 (migrate: an id; or "dataset" + params.target-version)
 *  "dataset": "users-v1",
 *  "selection": {"dataset": [..], "owner": [..], "tag": [..], "target-version": [..]}   (wave)
 *  "run": "20261130-101500-ab12cd"         (rollback, validate)
 *  "params": {"target-version": 2, "batching.max-rows": 5000, "allow-changed-spec": false, "force": false}}
 * </pre>
 * A {@code sync} names the window's migration (or a selection: every open window it picks, as
 * {@code drover sync --all}), with {@code params.verify}; a {@code retire} names the migration,
 * with {@code params.force}.
 * <pre>
 * </pre>
 * {@link #parse} checks the envelope and the fields; {@link #resolve} checks them against the conf
 * folder as the CLI would. Each problem is an {@link InputError} naming the request and the field.
 */
public record AgentRequest(String id, Kind kind, String source, String requester, JsonNode data, String json) {
    public static final String TYPE_PREFIX = "dev.drover.request.";
    static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<Kind, Set<String>> PARAMS = Map.of(
            Kind.MIGRATE, Set.of("target-version", "batching.max-rows", "allow-changed-spec"),
            Kind.WAVE, Set.of("target-version", "batching.max-rows", "allow-changed-spec"),
            Kind.ROLLBACK, Set.of("force"),
            Kind.VALIDATE, Set.of(),
            Kind.SYNC, Set.of("verify"),
            Kind.RETIRE, Set.of("force"));

    public enum Kind {
        MIGRATE, WAVE, ROLLBACK, VALIDATE, SYNC, RETIRE;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }

        static Optional<Kind> of(String label) {
            for (Kind k : values()) {
                if (k.label().equals(label)) {
                    return Optional.of(k);
                }
            }
            return Optional.empty();
        }
    }

    public AgentRequest {
        requireNonNull(id, "id is null");
        requireNonNull(kind, "kind is null");
        requireNonNull(data, "data is null");
    }

    /** What a request resolves to against the conf folder: the work, ready to run. */
    public record Work(AgentRequest request, String target, Optional<MigrationSpec> spec, Optional<WaveSelection> selection,
                       Optional<String> runId, boolean allowChangedSpec, boolean force) {}

    /** The envelope and the fields' shapes; {@code where} names the message in errors (topic, partition, offset). */
    public static AgentRequest parse(String text, String where) {
        JsonNode node;
        try {
            node = JSON.readTree(text == null ? "" : text);
        } catch (Exception e) {
            throw new InputError(where, "", "not a JSON CloudEvent: " + Messages.firstLine(e.getMessage()));
        }
        if (node == null || !node.isObject()) {
            throw new InputError(where, "", "expected a JSON object (a CloudEvent), got " + (node == null ? "nothing" : node.getNodeType().toString().toLowerCase(Locale.ROOT)));
        }
        String id = text(node, "id").orElseThrow(() -> new InputError(where, "id", "expected the request's id (a CloudEvent needs one; it is what makes a request run once)"));
        String at = "request " + id;
        if (!"1.0".equals(text(node, "specversion").orElse(""))) {
            throw new InputError(at, "specversion", "expected \"1.0\", got " + node.path("specversion"));
        }
        String source = text(node, "source").orElseThrow(() -> new InputError(at, "source", "expected who sent it, e.g. \"drover-cli\" or \"backstage:scaffolder\""));
        String type = text(node, "type").orElse("");
        Optional<Kind> kind = type.startsWith(TYPE_PREFIX) ? Kind.of(type.substring(TYPE_PREFIX.length())) : Optional.empty();
        if (kind.isEmpty()) {
            throw new InputError(at, "type", "expected " + TYPE_PREFIX + "migrate, wave, rollback, validate, sync or retire, got '" + type + "'");
        }
        JsonNode data = node.path("data");
        if (!data.isObject()) {
            throw new InputError(at, "data", "expected an object with the request's fields (migration, params, ...)");
        }
        JsonNode params = data.path("params");
        if (!params.isMissingNode() && !params.isObject()) {
            throw new InputError(at, "data.params", "expected an object of parameters, e.g. {\"batching.max-rows\": 5000}");
        }
        for (Iterator<String> it = params.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!PARAMS.get(kind.get()).contains(key)) {
                throw new InputError(at, "data.params." + key, "unknown parameter for a " + kind.get().label() + " request; expected one of "
                        + PARAMS.get(kind.get()).stream().sorted().toList());
            }
        }
        AgentRequest request = new AgentRequest(id, kind.get(), source, text(data, "requester").orElse(""), data, text);
        request.maxRows();
        request.flag("allow-changed-spec");
        request.flag("force");
        request.flag("verify");
        request.targetVersions();
        return request;
    }

    /** The request against the conf folder: the migration or selection it names exists, the run id is one. */
    public Work resolve(Specs specs, Catalog catalog) {
        String at = "request " + id;
        try {
            return switch (kind) {
                case MIGRATE -> {
                    MigrationSpec spec = migration(specs, catalog);
                    Optional<Long> rows = maxRows();
                    if (rows.isPresent()) {
                        spec = spec.withBatchMaxRows(rows.get());
                    }
                    yield new Work(this, spec.id(), Optional.of(spec), Optional.empty(), Optional.empty(), flag("allow-changed-spec"), false);
                }
                case WAVE -> {
                    WaveSelection selection = selection();
                    try {
                        selection.select(specs, catalog);
                    } catch (InputError e) {
                        // said as the CLI says it (--dataset: ...): here the field is the request's
                        String[] said = Messages.firstLine(e.getMessage()).split(": ", 2);
                        throw new InputError(at, "data.selection." + said[0].replaceFirst("^--", ""), said.length > 1 ? said[1] : said[0]);
                    }
                    yield new Work(this, selection.key(), Optional.empty(), Optional.of(selection), Optional.empty(), flag("allow-changed-spec"), false);
                }
                case SYNC, RETIRE -> {
                    if (kind == Kind.SYNC && text(data, "migration").isEmpty() && text(data, "dataset").isEmpty()) {
                        WaveSelection selection = selection();
                        selection.select(specs, catalog);
                        yield new Work(this, "sync " + selection.key(), Optional.empty(), Optional.of(selection), Optional.empty(), false,
                                false);
                    }
                    MigrationSpec spec = migration(specs, catalog);
                    yield new Work(this, spec.id(), Optional.of(spec), Optional.empty(), Optional.empty(), false, flag("force"));
                }
                case ROLLBACK, VALIDATE -> {
                    String run = text(data, "run").orElseThrow(() -> new InputError(at, "data.run", "expected the id of the run to " + kind.label()));
                    if (!run.matches("[0-9]{8}-[0-9]{6}-[0-9a-f]{6}")) {
                        throw new InputError(at, "data.run", "expected a run id such as 20261130-101500-ab12cd, got '" + run + "'");
                    }
                    yield new Work(this, run, Optional.empty(), Optional.empty(), Optional.of(run), false, flag("force"));
                }
            };
        } catch (InputError e) {
            throw e;
        } catch (DroverError e) {
            // a spec or catalog lookup's own one-line error, said about this request
            throw new InputError(at, kind == Kind.WAVE || (kind == Kind.SYNC && text(data, "migration").isEmpty()) ? "data.selection"
                    : "data.migration", Messages.firstLine(e.getMessage()));
        }
    }

    private MigrationSpec migration(Specs specs, Catalog catalog) {
        String at = "request " + id;
        Optional<String> migration = text(data, "migration");
        Optional<String> dataset = text(data, "dataset");
        List<Integer> versions = targetVersions();
        if (migration.isPresent()) {
            MigrationSpec spec = specs.byId().get(migration.get());
            if (spec == null) {
                List<String> known = specs.byId().keySet().stream().sorted().toList();
                throw new InputError(at, "data.migration", "no migration '" + migration.get() + "'; expected an id such as "
                        + (known.isEmpty() ? "users/V2" : known.get(0)) + " (the agent's conf folder has " + known.size() + ")");
            }
            if (!versions.isEmpty() && !versions.contains(spec.version())) {
                throw new InputError(at, "data.params.target-version", spec.id() + " migrates to version " + spec.version()
                        + ", the request asks for " + versions.get(0));
            }
            return spec;
        }
        if (dataset.isEmpty()) {
            throw new InputError(at, "data.migration", "expected a migration id (users/V2), or a dataset with params.target-version");
        }
        if (versions.isEmpty()) {
            throw new InputError(at, "data.params.target-version", "expected the version to migrate dataset " + dataset.get() + " to");
        }
        List<MigrationSpec> found = new WaveSelection(List.of(dataset.get()), List.of(), List.of(), Optional.empty(), versions)
                .select(specs, catalog).stream().filter(s -> s.source().equals(dataset.get()) || s.target().equals(dataset.get())).toList();
        if (found.size() != 1) {
            throw new InputError(at, "data.dataset", found.isEmpty()
                    ? "no migration of dataset " + dataset.get() + " to version " + versions.get(0)
                    : "several migrations of dataset " + dataset.get() + " to version " + versions.get(0) + ": "
                    + found.stream().map(MigrationSpec::id).toList() + "; name one as data.migration");
        }
        return found.get(0);
    }

    private WaveSelection selection() {
        JsonNode s = data.path("selection");
        if (!s.isMissingNode() && !s.isObject()) {
            throw new InputError("request " + id, "data.selection", "expected an object of filters (dataset, owner, tag)");
        }
        return new WaveSelection(strings(s, "dataset"), strings(s, "owner"), strings(s, "tag"), Optional.empty(), targetVersions());
    }

    private List<String> strings(JsonNode node, String field) {
        JsonNode v = node.path(field);
        List<String> out = new ArrayList<>();
        if (v.isTextual()) {
            out.add(v.asText());
        } else if (v.isArray()) {
            v.forEach(x -> {
                if (!x.isTextual()) {
                    throw new InputError("request " + id, "data.selection." + field, "expected text values, got " + x);
                }
                out.add(x.asText());
            });
        } else if (!v.isMissingNode() && !v.isNull()) {
            throw new InputError("request " + id, "data.selection." + field, "expected a name or a list of names, got " + v);
        }
        return out.stream().map(String::trim).filter(x -> !x.isEmpty()).toList();
    }

    Optional<Long> maxRows() {
        JsonNode v = data.path("params").path("batching.max-rows");
        if (v.isMissingNode() || v.isNull()) {
            return Optional.empty();
        }
        long rows = v.isIntegralNumber() ? v.asLong() : v.isTextual() && v.asText().matches("[0-9]{1,18}") ? Long.parseLong(v.asText()) : -1;
        if (rows < 1) {
            throw new InputError("request " + id, "data.params.batching.max-rows", "expected a whole number of rows above 0, got " + v);
        }
        return Optional.of(rows);
    }

    List<Integer> targetVersions() {
        JsonNode v = data.path("params").path("target-version");
        if (v.isMissingNode() || v.isNull() || v.isTextual() && v.asText().isBlank()) {
            return List.of();
        }
        String text = v.isIntegralNumber() ? String.valueOf(v.asLong()) : v.isTextual() ? v.asText().trim().replaceFirst("^[vV]", "") : "";
        if (!text.matches("[1-9][0-9]{0,8}")) {
            throw new InputError("request " + id, "data.params.target-version", "expected a spec version such as 2 (for V2__...), got " + v);
        }
        return List.of(Integer.parseInt(text));
    }

    boolean flag(String name) {
        JsonNode v = data.path("params").path(name);
        if (v.isMissingNode() || v.isNull()) {
            return false;
        }
        if (v.isBoolean()) {
            return v.asBoolean();
        }
        if (v.isTextual() && (v.asText().equals("true") || v.asText().equals("false"))) {
            return Boolean.parseBoolean(v.asText());
        }
        throw new InputError("request " + id, "data.params." + name, "expected true or false, got " + v);
    }

    static Optional<String> text(JsonNode node, String field) {
        JsonNode v = node.path(field);
        return v.isTextual() && !v.asText().isBlank() ? Optional.of(v.asText().trim()) : Optional.empty();
    }

    /** What it names, for lines and the ledger: the migration, dataset, selection or run as given. */
    public String named() {
        return switch (kind) {
            case MIGRATE -> text(data, "migration").orElseGet(() -> text(data, "dataset").map(d -> d + " to V"
                    + data.path("params").path("target-version").asText()).orElse(""));
            case WAVE -> {
                try {
                    yield selection().key();   // as the ledger and the agent's lines name an accepted one
                } catch (InputError malformed) {
                    yield data.path("selection").toString();
                }
            }
            case ROLLBACK, VALIDATE -> text(data, "run").orElse("");
            case SYNC, RETIRE -> text(data, "migration").orElseGet(() -> kind == Kind.SYNC ? "all windows" : "");
        };
    }

    /** A new request as {@code drover request} and the Backstage action make it. */
    public static String create(Kind kind, String id, String source, String requester, Map<String, Object> fields,
                                Map<String, Object> params) {
        ObjectNode node = JSON.createObjectNode();
        node.put("specversion", "1.0").put("id", id == null ? UUID.randomUUID().toString() : id).put("source", source)
                .put("type", TYPE_PREFIX + kind.label()).put("time", Instant.now().toString()).put("datacontenttype", "application/json");
        ObjectNode data = node.putObject("data");
        data.put("requester", requester);
        new LinkedHashMap<>(fields).forEach((k, v) -> data.set(k, JSON.valueToTree(v)));
        if (!params.isEmpty()) {
            data.set("params", JSON.valueToTree(params));
        }
        return node.toString();
    }
}
