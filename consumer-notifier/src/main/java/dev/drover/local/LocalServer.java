package dev.drover.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real server Drover starts for its demo and tests, in a process of its own on 127.0.0.1, its
 * data under a folder of its own (kept across {@link #stop()} and {@link #restart()}), its output
 * in a log there. Subclasses say how to start it and how to tell it answers.
 */
public abstract class LocalServer implements AutoCloseable {
    protected final Path dir;
    protected final int port;
    private Process process;

    protected LocalServer(Path dir, int port) {
        this.dir = dir;
        this.port = port;
    }

    /** What it is, for messages ("the local Kafka broker"). */
    protected abstract String name();

    /** The command line that runs it in the foreground. */
    protected abstract List<String> command() throws IOException;

    /** Where its output goes. */
    protected abstract Path log();

    /** Whether it serves requests yet (it listens at least). */
    protected abstract boolean answers();

    /** How long it may take to answer. */
    protected long startSeconds() {
        return 60;
    }

    public boolean running() {
        return process != null && process.isAlive();
    }

    /** Stops it (SIGTERM, as an operator would); its data stays for {@link #restart()}. */
    public void stop() {
        if (process == null) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        process = null;
    }

    /** Starts the stopped server again on the same port and data. */
    public void restart() {
        if (running()) {
            return;
        }
        try {
            launch();
        } catch (IOException e) {
            throw new UncheckedIOException("could not restart " + name() + " in " + dir, e);
        }
    }

    @Override
    public void close() {
        stop();
    }

    /** Starts it and returns once it answers; fails with its log's name when it exits or stays silent. */
    protected void launch() throws IOException {
        process = new ProcessBuilder(command()).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log().toFile())).start();
        Process started = process;
        Runtime.getRuntime().addShutdownHook(new Thread(started::destroy));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(startSeconds());
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name() + " exited with " + process.exitValue() + "; see " + log());
            }
            if (answers()) {
                return;
            }
            sleep(100);
        }
        stop();
        throw new IllegalStateException(name() + " did not answer on port " + port + " within " + startSeconds() + " s; see " + log());
    }

    /** Whether something accepts connections on {@code port} of 127.0.0.1. */
    protected static boolean listening(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    protected static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /**
     * JVM flags for a local server: it serves a demo's or a test's small load for minutes, so the
     * quick JIT tier and the serial collector leave the machine's cores to the work it serves,
     * where C2 compiler and parallel GC threads would compete for them.
     */
    protected static final List<String> SMALL_LOAD = List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC");

    protected static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        }
    }

    protected static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
