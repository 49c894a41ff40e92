package dev.drover.spec;

import static java.util.Objects.requireNonNull;

import dev.drover.model.Labelled;
import java.util.Optional;

/**
 * How a migration is cut into batches: by partition values, by ranges of a numeric key, or by
 * row count (hash of the primary key); {@code auto} picks partition when the source is
 * partitioned, else key-range on a single numeric key, else rows.
 */
public record BatchingSpec(By by, Optional<Long> maxRows, Optional<String> column) {
    public enum By implements Labelled { AUTO, PARTITION, KEY_RANGE, ROWS }

    public BatchingSpec {
        requireNonNull(by, "by is null");
        requireNonNull(maxRows, "maxRows is null");
        requireNonNull(column, "column is null");
    }
}
