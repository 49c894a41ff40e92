package dev.drover.config;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * {@code drover.fleet}: Spark dynamic allocation for cluster masters (executors come and go with
 * the work; shuffle tracking, no external shuffle service) and the step policy on top of it.
 */
public record FleetSettings(boolean dynamicAllocation, int minExecutors, int maxExecutors, Duration idleTimeout,
                            int scaleUpBacklog, Duration scaleUpAfter, int scaleUpStep, Duration policyInterval) {
    public FleetSettings {
        requireNonNull(idleTimeout, "idleTimeout is null");
        requireNonNull(scaleUpAfter, "scaleUpAfter is null");
        requireNonNull(policyInterval, "policyInterval is null");
        if (minExecutors < 0 || maxExecutors < Math.max(1, minExecutors)) {
            throw new IllegalArgumentException("expected 0 <= min-executors <= max-executors, max-executors >= 1");
        }
    }
}
