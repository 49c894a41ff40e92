package dev.drover.model;

/**
 * Where a sync of a transition window stands: {@code running} from before it touches v2 until it
 * ends (a killed sync is found so and resumed), {@code succeeded} when its range is in v2 and
 * proven, {@code failed} when v2 was restored to its version before the sync (the next sync takes
 * the same range again).
 */
public enum SyncStatus implements Labelled {
    RUNNING, SUCCEEDED, FAILED;

    public static SyncStatus parse(String label) {
        return Labelled.parse(SyncStatus.class, label);
    }
}
