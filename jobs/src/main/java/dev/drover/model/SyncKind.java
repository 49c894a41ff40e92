package dev.drover.model;

/**
 * What a sync record is: a {@code sync} of v1's changes into v2 (one MERGE), a {@code verify}
 * (the periodic full comparison of v2 with the steps over v1 at the last synced version, which
 * writes nothing), or a {@code resnapshot} (the whole migration run again into v2 from v1's latest
 * version, when v1's change data feed cannot serve a range).
 */
public enum SyncKind implements Labelled {
    SYNC, VERIFY, RESNAPSHOT;

    public static SyncKind parse(String label) {
        return Labelled.parse(SyncKind.class, label);
    }
}
