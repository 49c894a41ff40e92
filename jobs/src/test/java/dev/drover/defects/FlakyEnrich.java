package dev.drover.defects;

import dev.drover.transforms.RowFunction;
import java.util.HashMap;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * A per-row step that calls a flaky "service" (for tests): it upper-cases {@code country}, but
 * fails the first try of every user whose id ends in 1, the first two tries of those ending in 2,
 * and every try of those ending in 03.
 */
public final class FlakyEnrich implements RowFunction {
    private final Map<Long, Integer> tries = new HashMap<>();

    @Override
    public Row apply(Row row) {
        long id = row.getLong(row.fieldIndex("user_id"));
        int attempt = tries.merge(id, 1, Integer::sum);
        if (id % 100 == 3 || (id % 10 == 1 && attempt < 2) || (id % 10 == 2 && attempt < 3)) {
            throw new IllegalStateException("enrichment service timed out for user " + id);
        }
        Object[] values = new Object[row.size()];
        for (int i = 0; i < row.size(); i++) {
            values[i] = row.get(i);
        }
        int country = row.fieldIndex("country");
        values[country] = row.isNullAt(country) ? null : row.getString(country).toUpperCase(java.util.Locale.ROOT);
        return RowFactory.create(values);
    }
}
