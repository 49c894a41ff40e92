package dev.drover.exec;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Wall-clock seconds spent per phase of a run (analyze, batch writes, ledger, test, …), in
 * the order first seen. Shown by {@code migrate --timings} and the benchmark's breakdown.
 */
public final class Timings {
    private final Map<String, Double> seconds = new LinkedHashMap<>();

    public <T> T time(String phase, Supplier<T> work) {
        long start = System.nanoTime();
        try {
            return work.get();
        } finally {
            add(phase, (System.nanoTime() - start) / 1e9);
        }
    }

    public void time(String phase, Runnable work) {
        time(phase, () -> {
            work.run();
            return null;
        });
    }

    public synchronized void add(String phase, double s) {
        seconds.merge(phase, s, Double::sum);
    }

    public synchronized Map<String, Double> seconds() {
        return Collections.unmodifiableMap(new LinkedHashMap<>(seconds));
    }
}
