package dev.drover.model;

/**
 * What happened to a transition window besides its syncs: v1's change data feed turned on
 * ({@code migrate --enable-cdf}), a consumer declared moved by a person ({@code transition --moved};
 * acknowledgements come from the outbox), the window retired.
 */
public enum TransitionEvent implements Labelled {
    CDF_ENABLED, MOVED, RETIRED;

    public static TransitionEvent parse(String label) {
        return Labelled.parse(TransitionEvent.class, label);
    }
}
