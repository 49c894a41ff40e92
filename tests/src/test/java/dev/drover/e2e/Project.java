package dev.drover.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/** The project checkout, and what driver subprocesses need to start like a user's would. */
final class Project {
    static final List<String> JAVA17_OPENS = Stream.of("java.lang", "java.lang.invoke", "java.lang.reflect", "java.io",
                    "java.net", "java.nio", "java.util", "java.util.concurrent", "java.util.concurrent.atomic",
                    "sun.nio.ch", "sun.nio.cs", "sun.security.action", "sun.util.calendar")
            .map(p -> "--add-opens=java.base/" + p + "=ALL-UNNAMED").toList();

    private Project() {}

    static Path root() {
        return Path.of(System.getProperty("drover.root", "..")).toAbsolutePath().normalize();
    }

    static Path conf() {
        return root().resolve("conf");
    }

    /**
     * This module's test classpath (Spark, Delta, Drover, test classes), written by the build. The jars
     * come first and this module's class folders last: a class-data archive covers jars only, and the
     * JVM uses one only while the archived entries are a prefix of the classpath.
     */
    static String testClasspath() {
        try {
            String deps = Files.readString(Path.of(System.getProperty("drover.test.classpath"))).trim();
            return deps + ":" + root().resolve("tests/target/test-classes") + ":" + root().resolve("tests/target/classes");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /**
     * JVM flags for the tests' short-lived driver processes (a few seconds to a minute each, two
     * cores shared by all): the quick JIT tier only and the serial collector, so a process spends
     * its CPU on its work rather than on C2 compiler and parallel GC threads. Off with
     * {@code -Ddrover.test.jvm-flags=} (empty).
     */
    static final String PROCESS_FLAGS = System.getProperty("drover.test.jvm-flags", "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC");

    /** java + Spark's Java 17 flags + loopback binding, ready for a main class and its arguments. */
    static List<String> javaCommand(String classpath, List<String> systemProperties) {
        List<String> archive = classpath.equals(testClasspath())
                ? ClassArchive.ofTestClasspath().map(a -> ClassArchive.flags("-XX:SharedArchiveFile=" + a)).orElse(List.of())
                : List.of();
        return javaCommand(classpath, systemProperties, archive);
    }

    /** As {@link #javaCommand(String, List)}, with {@code jvmFlags} in place of the class-data archive's. */
    static List<String> javaCommand(String classpath, List<String> systemProperties, List<String> jvmFlags) {
        List<String> command = new ArrayList<>(List.of(java(), "-Xmx1500m"));
        for (String flag : PROCESS_FLAGS.trim().split("\\s+")) {
            if (!flag.isEmpty()) {
                command.add(flag);
            }
        }
        command.addAll(jvmFlags);
        command.addAll(JAVA17_OPENS);
        command.add("-Dspark.driver.host=127.0.0.1");
        command.add("-Dspark.driver.bindAddress=127.0.0.1");
        command.add("-Dlog4j2.configurationFile=" + root().resolve("submit/log4j2.properties"));
        command.addAll(systemProperties);
        command.add("-cp");
        command.add(classpath);
        return command;
    }

    static void copyTree(Path from, Path to) {
        dev.drover.testing.TestFiles.copyTree(from, to);
    }

    /** Every file below a folder, as relative paths with sizes; empty when it does not exist. */
    static List<String> listing(Path dir) {
        if (!Files.exists(dir)) {
            return List.of();
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.filter(Files::isRegularFile).sorted(Comparator.naturalOrder())
                    .map(p -> dir.relativize(p) + " " + p.toFile().length()).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
