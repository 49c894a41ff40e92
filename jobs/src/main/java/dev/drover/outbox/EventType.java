package dev.drover.outbox;

import dev.drover.model.Labelled;

/**
 * What a consumer event tells: the migration it reads was {@code migrated} or {@code rolled-back},
 * or the source of its transition window {@code retired} (it has moved to the new version). The
 * CloudEvent's type is the notifier's prefix and this label.
 */
public enum EventType implements Labelled {
    MIGRATED, ROLLED_BACK, RETIRED;

    public static EventType parse(String label) {
        return Labelled.parse(EventType.class, label);
    }
}
