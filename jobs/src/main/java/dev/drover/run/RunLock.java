package dev.drover.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.drover.common.Hosts;
import dev.drover.config.Locations;
import dev.drover.error.ConflictError;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * One run at a time per dataset: a lock file created atomically under the state folder and
 * refreshed by a heartbeat. A lock whose holder process is gone (same host) or whose heartbeat
 * is older than the lease is abandoned and may be taken over; any other is a conflict (exit 3).
 */
public final class RunLock implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;
    private final String runId;
    private final ScheduledExecutorService heartbeat;

    private RunLock(Path file, String runId, Duration every) {
        this.file = file;
        this.runId = runId;
        this.heartbeat = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "drover-lock-heartbeat");
            t.setDaemon(true);
            return t;
        });
        long millis = Math.max(1, every.toMillis());
        heartbeat.scheduleAtFixedRate(this::refresh, millis, millis, TimeUnit.MILLISECONDS);
    }

    public static RunLock acquire(String stateDir, String dataset, String runId, Duration lease, Duration every) {
        Path dir = Locations.localPath(stateDir);
        if (dir == null) {
            throw new ConflictError("run locks need a local state folder for now; drover.state-dir is " + stateDir);
        }
        Path file = dir.resolve("locks").resolve(dataset + ".lock");
        try {
            Files.createDirectories(file.getParent());
            for (int attempt = 0; attempt < 2; attempt++) {
                try {
                    Files.writeString(file, content(runId), StandardCharsets.UTF_8,
                            java.nio.file.StandardOpenOption.CREATE_NEW, java.nio.file.StandardOpenOption.WRITE);
                    return new RunLock(file, runId, every);
                } catch (FileAlreadyExistsException held) {
                    JsonNode holder = readHolder(file);
                    if (holder != null && !abandoned(holder, lease)) {
                        throw new ConflictError("dataset " + dataset + " is held by run " + holder.path("run").asText()
                                + " (pid " + holder.path("pid").asLong() + " on " + holder.path("host").asText()
                                + ", last heartbeat " + holder.path("heartbeat").asText() + "); try again when it ends");
                    }
                    Files.deleteIfExists(file);
                }
            }
            throw new ConflictError("dataset " + dataset + " lock " + file + " could not be taken");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The run holding a dataset's lock now, if any live one does. */
    public static String holder(String stateDir, String dataset, Duration lease) {
        Path dir = Locations.localPath(stateDir);
        if (dir == null) {
            return null;
        }
        JsonNode holder = readHolder(dir.resolve("locks").resolve(dataset + ".lock"));
        return holder == null || abandoned(holder, lease) ? null : holder.path("run").asText();
    }

    private static boolean abandoned(JsonNode holder, Duration lease) {
        if (holder.path("host").asText().equals(Hosts.name())) {
            return ProcessHandle.of(holder.path("pid").asLong()).map(p -> !p.isAlive()).orElse(true);
        }
        Instant beat = Instant.parse(holder.path("heartbeat").asText(Instant.EPOCH.toString()));
        return beat.plus(lease).isBefore(Instant.now());
    }

    private static JsonNode readHolder(Path file) {
        try {
            return JSON.readTree(Files.readString(file));
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static String content(String runId) {
        return JSON.createObjectNode().put("run", runId).put("host", Hosts.name())
                .put("pid", ProcessHandle.current().pid()).put("heartbeat", Instant.now().toString()).toString();
    }


    private void refresh() {
        try {
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.writeString(tmp, content(runId));
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException ignored) {
            // a missed heartbeat only shortens the lease; the next one retries
        }
    }

    @Override
    public void close() {
        heartbeat.shutdownNow();
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
