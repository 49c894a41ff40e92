package dev.drover.notify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.drover.common.Messages;
import dev.drover.config.DeliverySettings;
import dev.drover.outbox.Channel;
import dev.drover.outbox.Delivery;
import dev.drover.outbox.EventType;
import dev.drover.outbox.OutboxEvent;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.transport.PushResult;
import org.eclipse.jgit.transport.RefSpec;
import org.eclipse.jgit.transport.RemoteRefUpdate;

/**
 * Delivers a consumer's proven rewrites to its git repository (JGit): clones it, puts the
 * rewritten query files on branch {@code drover/<family>-V<n>} (started at the commit the
 * queries were read at) in one commit whose message lists each change and its proof, and pushes
 * the branch. The commit carries the event id as a trailer, so delivering the same event again
 * finds it and adds nothing; a branch that already holds exactly these files gets no second
 * commit either. A {@code rolled-back} event reverts that commit on the branch (once: the revert
 * carries its own event id). Opening a pull request is left to the consumer's forge.
 */
public final class RepositorySender {
    static final String EVENT_TRAILER = "Drover-Event: ";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final DeliverySettings settings;
    private final Path workDir;

    /** @param workDir where repositories are cloned (one folder per delivery, removed after) */
    public RepositorySender(DeliverySettings settings, Path workDir) {
        this.settings = settings;
        this.workDir = workDir;
    }

    public List<Delivery> send(List<Release.Due> due) {
        List<Delivery> out = new ArrayList<>();
        for (Release.Due d : due) {
            out.add(send(d));
        }
        return out;
    }

    private Delivery send(Release.Due d) {
        OutboxEvent e = d.event();
        Path dir = null;
        try {
            JsonNode data = JSON.readTree(e.payload());
            JsonNode branch = data.path("consumer").path("branch");
            if (!branch.isObject()) {
                return failed(d, "the event names no branch (consumer.branch); it was not written by this Drover");
            }
            dir = Files.createTempDirectory(Files.createDirectories(workDir), "repo");
            String location = Channel.repositoryLocation(e.topic());
            String name = branch.path("name").asText();
            String pushed = e.type() == EventType.ROLLED_BACK
                    ? revert(location, dir, name, data.path("consumer").path("previousEventId").asText(), e, data)
                    : commit(location, dir, name, branch, e, data);
            return new Delivery(e.eventId(), e.runId(), e.consumer(), Delivery.Status.DELIVERED, d.attempt(), e.topic(), -1, -1, "",
                    Instant.now(), name + "@" + pushed);
        } catch (GitAPIException | IOException | RuntimeException ex) {
            return failed(d, "repository " + Channel.repositoryLocation(e.topic()) + ": " + Messages.oneLine(ex));
        } finally {
            if (dir != null) {
                dev.drover.impact.Impacts.deleteQuietly(dir);
            }
        }
    }

    /** The branch with the rewrites: an existing commit for this event, the tip when it already holds them, else a new commit. */
    private String commit(String location, Path dir, String name, JsonNode branch, OutboxEvent e, JsonNode data)
            throws GitAPIException, IOException {
        var clone = Git.cloneRepository().setURI(location).setDirectory(dir.toFile());
        if (!branch.path("baseBranch").asText("").isEmpty()) {
            clone.setBranch(branch.path("baseBranch").asText());
        }
        try (Git git = clone.call()) {
            Optional<ObjectId> remoteTip = remoteBranch(git, name);
            if (remoteTip.isPresent()) {
                Optional<RevCommit> done = find(git, remoteTip.get(), EVENT_TRAILER + e.eventId());
                if (done.isPresent()) {
                    return done.get().getName();
                }
                git.checkout().setCreateBranch(true).setName(name).setStartPoint(remoteTip.get().getName()).call();
            } else {
                String base = branch.path("base").asText("");
                if (base.isEmpty()) {
                    throw new IllegalStateException("the event names no base commit for branch " + name);
                }
                git.checkout().setCreateBranch(true).setName(name).setStartPoint(base).call();
            }
            List<String> changed = new ArrayList<>();
            for (JsonNode q : data.path("consumer").path("impact").path("queries")) {
                String path = q.path("query").asText();
                if (!contains(branch.path("files"), path)) {
                    continue;
                }
                Path file = dir.resolve(path).normalize();
                if (!file.startsWith(dir)) {
                    throw new IllegalStateException("query path " + path + " points outside the repository");
                }
                String text = q.path("rewritten").asText();
                if (!Files.exists(file) || !Files.readString(file).equals(text)) {
                    Files.createDirectories(file.getParent());
                    Files.writeString(file, text, StandardCharsets.UTF_8);
                    git.add().addFilepattern(path).call();
                    changed.add(path);
                }
            }
            if (changed.isEmpty() && remoteTip.isPresent()) {
                return remoteTip.get().getName();   // the branch already holds these rewrites: no second commit
            }
            RevCommit c = git.commit().setAuthor(author()).setCommitter(author()).setAllowEmpty(false)
                    .setMessage(message(e, data, branch)).call();
            push(git, name);
            return c.getName();
        }
    }

