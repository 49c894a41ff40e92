package dev.drover.model;

/**
 * One change of the fleet: an executor {@code added} or {@code removed} by Spark's dynamic
 * allocation, or executors {@code requested} by the step policy.
 */
public enum FleetEvent implements Labelled {
    ADDED, REMOVED, REQUESTED;
}
