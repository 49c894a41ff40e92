package dev.drover.storage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.drover.common.Hosts;
import dev.drover.error.ConflictError;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.LoggerFactory;

/**
 * One holder at a time per name (a dataset's runs; a ledger table's commits on object storage): a
 * lock file created only if none is there ({@link LockFiles}: atomic on a local disk and, through
 * conditional PUTs, on S3) and refreshed by a heartbeat. A lock whose holder process is gone (same
 * host) or whose heartbeat is older than the lease is abandoned and may be taken over (a
 * compare-and-set on the version read, so of two takers one wins); any other is a conflict (exit 3).
 */
public final class RunLock implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Two threads: one slow store request does not hold every other lock's heartbeat. */
    private static final ScheduledExecutorService HEARTBEATS = Executors.newScheduledThreadPool(2, r -> {
        Thread t = new Thread(r, "drover-lock-heartbeat");
        t.setDaemon(true);
        return t;
    });

    /** Who holds a lock, as its file says. */
    public record Holder(String run, String host, long pid, Instant heartbeat) {
        public String describe() {
            return "run " + run + " (pid " + pid + " on " + host + ", last heartbeat " + heartbeat + ")";
        }

        public boolean thisProcess() {
            return host.equals(Hosts.name()) && pid == ProcessHandle.current().pid();
        }
    }

    private final LockFiles files;
    private final String name;
    private final String runId;
    private final Duration lease;
    private volatile String version;
    private boolean closed;
    /** Why this lock is no longer ours, once seen: it never comes back. */
    private volatile String lost;
    /** When the store last confirmed the lock ours (taken or heart-beaten): nobody may take it within a lease of that. */
    private volatile long confirmedNanos = System.nanoTime();
    private final ScheduledFuture<?> heartbeat;

    private RunLock(LockFiles files, String name, String runId, String version, Duration lease, Duration every) {
        this.files = files;
        this.name = name;
        this.runId = runId;
        this.lease = lease;
        this.version = version;
        long millis = Math.max(1, every.toMillis());
        this.heartbeat = HEARTBEATS.scheduleAtFixedRate(this::refresh, millis, millis, TimeUnit.MILLISECONDS);
    }

    /** Takes {@code name} for {@code runId}, or throws {@link ConflictError} naming the live holder. */
    public static RunLock acquire(LockFiles files, String name, String runId, Duration lease, Duration every) {
        for (int attempt = 0; attempt < 3; attempt++) {
            Optional<String> created = files.createNew(name, content(runId));
            if (created.isPresent()) {
                return new RunLock(files, name, runId, created.get(), lease, every);
            }
            Optional<LockFiles.Versioned> held = files.read(name);
            if (held.isEmpty()) {
                continue;   // let go in between: try to create it again
            }
            Optional<Holder> holder = parse(held.get().content());
            if (holder.isPresent() && holder.get().run().equals(runId) && holder.get().thisProcess()) {
                // our own create, answered twice (a retried request): it is ours
                return new RunLock(files, name, runId, held.get().version(), lease, every);
            }
            if (holder.isPresent() && !abandoned(holder.get(), lease)) {
                throw new ConflictError(subject(name) + " is held by " + holder.get().describe()
                        + "; try again when it ends");
            }
            Optional<String> taken = files.replace(name, held.get().version(), content(runId));
            if (taken.isPresent()) {
                return new RunLock(files, name, runId, taken.get(), lease, every);
            }
        }
        throw new ConflictError("lock " + files.describe(name) + " could not be taken: others kept taking it");
    }

    /**
     * As {@link #acquire}, waiting up to {@code patience} while another holds it (for short
     * critical sections, such as one ledger commit).
     */
    public static RunLock await(LockFiles files, String name, String runId, Duration lease, Duration every, Duration patience) {
        long deadline = System.nanoTime() + patience.toNanos();
        long pause = 20;
        while (true) {
            try {
                return acquire(files, name, runId, lease, every);
            } catch (ConflictError held) {
                if (System.nanoTime() > deadline) {
                    throw new ConflictError("waited " + patience.toSeconds() + " s for " + files.describe(name) + ": " + held.getMessage());
                }
            }
            try {
                Thread.sleep(pause);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ConflictError("interrupted while waiting for " + files.describe(name));
            }
            pause = Math.min(500, pause * 2);
        }
    }

    /** "dataset users-v2" for users-v2.lock, "ledger table runs" for ledger/runs.lock. */
    private static String subject(String name) {
        String bare = name.replaceAll("\\.lock$", "");
        return bare.startsWith("ledger/") ? "ledger table " + bare.substring("ledger/".length()) : "dataset " + bare;
    }

    /** The live holder of {@code name}, if any. */
    public static Optional<Holder> holder(LockFiles files, String name, Duration lease) {
        return files.read(name).flatMap(v -> parse(v.content())).filter(h -> !abandoned(h, lease));
    }

    private static boolean abandoned(Holder holder, Duration lease) {
        if (holder.host().equals(Hosts.name())) {
            return ProcessHandle.of(holder.pid()).map(p -> !p.isAlive()).orElse(true);
        }
        return holder.heartbeat().plus(lease).isBefore(Instant.now());
    }

    private static Optional<Holder> parse(String content) {
        try {
            JsonNode node = JSON.readTree(content);
            return Optional.of(new Holder(node.path("run").asText(), node.path("host").asText(), node.path("pid").asLong(),
                    Instant.parse(node.path("heartbeat").asText(Instant.EPOCH.toString()))));
        } catch (Exception e) {
            return Optional.empty();   // half-written or foreign: treated as abandoned
        }
    }

    private static String content(String runId) {
        return JSON.createObjectNode().put("run", runId).put("host", Hosts.name())
                .put("pid", ProcessHandle.current().pid()).put("heartbeat", Instant.now().toString()).toString();
    }

    private synchronized void refresh() {
        if (closed || lost != null) {
            return;
        }
        try {
            long asked = System.nanoTime();
            Optional<String> next = files.replace(name, version, content(runId));
            if (next.isPresent()) {
                version = next.get();
                confirmedNanos = asked;
            } else {
                check(files.read(name), asked);
            }
        } catch (RuntimeException e) {
            // a missed heartbeat only shortens the lease; the next one retries
        }
    }

    /**
     * True when {@code now} is still this lock: at our version, or written by this process for this
     * run (our own write whose answer was lost and retried); else marks it lost.
     */
    private boolean check(Optional<LockFiles.Versioned> now, long asked) {
        Optional<Holder> holder = now.flatMap(v -> parse(v.content()));
        boolean ours = now.isPresent() && (now.get().version().equals(version)
                || holder.filter(h -> h.run().equals(runId) && h.thisProcess()).isPresent());
        if (ours) {
            version = now.get().version();
            confirmedNanos = asked;
            return true;
        }
        lost = holder.map(h -> subject(name) + " was taken over by " + h.describe() + " after run " + runId + "'s lease ran out")
                .orElse(subject(name) + ": run " + runId + "'s lock " + files.describe(name) + " is gone or unreadable");
        LoggerFactory.getLogger(RunLock.class).warn("{}", lost);
        heartbeat.cancel(false);
        return false;
    }

    /**
     * Throws {@link ConflictError} unless this lock is still ours: checked with the store, or, when
     * the store cannot be reached, still within a lease of the last time it confirmed the lock
     * (nobody may take it over before that). A run calls this before it restores or publishes its
     * target: one whose lease ran out (a long pause, a store outage) and whose dataset another run
     * took over must leave the rest to that run.
     */
    public synchronized void ensureHeld() {
        if (lost == null) {
            try {
                long asked = System.nanoTime();
                Optional<LockFiles.Versioned> now = files.read(name);
                if (check(now, asked)) {
                    return;
                }
            } catch (RuntimeException unreachable) {
                if (System.nanoTime() - confirmedNanos < lease.toNanos()) {
                    return;
                }
                throw new ConflictError(subject(name) + ": run " + runId + " could not confirm it still holds "
                        + files.describe(name) + " for longer than its lease (" + lease.toSeconds() + " s); it stops here");
            }
        }
        throw new ConflictError(lost + "; this run stops here and leaves the dataset to its holder");
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        heartbeat.cancel(false);
        files.delete(name, version);
    }
}
