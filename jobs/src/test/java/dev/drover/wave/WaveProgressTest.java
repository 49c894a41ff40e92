package dev.drover.wave;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.drover.config.DroverConfig;
import dev.drover.ledger.WaveRunRecord;
import dev.drover.model.WaveOutcome;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class WaveProgressTest {
    private static WaveRunRecord ended(String migration, WaveOutcome outcome, long rows, String message) {
        return new WaveRunRecord("w1", migration, outcome == WaveOutcome.SKIPPED ? "" : "r-" + migration, outcome, rows, 0, 2.5,
                message, Instant.now());
    }

    @Test
    void onATerminalOneLineIsRedrawnWithDoneRunningFailedAndRows() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        WaveProgress progress = new WaveProgress(new PrintStream(bytes, true), DroverConfig.Progress.ALWAYS, "w1", 3);
        progress.started();
        progress.started();
        progress.ended(ended("a/V1", WaveOutcome.PASSED, 1_000, ""), true);
        progress.ended(ended("b/V1", WaveOutcome.FAILED, 0, "checks failed"), true);
        progress.finish();
        String text = bytes.toString();
        String last = text.substring(text.lastIndexOf('\r') + 1).trim();
        assertTrue(last.startsWith("[wave w1] 2/3 done, 0 running, 1 failed  1,000 rows"), last);
        assertTrue(text.contains("[wave w1] 0/3 done, 2 running, 0 failed"), text);
        assertEquals(1, text.chars().filter(c -> c == '\n').count(), "one line, redrawn in place: " + text);
    }

    @Test
    void forLogsOneLinePerMigrationWithWhyItDidNotPass() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        WaveProgress progress = new WaveProgress(new PrintStream(bytes, true), DroverConfig.Progress.NEVER, "w1", 2);
        progress.started();
        progress.ended(ended("a/V1", WaveOutcome.PASSED, 1_000, ""), true);
        progress.ended(ended("b/V1", WaveOutcome.SKIPPED, 0, "waits for a/V0, which failed"), false);
        progress.finish();
        assertEquals(String.join("\n",
                "wave w1: [1/2] a/V1 passed (run r-a/V1, 1,000 rows, 2.5 s)",
                "wave w1: [2/2] b/V1 skipped: waits for a/V0, which failed", ""), bytes.toString());
    }
}
