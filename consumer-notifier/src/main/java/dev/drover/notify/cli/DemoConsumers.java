package dev.drover.notify.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.diff.DiffFormatter;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevWalk;

/**
 * The demo's two consumers that declare their code: {@code signup-queries}, whose SQL lives in a
 * git repository the demo makes (its proven rewrites are pushed there on a branch), and
 * {@code profile-service}, which takes its updates at an HTTP endpoint the demo serves. They are
 * added to the demo's copy of the catalog, never to the project's.
 */
final class DemoConsumers implements AutoCloseable {
    static final String REPOSITORY_CONSUMER = "signup-queries";
    static final String ENDPOINT_CONSUMER = "profile-service";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String NAMES = "-- users by name, for the sign-up report\n"
            + "SELECT user_id, name, dt\nFROM users_v1\nWHERE name IS NOT NULL\n";
    private static final String PER_DAY = "SELECT dt, count(*) AS signups\nFROM users_v1\nGROUP BY dt\n";
    private static final String LEGACY = "-- users still on the old flag\nSELECT user_id FROM users_v1 WHERE legacy_flag = 'Y'\n";

    /** One call the endpoint answered: the event's type and id. */
    record Call(String type, String id) {}

    private final Path repository;
    private final HttpServer server;
    private final List<Call> calls = new CopyOnWriteArrayList<>();

    private DemoConsumers(Path repository, HttpServer server) {
        this.repository = repository;
        this.server = server;
    }

    /** Makes the repository, starts the endpoint, writes both consumers into {@code confDir}'s catalog. */
    static DemoConsumers start(Path folder, Path confDir) {
        Path repo = folder.resolve("consumer-repos").resolve(REPOSITORY_CONSUMER);
        HttpServer server;
        try {
            Files.createDirectories(repo.resolve("queries"));
            try (Git git = Git.init().setDirectory(repo.toFile()).setInitialBranch("main").call()) {
                Files.writeString(repo.resolve("queries/users_by_name.sql"), NAMES);
                Files.writeString(repo.resolve("queries/signups_per_day.sql"), PER_DAY);
                Files.writeString(repo.resolve("queries/legacy_users.sql"), LEGACY);
                git.add().addFilepattern(".").call();
                git.commit().setMessage("sign-up queries").setAuthor("Growth", "growth@example.com")
                        .setCommitter("Growth", "growth@example.com").setSign(false).call();
            }
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GitAPIException e) {
            throw new IllegalStateException("cannot make the demo's consumer repository: " + e.getMessage(), e);
        }
        DemoConsumers consumers = new DemoConsumers(repo, server);
        server.createContext("/updates", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            JsonNode event = JSON.readTree(body);
            consumers.calls.add(new Call(event.path("type").asText(), event.path("id").asText()));
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        server.start();
        try {
            Files.writeString(confDir.resolve("catalog/demo-consumer-code.yaml"), """
                    # Added by drover demo to its copy of the catalog: consumers that declare their code.
                    apiVersion: backstage.io/v1alpha1
                    kind: Component
                    metadata:
                      name: %s
                      description: Sign-up report queries, kept in git
                      annotations:
                        drover.dev/update-strategy: immediate
                        drover.dev/repository: "%s"
                        drover.dev/queries: "queries/*.sql"
                        drover.dev/table-names: "users_v1=users-v1, users_v2=users-v2"
                        drover.dev/contact: "#growth-analytics"
                    spec: {type: website, lifecycle: production, owner: group:growth, dependsOn: [resource:default/users-v1]}
                    ---
                    apiVersion: backstage.io/v1alpha1
                    kind: Component
                    metadata:
                      name: %s
                      description: Profile service; takes dataset updates at its own endpoint
                      annotations:
                        drover.dev/update-strategy: immediate
                        drover.dev/update-endpoint: "%s"
                    spec: {type: service, lifecycle: production, owner: group:profile, dependsOn: [resource:default/users-v1]}
                    """.formatted(REPOSITORY_CONSUMER, repo, ENDPOINT_CONSUMER, consumers.endpoint()));
        } catch (IOException e) {
            server.stop(0);
            throw new UncheckedIOException(e);
        }
        return consumers;
    }

    String endpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/updates";
    }

    List<Call> calls() {
        return List.copyOf(calls);
    }

    /** The consumer's branch as {@code git diff main..<branch>} shows it; false when there is no such branch. */
    boolean printBranch(PrintStream out, String branch) {
        try (Git git = Git.open(repository.toFile())) {
            Repository repo = git.getRepository();
            ObjectId tip = repo.resolve("refs/heads/" + branch);
            if (tip == null) {
                out.printf("  %s has no branch %s%n", repository, branch);
                return false;
            }
            ObjectId main = repo.resolve("refs/heads/main");
            try (RevWalk walk = new RevWalk(repo)) {
                var head = walk.parseCommit(tip);
                out.printf("  %s: branch %s at %s (%s)%n", REPOSITORY_CONSUMER, branch, head.getName().substring(0, 12),
                        head.getShortMessage());
                out.printf("  git -C %s diff main..%s%n", repository, branch);
                ByteArrayOutputStream diff = new ByteArrayOutputStream();
                try (DiffFormatter f = new DiffFormatter(diff)) {
                    f.setRepository(repo);
                    f.format(walk.parseCommit(main).getTree(), head.getTree());
                }
                diff.toString(StandardCharsets.UTF_8).lines().forEach(l -> out.println("    " + l));
            }
            return true;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
