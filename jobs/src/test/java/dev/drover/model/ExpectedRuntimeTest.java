package dev.drover.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ExpectedRuntimeTest {
    private static Optional<Duration> bound(String text, long rows, int cores) {
        return ExpectedRuntime.bound(text, rows, cores, Map.of(Stage.TRANSFORM, Duration.ofSeconds(80)));
    }

    @Test
    void plainAmounts() {
        assertEquals(Optional.of(Duration.ofMinutes(1)), bound("under 1 minute", 10, 1));
        assertEquals(Optional.of(Duration.ofMinutes(1)), bound("Under a minute", 10, 1));
        assertEquals(Optional.of(Duration.ofMillis(2500)), bound("about 2.5 seconds", 10, 1));
        assertEquals(Optional.of(Duration.ofHours(2)), bound("up to 2 hours", 10, 1));
        assertEquals(Optional.of(Duration.ofSeconds(59)), bound("seconds", 10, 1));
    }

    @Test
    void scaledByRowsAndCores() {
        String text = "about 1 minute per 5 million rows per executor core";
        assertEquals(Optional.of(Duration.ofMinutes(1)), bound(text, 10_000, 1), "one unit at least");
        assertEquals(Optional.of(Duration.ofMinutes(3)), bound(text, 12_000_000, 1), "12M rows: three units of 5M");
        assertEquals(Optional.of(Duration.ofSeconds(45)), bound(text, 12_000_000, 4), "over four cores");
    }

    @Test
    void aShareOfAnotherStage() {
        assertEquals(Optional.of(Duration.ofSeconds(20)), bound("under a quarter of the transform time", 10, 1));
        assertEquals(Optional.of(Duration.ofSeconds(8)), bound("10% of the transform time", 10, 1));
        assertEquals(Optional.empty(), bound("half of the deploy time", 10, 1), "no deploy duration known");
        assertEquals(Optional.empty(), bound("half of the lunch time", 10, 1), "no such stage");
    }

    @Test
    void wordsItCannotReadHaveNoBound() {
        assertEquals(Optional.empty(), bound("depends on the cluster", 10, 1));
        assertEquals(Optional.empty(), bound("", 10, 1));
        assertEquals(Optional.empty(), ExpectedRuntime.bound(null, 10, 1, Map.of()));
    }
}
