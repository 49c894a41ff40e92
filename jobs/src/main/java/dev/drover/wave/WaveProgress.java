package dev.drover.wave;

import dev.drover.config.DroverConfig;
import dev.drover.ledger.WaveRunRecord;
import java.io.PrintStream;

/**
 * A wave's console: on a terminal one line redrawn in place (migrations done, running, failed,
 * rows/s); otherwise, for logs, one line per migration as it ends.
 */
final class WaveProgress {
    private final PrintStream out;
    private final boolean live;
    private final String waveId;
    private final int total;
    private final long started = System.nanoTime();
    private int done;
    private int running;
    private int failed;
    private long rows;

    WaveProgress(PrintStream out, DroverConfig.Progress mode, String waveId, int total) {
        this.out = out;
        this.live = switch (mode) {
            case ALWAYS -> true;
            case NEVER -> false;
            case AUTO -> System.console() != null;
        };
        this.waveId = waveId;
        this.total = total;
    }

    synchronized void started() {
        running++;
        redraw();
    }

    synchronized void ended(WaveRunRecord run, boolean wasRunning) {
        if (wasRunning) {
            running--;
        }
        done++;
        if (!run.outcome().passed()) {
            failed++;
        }
        rows += run.rowsWritten();
        if (live) {
            redraw();
        } else {
            out.printf("wave %s: [%d/%d] %s %s%s%s%n", waveId, done, total, run.migration(), run.outcome().label(),
                    run.runId().isEmpty() ? "" : String.format(" (run %s, %,d rows, %.1f s)", run.runId(), run.rowsWritten(), run.seconds()),
                    run.outcome().passed() || run.message().isEmpty() ? "" : ": " + run.message());
        }
    }

    synchronized void finish() {
        if (live) {
            out.println();
        }
    }

    private void redraw() {
        if (!live) {
            return;
        }
        double seconds = Math.max(0.001, (System.nanoTime() - started) / 1e9);
        out.printf("\r[wave %s] %d/%d done, %d running, %d failed  %,d rows  %,.0f rows/s   ", waveId, done, total, running, failed,
                rows, rows / seconds);
        out.flush();
    }
}
