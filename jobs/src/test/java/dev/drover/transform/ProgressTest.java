package dev.drover.transform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.drover.config.DroverConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ProgressTest {
    @Test
    void redrawsOneLineWithBatchesAndRowsAndEndsItAtTheLastBatch() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Progress progress = new Progress(new PrintStream(bytes, true, StandardCharsets.UTF_8), DroverConfig.Progress.ALWAYS);
        progress.batch(1, 2, 1_000);
        progress.batch(2, 2, 500);
        String text = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(text.startsWith("\r[transform] batch 1/2  1,000 rows"), text);
        assertTrue(text.contains("\r[transform] batch 2/2  1,500 rows"), text);
        assertTrue(text.endsWith("\n"), text);
        assertEquals(1, text.chars().filter(c -> c == '\n').count());
    }

    @Test
    void isQuietWhenOutputIsNotATerminalOrWhenTurnedOff() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        new Progress(new PrintStream(bytes), DroverConfig.Progress.NEVER).batch(1, 1, 10);
        new Progress(new PrintStream(bytes), DroverConfig.Progress.AUTO).batch(1, 1, 10); // tests run without a console
        assertEquals(0, bytes.size());
    }
}
