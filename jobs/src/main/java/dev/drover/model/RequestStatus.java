package dev.drover.model;

/**
 * Where a request to the agent stands (the ledger's {@code requests} table, and the replies):
 * accepted (recorded, waiting its turn), started (its run began), then one of the ends.
 */
public enum RequestStatus implements Labelled {
    ACCEPTED, STARTED, SUCCEEDED, FAILED, ROLLED_BACK, REFUSED;

    public boolean ended() {
        return this != ACCEPTED && this != STARTED;
    }
}
