package dev.drover.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Setting spec.lifecycle in a catalog file keeps every other line as it was. */
class CatalogEditTest {
    private static final String FILE = """
            # Datasets
            apiVersion: backstage.io/v1alpha1
            kind: Resource
            metadata:
              name: users-v1
            spec:
              type: dataset   # the kind of resource
              owner: group:identity
            ---
            apiVersion: backstage.io/v1alpha1
            kind: Resource
            metadata: {name: users-v2}
            spec:
                type: dataset
                lifecycle: experimental
            """;

    @Test
    void addsTheLifecycleUnderTheEntitysSpecOnly() {
        String edited = CatalogEdit.withLifecycle(FILE, "users-v1", "deprecated").orElseThrow();
        assertEquals(FILE.replace("spec:\n  type: dataset   #", "spec:\n  lifecycle: deprecated\n  type: dataset   #"), edited);
    }

    @Test
    void replacesAnExistingLifecycleAtTheSpecsIndentation() {
        String edited = CatalogEdit.withLifecycle(FILE, "users-v2", "deprecated").orElseThrow();
        assertEquals(FILE.replace("    lifecycle: experimental", "    lifecycle: deprecated"), edited);
        assertTrue(edited.contains("# Datasets") && edited.contains("type: dataset   # the kind of resource"));
    }

    @Test
    void findsNothingForAnUnknownEntity() {
        assertEquals(Optional.empty(), CatalogEdit.withLifecycle(FILE, "users-v9", "deprecated"));
    }
}
