package dev.drover.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The driver processes' class-data archive is used, not just made: the JVM drops an archive
 * silently when the classpath does not start with the archived jars, and the suite would only get
 * slower.
 */
class ClassArchiveTest {
    @TempDir
    Path tmp;

    @Test
    void aDriverProcessLoadsDroversClassesFromTheArchiveAndPrintsNothingOfItsOwn() throws Exception {
        assumeTrue(ClassArchive.enabled(), "the archive is turned off");
        assertTrue(ClassArchive.ofTestClasspath().isPresent(), "the archive was made (see the test output for why not)");

        List<String> plain = new ArrayList<>(Project.javaCommand(Project.testClasspath(), List.of()));
        plain.addAll(List.of("dev.drover.cli.DroverCli", "--help"));
        List<String> logged = new ArrayList<>(plain);
        logged.add(1, "-Xlog:class+load=info:file=" + tmp.resolve("classes.log"));

        String help = run(plain, "help.out");
        assertTrue(help.startsWith("Usage: drover"), "stdout is the command's own, no JVM lines before it: " + help.lines().findFirst().orElse(""));
        assertEquals(help, run(logged, "help-logged.out"));
        List<String> loads = Files.readAllLines(tmp.resolve("classes.log"), StandardCharsets.UTF_8);
        long shared = loads.stream().filter(l -> l.contains("source: shared objects file")).count();
        long drover = loads.stream().filter(l -> l.contains(" dev.drover.") && l.contains("source: shared objects file")).count();
        assertTrue(shared > loads.size() / 2, shared + " of " + loads.size() + " classes came from the archive");
        assertTrue(drover > 0, "Drover's own classes (in the jobs jar) came from the archive");
    }

    private String run(List<String> command, String out) throws Exception {
        Path stdout = tmp.resolve(out);
        try (Driver driver = Driver.start(command, stdout)) {
            assertEquals(0, driver.waitFor(120), driver.stderr());
        }
        return Files.readString(stdout, StandardCharsets.UTF_8);
    }
}