    /** A revert of the commit this event's migrated event made, once. */
    private String revert(String location, Path dir, String name, String previousEventId, OutboxEvent e, JsonNode data)
            throws GitAPIException, IOException {
        try (Git git = Git.cloneRepository().setURI(location).setDirectory(dir.toFile()).call()) {
            Optional<ObjectId> remoteTip = remoteBranch(git, name);
            if (remoteTip.isEmpty()) {
                throw new IllegalStateException("branch " + name + " is not in " + location + ": nothing to revert");
            }
            Optional<RevCommit> done = find(git, remoteTip.get(), EVENT_TRAILER + e.eventId());
            if (done.isPresent()) {
                return done.get().getName();
            }
            RevCommit made = find(git, remoteTip.get(), EVENT_TRAILER + previousEventId).orElseThrow(() ->
                    new IllegalStateException("branch " + name + " has no commit of event " + previousEventId + " to revert"));
            git.checkout().setCreateBranch(true).setName(name).setStartPoint(remoteTip.get().getName()).call();
            var revert = git.revert().include(made);
            if (revert.call() == null) {
                throw new IllegalStateException("reverting " + made.getName() + " on " + name + " conflicts with later commits on the "
                        + "branch (" + revert.getFailingResult() + "); revert it by hand");
            }
            RevCommit reverted = git.commit().setAmend(true).setAuthor(author()).setCommitter(author())
                    .setMessage("drover: revert the rewrites of " + data.path("migration").asText() + " (run " + e.runId()
                            + " rolled back)\n\nThis reverts commit " + made.getName() + ": "
                            + data.path("rolledBack").path("message").asText("the run was rolled back") + "\n\nDrover-Run: " + e.runId()
                            + "\n" + EVENT_TRAILER + e.eventId() + "\n").call();
            push(git, name);
            return reverted.getName();
        }
    }

    private String message(OutboxEvent e, JsonNode data, JsonNode branch) {
        StringBuilder m = new StringBuilder();
        int files = branch.path("files").size();
        m.append("drover: ").append(data.path("migration").asText()).append(": ").append(files).append(" quer")
                .append(files == 1 ? "y reads " : "ies read ").append(data.path("target").path("dataset").asText()).append("\n\n");
        m.append("Run ").append(e.runId()).append(" migrated ").append(data.path("versions").path("old").asText()).append(" to ")
                .append(data.path("versions").path("new").asText()).append(".\nEach rewrite was run on the real data, the old")
                .append(" query on ").append(data.path("versions").path("old").asText()).append(" and the new one on ")
                .append(data.path("versions").path("new").asText()).append(", and compared as multisets of rows.\n\n");
        for (JsonNode q : data.path("consumer").path("impact").path("queries")) {
            if (!contains(branch.path("files"), q.path("query").asText())) {
                continue;
            }
            m.append("- ").append(q.path("query").asText()).append(" (").append(q.path("class").asText()).append(")");
            List<String> reasons = new ArrayList<>();
            q.path("reasons").forEach(r -> reasons.add(r.asText()));
            if (!reasons.isEmpty()) {
                m.append(": ").append(String.join("; ", reasons));
            }
            m.append("\n  ").append(q.path("proof").asText(q.path("proven").asBoolean() ? "proven" : "not proven")).append("\n");
        }
        m.append("\nDrover-Run: ").append(e.runId()).append("\n").append(EVENT_TRAILER).append(e.eventId()).append("\n");
        return m.toString();
    }

    private void push(Git git, String name) throws GitAPIException {
        Iterable<PushResult> results = git.push().setRemote("origin")
                .setRefSpecs(new RefSpec("refs/heads/" + name + ":refs/heads/" + name)).call();
        for (PushResult r : results) {
            for (RemoteRefUpdate u : r.getRemoteUpdates()) {
                if (u.getStatus() != RemoteRefUpdate.Status.OK && u.getStatus() != RemoteRefUpdate.Status.UP_TO_DATE) {
                    throw new IllegalStateException("push of " + name + " refused: " + u.getStatus()
                            + (u.getMessage() == null ? "" : " (" + u.getMessage() + ")"));
                }
            }
        }
    }

    private static Optional<ObjectId> remoteBranch(Git git, String name) throws IOException {
        Ref ref = git.getRepository().exactRef("refs/remotes/origin/" + name);
        return Optional.ofNullable(ref).map(Ref::getObjectId);
    }

    /** The newest commit reachable from {@code tip} whose message holds {@code trailer} on a line of its own. */
    private static Optional<RevCommit> find(Git git, ObjectId tip, String trailer) throws IOException {
        try (RevWalk walk = new RevWalk(git.getRepository())) {
            walk.markStart(walk.parseCommit(tip));
            for (RevCommit c : walk) {
                if (c.getFullMessage().lines().anyMatch(l -> l.strip().equals(trailer))) {
                    return Optional.of(c);
                }
            }
        }
        return Optional.empty();
    }

    private static boolean contains(JsonNode array, String value) {
        for (JsonNode n : array) {
            if (n.asText().equals(value)) {
                return true;
            }
        }
        return false;
    }

    private PersonIdent author() {
        return new PersonIdent(settings.authorName(), settings.authorEmail());
    }

    private static Delivery failed(Release.Due d, String error) {
        OutboxEvent e = d.event();
        return new Delivery(e.eventId(), e.runId(), e.consumer(), Delivery.Status.FAILED, d.attempt(), e.topic(), -1, -1, error,
                Instant.now(), "");
    }
}
