package dev.drover.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.drover.config.FleetSettings;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SessionsTest {
    @Test
    void dynamicAllocationReleasesIdleExecutorsEvenWithCachedDataOrShuffleFiles() {
        Map<String, String> conf = Sessions.dynamicAllocation(new FleetSettings(true, 1, 6, Duration.ofSeconds(45), 8,
                Duration.ofSeconds(10), 2, Duration.ofSeconds(1)));
        assertEquals("true", conf.get("spark.dynamicAllocation.enabled"));
        assertEquals("true", conf.get("spark.dynamicAllocation.shuffleTracking.enabled"));
        assertEquals("1", conf.get("spark.dynamicAllocation.minExecutors"));
        assertEquals("6", conf.get("spark.dynamicAllocation.maxExecutors"));
        // Delta caches snapshot state on executors: without these two, no executor ever idles out
        assertEquals("45000ms", conf.get("spark.dynamicAllocation.cachedExecutorIdleTimeout"));
        assertEquals("45000ms", conf.get("spark.dynamicAllocation.shuffleTracking.timeout"));
        assertEquals("45000ms", conf.get("spark.dynamicAllocation.executorIdleTimeout"));
    }
}
