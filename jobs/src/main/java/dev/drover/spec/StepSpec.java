package dev.drover.spec;

import static java.util.Objects.requireNonNull;

import dev.drover.transforms.Step;
import java.util.List;
import java.util.function.Function;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * A validated step of a spec. Building the {@link Step} needs the lookup tables, which only
 * the job can read; {@code lookups} names the datasets it will ask for.
 */
public record StepSpec(int index, String kind, List<String> lookups,
                       Function<Function<String, Dataset<Row>>, Step> factory) {
    public StepSpec {
        requireNonNull(kind, "kind is null");
        lookups = List.copyOf(requireNonNull(lookups, "lookups is null"));
        requireNonNull(factory, "factory is null");
    }

    public Step build(Function<String, Dataset<Row>> lookupTables) {
        return factory.apply(lookupTables);
    }

    public String field() {
        return "steps[" + index + "]";
    }
}
