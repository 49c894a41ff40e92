package dev.drover.model;

/** What a check of the test stage looks at. */
public enum CheckKind implements Labelled {
    /** source against target: counts, keys, column checksums, removed shares, Delta's own file statistics */
    RECONCILIATION,
    /** a declared invariant: a target aggregate against the source's or a value */
    INVARIANT,
    /** the quarantine policy */
    QUARANTINE,
    /** rows a per-row step recovered by retrying (a warning, never a failure) */
    RETRY,
    /** the declared schema and the schema change */
    SCHEMA,
    /** a declared Deequ constraint */
    CONSTRAINT,
    /** the row count against the dataset's previous passing run */
    ANOMALY;

    public static CheckKind parse(String label) {
        return Labelled.parse(CheckKind.class, label);
    }
}
