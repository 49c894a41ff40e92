package dev.drover.spec;

import static java.util.Objects.requireNonNull;

import dev.drover.transforms.Step;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * A validated step of a spec. Building the {@link Step} needs what only the job has: the lookup
 * tables, and the row-retry settings of per-row steps; {@code lookups} names the datasets it will
 * ask for.
 */
public record StepSpec(int index, String kind, List<String> lookups, Function<Context, Step> factory) {
    /** What building a step may use: the pinned lookup tables by dataset, and per-row retry settings. */
    public record Context(Function<String, Dataset<Row>> lookups, int rowAttempts, Duration rowBackoff) {
        public Context {
            requireNonNull(lookups, "lookups is null");
            requireNonNull(rowBackoff, "rowBackoff is null");
        }
    }

    public StepSpec {
        requireNonNull(kind, "kind is null");
        lookups = List.copyOf(requireNonNull(lookups, "lookups is null"));
        requireNonNull(factory, "factory is null");
    }

    public Step build(Context context) {
        return factory.apply(context);
    }

    public String field() {
        return "steps[" + index + "]";
    }
}
