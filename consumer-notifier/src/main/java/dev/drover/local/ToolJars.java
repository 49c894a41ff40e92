package dev.drover.local;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The jars of a local server Drover starts for its demo and tests (Kafka, s3proxy), resolved by
 * Maven once from an embedded throwaway pom ({@code mvn dependency:copy-dependencies}) into
 * {@code ~/.cache/drover/<name>-<version>/lib}, or {@code <$home>/lib} when the environment
 * variable {@code home} names a folder (CI keeps them inside the clone).
 */
public final class ToolJars {
    private ToolJars() {}

    public static synchronized Path resolve(String name, String version, String pomResource, String homeVariable) throws IOException {
        String home = System.getenv(homeVariable);
        Path base = home != null && !home.isBlank() ? Path.of(home)
                : Path.of(System.getProperty("user.home"), ".cache", "drover", name + "-" + version);
        Path lib = base.resolve("lib");
        Path done = base.resolve(".resolved");
        if (Files.exists(done)) {
            return lib;
        }
        Files.createDirectories(base);
        try (InputStream pom = ToolJars.class.getResourceAsStream(pomResource)) {
            Files.copy(pom, base.resolve("pom.xml"), StandardCopyOption.REPLACE_EXISTING);
        }
        System.err.println("drover: resolving the " + name + " " + version + " jars with Maven into " + lib + " (once) ...");
        List<String> mvn = new ArrayList<>(List.of("mvn", "-q", "-B"));
        if (Boolean.getBoolean("drover.mvn.offline")) {
            mvn.add("-o");
        }
        mvn.addAll(List.of("-f", base.resolve("pom.xml").toString(), "dependency:copy-dependencies", "-DoutputDirectory=" + lib));
        Process p = new ProcessBuilder(mvn).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(base.resolve("resolve.log").toFile())).start();
        try {
            if (!p.waitFor(15, TimeUnit.MINUTES) || p.exitValue() != 0) {
                throw new IllegalStateException("Maven could not resolve the " + name + " jars; see " + base.resolve("resolve.log"));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
        Files.writeString(done, version);
        return lib;
    }
}
