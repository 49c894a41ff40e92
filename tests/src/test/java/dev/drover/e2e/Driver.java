package dev.drover.e2e;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/** A real driver process (its own JVM, its own SparkSession), started in the project folder, whose stderr we watch. */
final class Driver implements AutoCloseable {
    private final Process process;
    private final List<String> stderr = new CopyOnWriteArrayList<>();

    private Driver(Process process) {
        this.process = process;
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    stderr.add(line);
                }
            } catch (IOException ignored) {
                // the process was killed
            }
        }, "driver-stderr");
        reader.setDaemon(true);
        reader.start();
    }

    static Driver start(List<String> command, Path stdout) {
        return start(command, stdout, java.util.Map.of());
    }

    /** As {@link #start(List, Path)} with {@code environment} added to the process's environment. */
    static Driver start(List<String> command, Path stdout, java.util.Map<String, String> environment) {
        try {
            ProcessBuilder builder = new ProcessBuilder(command).directory(Project.root().toFile()).redirectOutput(stdout.toFile());
            builder.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
            builder.environment().putAll(environment);
            return new Driver(builder.start());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Waits until a line containing {@code text} appears on stderr; fails if the process ends first. */
    void awaitLine(String text, long timeoutSeconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        while (System.nanoTime() < deadline) {
            if (stderr.stream().anyMatch(l -> l.contains(text))) {
                return;
            }
            if (!process.isAlive()) {
                throw new AssertionError("driver ended (exit " + process.exitValue() + ") before '" + text + "': " + String.join("\n", stderr));
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no '" + text + "' within " + timeoutSeconds + " s: " + String.join("\n", stderr));
    }

    /** SIGTERM, as an operator or a scheduler stops a process. */
    void terminate() {
        process.destroy();
    }

    /** kill -9. */
    int kill() throws InterruptedException {
        process.destroyForcibly();
        return process.waitFor();
    }

    /** Whether the process ended within {@code millis}. */
    boolean endedWithin(long millis) throws InterruptedException {
        return process.waitFor(millis, TimeUnit.MILLISECONDS);
    }

    int waitFor(long timeoutSeconds) throws InterruptedException {
        if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("driver did not finish within " + timeoutSeconds + " s: " + String.join("\n", stderr));
        }
        return process.exitValue();
    }

    String stderr() {
        return String.join("\n", stderr);
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }
}
