package dev.drover.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** submit/cron/drover-cron started twice at once runs the real CLI once at a time: the second exits 3, or waits. */
class CronWrapperTest {
    @TempDir
    Path tmp;

    @Test
    void twoRunsAtOnceNeverOverlap() throws Exception {
        E2eWorkspace ws = new E2eWorkspace(tmp.resolve("ws"), 2_000, 2, 0, 1_000);
        Path drover = tmp.resolve("drover");
        List<String> java = Project.javaCommand(Project.testClasspath(), List.of());
        StringBuilder script = new StringBuilder("#!/usr/bin/env bash\nexec");
        for (String part : java) {
            script.append(" '").append(part.replace("'", "'\\''")).append('\'');
        }
        script.append(" dev.drover.cli.DroverCli \"$@\"\n");
        Files.writeString(drover, script);
        drover.toFile().setExecutable(true);
        Path lock = tmp.resolve("drover.lock");
        Path log = tmp.resolve("cron.log");

        List<String> args = new ArrayList<>(List.of("--lock", lock.toString(), "--log", log.toString(), "--"));
        args.addAll(ws.command("wave", "--plan"));
        Process first = cron(drover, args);
        waitForLine(log, "=== ", 60);   // the first holds the lock now
        Process second = cron(drover, args);
        assertTrue(second.waitFor(60, TimeUnit.SECONDS));
        String secondErr = new String(second.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(3, second.exitValue(), secondErr);
        assertTrue(secondErr.contains("another run holds " + lock), secondErr);

        List<String> waiting = new ArrayList<>(List.of("--wait", "300"));
        waiting.addAll(args);
        Process third = cron(drover, waiting);
        assertTrue(first.waitFor(300, TimeUnit.SECONDS));
        assertEquals(0, first.exitValue(), new String(first.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
        assertTrue(third.waitFor(300, TimeUnit.SECONDS));
        assertEquals(0, third.exitValue(), new String(third.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));

        // the log: two runs, one after the other, each a real dry run of the wave
        List<String> marks = Files.readAllLines(log).stream().filter(l -> l.startsWith("=== ")).toList();
        assertEquals(4, marks.size(), String.join("\n", marks));
        assertTrue(marks.get(0).contains("drover --conf-dir") && marks.get(1).endsWith("exit 0")
                && marks.get(2).contains("drover --conf-dir") && marks.get(3).endsWith("exit 0"), String.join("\n", marks));
        String text = Files.readString(log);
        assertEquals(2, text.split("Nothing was written \\(dry run\\)", -1).length - 1, text);
    }

    private static Process cron(Path drover, List<String> args) throws IOException {
        List<String> command = new ArrayList<>(List.of(Project.root().resolve("submit/cron/drover-cron").toString()));
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command).directory(Project.root().toFile());
        builder.environment().put("DROVER", drover.toString());
        builder.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
        return builder.start();
    }

    private static void waitForLine(Path file, String prefix, int seconds) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline) {
            if (Files.exists(file) && Files.readAllLines(file).stream().anyMatch(l -> l.startsWith(prefix))) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no '" + prefix + "' line in " + file);
    }
}
