package dev.drover.measure;

import java.math.BigDecimal;
import java.util.Map;
import java.util.Optional;

/**
 * What the rows written are known to hold, from the counts and ranges a proof observes anyway:
 * how many rows, the nulls of some columns, the least and greatest value of others. A column
 * missing from a map is one nobody counted (or, for a range, one with no value to order); the
 * constraints that would need it are then measured by Deequ itself.
 */
public record ColumnStatistics(long rows, Map<String, Long> nulls, Map<String, BigDecimal> least, Map<String, BigDecimal> greatest) {
    public ColumnStatistics {
        nulls = Map.copyOf(nulls);
        least = Map.copyOf(least);
        greatest = Map.copyOf(greatest);
    }

    /** The column's nulls, if counted. */
    public Optional<Long> nullsOf(String column) {
        return Optional.ofNullable(nulls.get(column));
    }

    /** Whether every row's value of the column is known to be null. */
    public boolean allNull(String column) {
        return nullsOf(column).map(n -> n == rows).orElse(false);
    }
}
