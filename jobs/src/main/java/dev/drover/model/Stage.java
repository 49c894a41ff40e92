package dev.drover.model;

import java.util.List;

/**
 * What a run does, in order: the four stages of the template (analyze, transform, test, deploy),
 * and the verbs that act on a run later (validate, rollback); a transition window's sync (one MERGE
 * of v1's changes into v2) and retire. The ledger's {@code stages} table
 * and every commit's {@code userMetadata} name them by label. The test stage keeps its
 * user-facing name; its code lives in the {@code verify} package.
 */
public enum Stage implements Labelled {
    ANALYZE, TRANSFORM, TEST, DEPLOY, VALIDATE, ROLLBACK, SYNC, RETIRE;

    /** The stages a migration template describes, in order. */
    public static final List<Stage> TEMPLATE = List.of(ANALYZE, TRANSFORM, TEST, DEPLOY);

    public static Stage parse(String label) {
        return Labelled.parse(Stage.class, label);
    }
}
