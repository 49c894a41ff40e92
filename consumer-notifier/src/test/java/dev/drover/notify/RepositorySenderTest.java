package dev.drover.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.drover.config.DeliverySettings;
import dev.drover.outbox.Channel;
import dev.drover.outbox.Delivery;
import dev.drover.outbox.EventType;
import dev.drover.outbox.OutboxEvent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.treewalk.TreeWalk;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Pushes to a real bare git repository on disk, as a consumer's remote would be. */
class RepositorySenderTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String BRANCH = "drover/users-V2";
    private static final String OLD_A = "-- daily report\nSELECT user_id, name FROM users_v1 WHERE dt = '${day}'\n";
    private static final String NEW_A = "-- daily report\nSELECT user_id, display_name AS name FROM users_v2 WHERE dt = '${day}'\n";
    private static final String OLD_B = "SELECT count(*) FROM users_v1\n";

    @TempDir
    Path tmp;
    private Path remote;
    private String base;
    private RepositorySender sender;

    @BeforeEach
    void repository() throws Exception {
        remote = tmp.resolve("remote.git");
        Git.init().setBare(true).setInitialBranch("main").setDirectory(remote.toFile()).call().close();
        Path work = tmp.resolve("seed");
        try (Git git = Git.cloneRepository().setURI(remote.toUri().toString()).setDirectory(work.toFile()).call()) {
            Files.createDirectories(work.resolve("queries"));
            Files.writeString(work.resolve("queries/a.sql"), OLD_A);
            Files.writeString(work.resolve("queries/b.sql"), OLD_B);
            git.add().addFilepattern(".").call();
            base = git.commit().setMessage("queries").setAuthor("me", "me@x").setCommitter("me", "me@x").call().getName();
            git.push().setRemote("origin").setRefSpecs(new org.eclipse.jgit.transport.RefSpec("HEAD:refs/heads/main")).call();
        }
        sender = new RepositorySender(DeliverySettings.DEFAULTS, tmp.resolve("work"));
    }

    private OutboxEvent migrated(String run) {
        ObjectNode data = JSON.createObjectNode();
        data.put("migration", "users/V2");
        data.putObject("versions").put("old", "users-v1@3").put("new", "users-v2@1");
        data.putObject("target").put("dataset", "users-v2");
        ObjectNode c = data.putObject("consumer");
        c.put("name", "reports");
        ObjectNode branch = c.putObject("branch");
        branch.put("repository", remote.toString());
        branch.put("name", BRANCH);
        branch.put("base", base);
        branch.putArray("files").add("queries/a.sql");
        ArrayNode queries = c.putObject("impact").putArray("queries");
        queries.addObject().put("query", "queries/a.sql").put("class", "rewritable").put("rewritten", NEW_A).put("proven", true)
                .put("proof", "proven: 120 rows, the same multiset on both versions").putArray("reasons").add("name was renamed to display_name");
        queries.addObject().put("query", "queries/b.sql").put("class", "unaffected").put("rewritten", OLD_B.replace("v1", "v2"))
                .put("proven", true).put("proof", "proven: 1 row, the same multiset on both versions").putArray("reasons");
        return new OutboxEvent(OutboxEvent.id(run, "reports", EventType.MIGRATED, Channel.REPOSITORY), run, "users/V2", "users-v1",
                "reports", EventType.MIGRATED, Channel.repository(remote.toString()), dev.drover.model.UpdateStrategy.IMMEDIATE, 0, "", data.toString(), Instant.now());
    }

    private Delivery send(OutboxEvent e) {
        List<Delivery> out = sender.send(List.of(new Release.Due(e, 1)));
        assertEquals(1, out.size());
        assertEquals(Delivery.Status.DELIVERED, out.get(0).status(), out.get(0).error());
        return out.get(0);
    }

    private List<RevCommit> branchLog() throws Exception {
        try (Git git = Git.open(remote.toFile())) {
            List<RevCommit> log = new ArrayList<>();
            git.log().add(git.getRepository().resolve("refs/heads/" + BRANCH)).call().forEach(log::add);
            return log;
        }
    }

    private String fileAt(String commit, String path) throws Exception {
        try (Repository repo = Git.open(remote.toFile()).getRepository(); RevWalk walk = new RevWalk(repo)) {
            RevCommit c = walk.parseCommit(ObjectId.fromString(commit));
            try (TreeWalk tw = TreeWalk.forPath(repo, path, c.getTree())) {
                return new String(repo.open(tw.getObjectId(0)).getBytes(), java.nio.charset.StandardCharsets.UTF_8);
            }
        }
    }

    @Test
    void pushesOneCommitWithTheRewrittenFilesOnTheBranchStartedAtTheCommitTheQueriesWereReadAt() throws Exception {
        Delivery d = send(migrated("r1"));
        assertEquals(BRANCH, d.branch().orElseThrow());
        List<RevCommit> log = branchLog();
        assertEquals(2, log.size(), "the base and one commit");
        assertEquals(d.commit().orElseThrow(), log.get(0).getName());
        assertEquals(base, log.get(1).getName());
        assertEquals(NEW_A, fileAt(d.commit().get(), "queries/a.sql"));
        assertEquals(OLD_B, fileAt(d.commit().get(), "queries/b.sql"), "only the listed files change");
        String message = log.get(0).getFullMessage();
        assertTrue(message.contains("queries/a.sql (rewritable): name was renamed to display_name"), message);
        assertTrue(message.contains("\n  proven: 120 rows, the same multiset on both versions\n"), message);
        assertTrue(message.contains("Drover-Event: r1:reports:migrated:repository"), message);
        assertEquals("Drover", log.get(0).getAuthorIdent().getName());
    }

    @Test
    void theSameEventAgainAddsNoSecondCommit() throws Exception {
        String first = send(migrated("r1")).commit().orElseThrow();
        String again = send(migrated("r1")).commit().orElseThrow();
        assertEquals(first, again);
        assertEquals(2, branchLog().size());
        // another run with the same rewrites: the branch already holds them
        assertEquals(first, send(migrated("r2")).commit().orElseThrow());
        assertEquals(2, branchLog().size());
    }

    @Test
    void aRollbackRevertsTheCommitOnceAndARunAfterItCommitsAgain() throws Exception {
        OutboxEvent m = migrated("r1");
        String made = send(m).commit().orElseThrow();
        OutboxEvent rolledBack = OutboxEvent.rolledBack(List.of(m), 3, "checks failed", Instant.now()).get(0);
        assertEquals("r1:reports:rolled-back:repository", rolledBack.eventId());
        String revert = send(rolledBack).commit().orElseThrow();
        assertNotEquals(made, revert);
        assertEquals(OLD_A, fileAt(revert, "queries/a.sql"));
        assertTrue(branchLog().get(0).getFullMessage().contains("This reverts commit " + made), branchLog().get(0).getFullMessage());
        assertEquals(revert, send(rolledBack).commit().orElseThrow(), "reverted once");
        assertEquals(3, branchLog().size());
        String again = send(migrated("r2")).commit().orElseThrow();
        assertEquals(NEW_A, fileAt(again, "queries/a.sql"));
        assertEquals(4, branchLog().size());
    }

    @Test
    void aRepositoryThatCannotBeReachedFailsWithOneLine() throws Exception {
        OutboxEvent m = migrated("r1");
        OutboxEvent gone = new OutboxEvent(m.eventId(), m.runId(), m.migration(), m.dataset(), m.consumer(), m.type(),
                Channel.repository(tmp.resolve("missing.git").toString()), m.strategy(), m.wave(), m.deadline(), m.payload(), m.createdAt());
        Delivery d = sender.send(List.of(new Release.Due(gone, 1))).get(0);
        assertEquals(Delivery.Status.FAILED, d.status());
        assertTrue(d.error().contains("missing.git"), d.error());
        assertTrue(!d.error().contains("\n"), d.error());
    }
}
