package dev.drover.e2e;

import dev.drover.testing.TestFiles;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A class-data sharing archive (the JDK's dynamic AppCDS) of the test classpath, for the driver
 * processes the tests start. A Drover process loads some 15,000 classes from 400 jars and verifies
 * their bytecode before it does any work; from the archive it maps them in ready-made (measured on
 * `drover status`: 3.1 s and 3.3 CPU-seconds without, 1.3 s and 1.5 with).
 *
 * <p>The archive is made once per build of the jars, by one small real migration run with
 * {@code -XX:ArchiveClassesAtExit}, and kept under {@code tests/target/class-archives/} named by a
 * fingerprint of the JDK and of every jar's path, size and time, so a rebuilt jar gets a new one
 * (and the one before is removed).
 * The JVM checks the classpath itself as well and, on any mismatch, runs without the archive. If
 * the archive cannot be made the tests go on without it; {@code -Ddrover.test.class-archive=false}
 * turns it off.
 */
final class ClassArchive {
    /** The test classpath's archive once asked for (empty: off, or it could not be made); null before. */
    private static Optional<Path> made;

    private ClassArchive() {}

    /** Whether driver processes get the archive: {@code -Ddrover.test.class-archive=false} turns it off. */
    static boolean enabled() {
        return Boolean.parseBoolean(System.getProperty("drover.test.class-archive", "true"));
    }

    /** The archive of the test classpath, made on first use; empty when off or when it could not be made. */
    static synchronized Optional<Path> ofTestClasspath() {
        if (made == null) {
            made = enabled() ? make(Project.testClasspath()) : Optional.empty();
        }
        return made;
    }

    /** {@code archiveFlag} with the archive's own log lines turned off: the JVM prints them on stdout, which tests read. */
    static List<String> flags(String archiveFlag) {
        return List.of(archiveFlag, "-Xlog:cds=off", "-Xlog:cds+dynamic=off");
    }

    private static Optional<Path> make(String classpath) {
        Path archive = Project.root().resolve("tests/target/class-archives").resolve(fingerprint(classpath) + ".jsa");
        if (Files.isRegularFile(archive)) {
            return Optional.of(archive);
        }
        long started = System.nanoTime();
        Path dir = null;
        try {
            Files.createDirectories(archive.getParent());
            dir = Files.createTempDirectory("drover-class-archive");
            // per process: two test JVMs (-Ddrover.test.forks=2) may make it at once
            Path partial = archive.resolveSibling(archive.getFileName() + ".partial-" + ProcessHandle.current().pid());
            E2eWorkspace ws = new E2eWorkspace(dir.resolve("ws"), 2_000, 2, 500, 1_000);
            List<String> command = Project.javaCommand(classpath, List.of(), flags("-XX:ArchiveClassesAtExit=" + partial));
            command.add("dev.drover.cli.DroverCli");
            command.addAll(ws.command("migrate", "users/V2"));
            Path output = dir.resolve("output.txt");
            ProcessBuilder builder = new ProcessBuilder(command).directory(Project.root().toFile())
                    .redirectErrorStream(true).redirectOutput(output.toFile());
            builder.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
            Process process = builder.start();
            if (!process.waitFor(5, TimeUnit.MINUTES)) {
                process.destroyForcibly().waitFor();
                return without("the migration that makes it ran over 5 minutes");
            }
            // exit 1 is a migration that failed its checks and rolled back: its classes are as good
            if (process.exitValue() > 1 || !Files.isRegularFile(partial)) {
                List<String> lines = Files.readAllLines(output, StandardCharsets.UTF_8);
                return without("the migration that makes it exited " + process.exitValue() + ": "
                        + String.join(" | ", lines.subList(Math.max(0, lines.size() - 5), lines.size())));
            }
            Files.move(partial, archive, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            removeOthers(archive);
            System.err.printf("tests: a class-data archive of the test classpath for driver processes, %d MB, made in %.1f s: %s%n",
                    Files.size(archive) >> 20, (System.nanoTime() - started) / 1e9, archive);
            return Optional.of(archive);
        } catch (IOException e) {
            return without(e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return without("interrupted");
        } finally {
            if (dir != null) {
                TestFiles.deleteTree(dir);
            }
        }
    }

    /**
     * The archives of earlier builds (some 150 MB each; a running process keeps its mapping of one),
     * and partial ones whose maker's process has ended.
     */
    private static void removeOthers(Path archive) throws IOException {
        try (var files = Files.list(archive.getParent())) {
            for (Path other : files.filter(f -> !f.equals(archive) && stale(f.getFileName().toString())).toList()) {
                Files.deleteIfExists(other);
            }
        }
    }

    private static boolean stale(String name) {
        int partial = name.lastIndexOf(".partial-");
        if (partial < 0) {
            return name.endsWith(".jsa");
        }
        try {
            return ProcessHandle.of(Long.parseLong(name.substring(partial + ".partial-".length()))).isEmpty();
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static Optional<Path> without(String why) {
        System.err.println("tests: driver processes start without a class-data archive: " + why);
        return Optional.empty();
    }

    /** The JDK and every jar of the classpath with its size and time: what the archive was made from. */
    private static String fingerprint(String classpath) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            StringBuilder text = new StringBuilder(System.getProperty("java.home")).append('|').append(System.getProperty("java.vm.version"));
            for (String entry : classpath.split(File.pathSeparator)) {
                File file = new File(entry);
                text.append('|').append(entry);
                if (file.isFile()) {
                    text.append(',').append(file.length()).append(',').append(file.lastModified());
                }
            }
            return HexFormat.of().formatHex(digest.digest(text.toString().getBytes(StandardCharsets.UTF_8))).substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
