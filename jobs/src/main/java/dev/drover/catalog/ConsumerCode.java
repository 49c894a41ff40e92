package dev.drover.catalog;

import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where a consumer's code lives and how it wants to be updated, from its catalog annotations:
 * {@code drover.dev/queries} (globs of .sql files) in {@code drover.dev/repository} (a local path
 * or a file://, ssh:// or https:// URL; branch {@code drover.dev/repository-branch}), inline
 * queries {@code drover.dev/query.<name>}, the names its SQL uses for datasets
 * ({@code drover.dev/table-names}: {@code name=dataset, …}), values for its template parameters
 * ({@code drover.dev/query-parameters}), and an HTTP endpoint that takes update events
 * ({@code drover.dev/update-endpoint}) with an optional secret header whose value comes from an
 * environment variable ({@code drover.dev/update-endpoint-secret: Header=ENV_VAR}).
 */
public record ConsumerCode(List<String> queryGlobs, Optional<String> repository, Optional<String> branch,
                           Map<String, String> inlineQueries, Map<String, String> tableNames,
                           Map<String, String> parameters, Optional<URI> endpoint, Optional<String> secretHeader,
                           Optional<String> secretEnv) {
    public static final ConsumerCode NONE = new ConsumerCode(List.of(), Optional.empty(), Optional.empty(), Map.of(), Map.of(),
            Map.of(), Optional.empty(), Optional.empty(), Optional.empty());

    public ConsumerCode {
        queryGlobs = List.copyOf(requireNonNull(queryGlobs, "queryGlobs is null"));
        requireNonNull(repository, "repository is null");
        requireNonNull(branch, "branch is null");
        inlineQueries = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(inlineQueries));
        tableNames = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(tableNames));
        parameters = Map.copyOf(parameters);
        requireNonNull(endpoint, "endpoint is null");
        requireNonNull(secretHeader, "secretHeader is null");
        requireNonNull(secretEnv, "secretEnv is null");
    }

    /** Declares queries Drover can analyse (in a repository or inline). */
    public boolean hasQueries() {
        return !inlineQueries.isEmpty() || (repository.isPresent() && !queryGlobs.isEmpty());
    }
}
