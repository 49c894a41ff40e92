package dev.drover.exec;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The work an application has before it: batches planned and not yet written, of every
 * migration running, plus what a wave has not started yet. The fleet's step policy reads it.
 */
public final class Backlog {
    private final AtomicLong batches = new AtomicLong();
    private final AtomicLong waiting = new AtomicLong();

    public void addBatches(long n) {
        batches.addAndGet(n);
    }

    public void batchesDone(long n) {
        batches.addAndGet(-n);
    }

    /** Migrations of a wave not started yet, each counted as one batch at least. */
    public void setWaiting(long n) {
        waiting.set(n);
    }

    public long pending() {
        return Math.max(0, batches.get()) + Math.max(0, waiting.get());
    }
}
