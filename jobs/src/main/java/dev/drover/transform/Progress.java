package dev.drover.transform;

import dev.drover.config.DroverConfig;
import java.io.PrintStream;

/**
 * A one-line progress display for long runs (batches done/total, rows/s), redrawn in place on
 * a terminal and silent when output is not one, unless configured otherwise.
 */
public final class Progress {
    private final PrintStream out;
    private final boolean enabled;
    private final long started = System.nanoTime();
    private long rows;

    public Progress(PrintStream out, DroverConfig.Progress mode) {
        this.out = out;
        this.enabled = switch (mode) {
            case ALWAYS -> true;
            case NEVER -> false;
            case AUTO -> System.console() != null;
        };
    }

    public void batch(int done, int total, long batchRows) {
        rows += batchRows;
        if (!enabled) {
            return;
        }
        double seconds = Math.max(0.001, (System.nanoTime() - started) / 1e9);
        out.printf("\r[transform] batch %d/%d  %,d rows  %,.0f rows/s   ", done, total, rows, rows / seconds);
        if (done == total) {
            out.println();
        }
        out.flush();
    }
}
