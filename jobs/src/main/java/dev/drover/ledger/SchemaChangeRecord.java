package dev.drover.ledger;

import static java.util.Objects.requireNonNull;

import dev.drover.model.ColumnChange;
import java.time.Instant;
import java.util.Optional;

/** One column of a run's schema contract, as the test stage classified it. */
public record SchemaChangeRecord(String runId, Optional<String> fromColumn, Optional<String> toColumn,
                                 Optional<String> fromType, Optional<String> toType, Optional<Boolean> fromNullable,
                                 Optional<Boolean> toNullable, String kinds, boolean breaking, Instant eventTime) {
    public SchemaChangeRecord {
        requireNonNull(runId, "runId is null");
        requireNonNull(kinds, "kinds is null");
        requireNonNull(eventTime, "eventTime is null");
    }

    public static SchemaChangeRecord of(String runId, ColumnChange c, Instant at) {
        return new SchemaChangeRecord(runId, Optional.ofNullable(c.from()), Optional.ofNullable(c.to()),
                Optional.ofNullable(c.fromType()), Optional.ofNullable(c.toType()), Optional.ofNullable(c.fromNullable()),
                Optional.ofNullable(c.toNullable()), c.kind(), c.breaking(), at);
    }

    /** The column's name in the new version, else in the old. */
    public String column() {
        return toColumn.or(() -> fromColumn).orElse("");
    }
}
