package dev.drover.spec;

import static java.util.Objects.requireNonNull;

import dev.drover.model.ConstraintSpec;
import dev.drover.model.Labelled;
import java.util.List;
import java.util.Optional;

/**
 * A spec's {@code checks} block: the quarantine policy (ratio and absolute count; negative =
 * not set, the config's defaults apply), the declared compatibility of the schema change,
 * invariants of transformed columns, constraints on the target (added to the catalog's), and
 * the largest row-count change against the dataset's previous run before it counts as an
 * anomaly (negative = the config's default), and the columns SQL or Java steps change in place
 * (source or target names), which are then not checksummed against the source, and whether the
 * test stage reads the whole target back (empty: the config's {@code drover.checks.read-back}).
 */
public record ChecksSpec(double maxQuarantineRatio, long maxQuarantineRows, Optional<Compatibility> compatibility,
                         List<InvariantSpec> invariants, List<ConstraintSpec> constraints, double rowCountMaxChange,
                         List<String> changed, Optional<Boolean> readBack) {
    public enum Compatibility implements Labelled {
        BREAKING, NON_BREAKING;
    }

    public static final ChecksSpec NONE = new ChecksSpec(-1, -1, Optional.empty(), List.of(), List.of(), -1, List.of(), Optional.empty());

    public ChecksSpec {
        requireNonNull(compatibility, "compatibility is null");
        invariants = List.copyOf(invariants);
        constraints = List.copyOf(constraints);
        changed = List.copyOf(changed);
        requireNonNull(readBack, "readBack is null");
    }
}
