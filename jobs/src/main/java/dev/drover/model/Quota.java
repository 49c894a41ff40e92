package dev.drover.model;

/**
 * A migration's share of an application that runs many at once: its FAIR scheduler pool's
 * {@code weight} and {@code minShare} (tasks the pool gets before weights count), and the most
 * tasks its jobs run at once ({@code maxTasks}, 0 for no limit).
 */
public record Quota(int weight, int minShare, int maxTasks) {
    public Quota {
        if (weight < 1) {
            throw new IllegalArgumentException("weight must be 1 or more, got " + weight);
        }
        if (minShare < 0 || maxTasks < 0) {
            throw new IllegalArgumentException("minShare and maxTasks must be 0 or more");
        }
    }

    public boolean limitsTasks() {
        return maxTasks > 0;
    }

    /** Batches a migration writes at once under this quota, of the {@code wanted} ones. */
    public int parallelBatches(int wanted) {
        return limitsTasks() ? Math.max(1, Math.min(wanted, maxTasks)) : wanted;
    }

    /** Partitions of each of {@code parallel} batch jobs running at once, so their tasks stay within the quota; 0 when unlimited. */
    public int partitionsPerBatch(int parallel) {
        return limitsTasks() ? Math.max(1, maxTasks / Math.max(1, parallel)) : 0;
    }
}
