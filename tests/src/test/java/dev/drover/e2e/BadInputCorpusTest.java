package dev.drover.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.drover.demo.DemoData;
import dev.drover.testing.SharedSpark;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/** Every case under tests/bad-input: exit 2 (or its {@code exit} file's), one line naming file and field, nothing written. */
class BadInputCorpusTest {
    @TempDir
    Path tmp;

    @TestFactory
    Stream<DynamicTest> eachMalformedInputIsRefusedWithOneLineAndExitTwo() throws IOException {
        SharedSpark.session();
        List<Path> cases;
        try (Stream<Path> list = Files.list(Project.root().resolve("tests/bad-input"))) {
            cases = list.filter(Files::isDirectory).sorted().toList();
        }
        assertTrue(cases.size() >= 25, "corpus has " + cases.size() + " cases");
        return cases.stream().map(c -> DynamicTest.dynamicTest(c.getFileName().toString(), () -> check(c)));
    }

    private void check(Path testCase) throws IOException {
        Path work = tmp.resolve(testCase.getFileName().toString());
        Path conf = work.resolve("conf");
        Project.copyTree(Project.conf(), conf);
        if (Files.isDirectory(testCase.resolve("conf"))) {
            Project.copyTree(testCase.resolve("conf"), conf);
        }
        Path warehouse = work.resolve("warehouse");
        if (Files.exists(testCase.resolve("with-data"))) {
            DemoData.write(SharedSpark.session(), warehouse.toUri().toString(), 500, 5, 0);
            // "cdf=off": users-v1 does not record its changes (its change data feed turned off)
            if (Files.readString(testCase.resolve("with-data")).contains("cdf=off")) {
                SharedSpark.session().sql("ALTER TABLE delta.`" + warehouse.resolve("users_v1").toUri()
                        + "` SET TBLPROPERTIES (delta.enableChangeDataFeed = false)");
            }
        }
        List<String> before = Project.listing(work);
        // "with-broker": a fresh Kafka broker of its own (topic auto-creation on, no agent ever ran), as {kafka}
        dev.drover.notify.LocalKafka broker = Files.exists(testCase.resolve("with-broker"))
                ? dev.drover.notify.LocalKafka.start(tmp.resolve("kafka-" + testCase.getFileName()), true) : null;
        try {
            check(testCase, conf, warehouse, work, before, broker == null ? "" : broker.bootstrapServers());
        } finally {
            if (broker != null) {
                broker.stop();
            }
        }
    }

    private void check(Path testCase, Path conf, Path warehouse, Path work, List<String> before, String kafka) throws IOException {

        List<String> args = new ArrayList<>(List.of("--conf", "drover.warehouse=" + warehouse, "--conf", "drover.progress=never"));
        for (String line : Files.readAllLines(testCase.resolve("args"))) {
            if (!line.isEmpty()) {
                args.add(line.replace("{conf}", conf.toString()).replace("{kafka}", kafka));
            }
        }
        String expected = Files.readString(testCase.resolve("expect")).trim();
        Cli result = Cli.run(args);

        // "exit": a case whose refusal is not bad input keeps its own documented exit code
        int exit = Files.exists(testCase.resolve("exit")) ? Integer.parseInt(Files.readString(testCase.resolve("exit")).trim()) : 2;
        assertEquals(exit, result.exitCode(), "exit code; stderr: " + result.err() + " stdout: " + result.out());
        assertEquals(1, result.errLines().size(), "one line on stderr, got: " + result.err());
        assertTrue(result.errLines().get(0).contains(expected),
                "stderr should contain [" + expected + "] but was [" + result.errLines().get(0) + "]");
        assertEquals(before, Project.listing(work), "nothing may be written");
    }
}
