package dev.drover.impact;

import dev.drover.catalog.ConsumerEntity;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;

/**
 * A consumer's declared queries: its inline ones, and the .sql files its globs match in its
 * repository, cloned (JGit) at its branch into a folder of its own. A repository that cannot be
 * cloned, or globs that match nothing, are a one-line problem for that consumer alone.
 */
public final class QuerySources {
    /** A consumer's queries, the commit they were read at (repository only) and what went wrong, if anything. */
    public record Loaded(List<ConsumerQuery> queries, Optional<String> commit, Optional<String> problem) {
        public Loaded {
            queries = List.copyOf(queries);
        }
    }

    private final Path workDir;

    /** @param workDir where repositories are cloned, one folder per consumer (replaced on each load) */
    public QuerySources(Path workDir) {
        this.workDir = workDir;
    }

    public Loaded load(ConsumerEntity consumer) {
        List<ConsumerQuery> queries = new ArrayList<>();
        consumer.code().inlineQueries().forEach((name, text) ->
                queries.add(new ConsumerQuery(consumer.name(), name, text, consumer.code().parameters())));
        if (consumer.code().repository().isEmpty() || consumer.code().queryGlobs().isEmpty()) {
            return new Loaded(queries, Optional.empty(), Optional.empty());
        }
        String repository = consumer.code().repository().get();
        Path dir = workDir.resolve(consumer.name());
        String commit;
        try {
            deleteTree(dir);
            Files.createDirectories(dir.getParent());
            var clone = Git.cloneRepository().setURI(repository).setDirectory(dir.toFile());
            consumer.code().branch().ifPresent(b -> clone.setBranch(b));
            try (Git git = clone.call()) {
                var head = git.getRepository().resolve("HEAD");
                if (head == null) {
                    return new Loaded(queries, Optional.empty(), Optional.of("repository " + repository + " has no commits"
                            + consumer.code().branch().map(b -> " on branch " + b).orElse("")));
                }
                commit = head.getName();
            }
        } catch (GitAPIException | IOException | RuntimeException e) {
            return new Loaded(queries, Optional.empty(), Optional.of("repository " + repository + " cannot be cloned: "
                    + ImpactAnalyzer.firstLine(String.valueOf(e.getMessage()))));
        }
        List<Path> files = matching(dir, consumer.code().queryGlobs());
        if (files.isEmpty()) {
            return new Loaded(queries, Optional.of(commit), Optional.of("no file in " + repository + " matches "
                    + consumer.code().queryGlobs()));
        }
        for (Path f : files) {
            try {
                queries.add(new ConsumerQuery(consumer.name(), dir.relativize(f).toString().replace('\\', '/'),
                        Files.readString(f), consumer.code().parameters()));
            } catch (IOException e) {
                return new Loaded(queries, Optional.of(commit), Optional.of("cannot read " + f + ": " + e.getMessage()));
            }
        }
        return new Loaded(queries, Optional.of(commit), Optional.empty());
    }

    /** A query's text as the last load read it: an inline query by name, else the file in the clone. */
    public String text(ConsumerEntity consumer, String query) {
        String inline = consumer.code().inlineQueries().get(query);
        if (inline != null) {
            return inline;
        }
        try {
            return Files.readString(clone(consumer.name()).resolve(query));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The clone of a consumer's repository, as the last load left it. */
    public Path clone(String consumer) {
        return workDir.resolve(consumer);
    }

    static List<Path> matching(Path root, List<String> globs) {
        List<PathMatcher> matchers = globs.stream().map(g -> FileSystems.getDefault().getPathMatcher("glob:" + g)).toList();
        try (Stream<Path> all = Files.walk(root)) {
            return all.filter(Files::isRegularFile)
                    .filter(f -> !root.relativize(f).startsWith(".git"))
                    .filter(f -> matchers.stream().anyMatch(m -> m.matches(root.relativize(f))))
                    .sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
