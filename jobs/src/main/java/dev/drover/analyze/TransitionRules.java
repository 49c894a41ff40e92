package dev.drover.analyze;

import dev.drover.catalog.Catalog;
import dev.drover.catalog.ConsumerEntity;
import dev.drover.error.SpecError;
import dev.drover.spec.MigrationSpec;
import dev.drover.spec.TargetMode;
import dev.drover.transforms.Pipeline;
import dev.drover.transforms.SqlTransform;
import dev.drover.transforms.Step;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import scala.collection.JavaConverters;

/**
 * What a migration with a transition window must be. A {@code new-table} migration whose source
 * has {@code dual-write} consumers promises them v2 kept in step with the live v1 until they
 * move; {@code drover sync} keeps that promise by applying the steps to v1's changed rows alone.
 * So v1's change data feed must be on, and every step must be row-local (its output row depends on
 * its own input row only): a dedup, an aggregating SQL step or a Java step not declared
 * {@code row-local = true} is refused before anything is written.
 */
public final class TransitionRules {
    /** Operators after which a row of a SQL step's result no longer stands for one input row. */
    private static final Set<String> NOT_ROW_LOCAL = Set.of("Aggregate", "Window", "Distinct", "Deduplicate",
            "DeduplicateWithinWatermark", "Generate", "GlobalLimit", "LocalLimit", "Offset", "Sample", "Union", "Intersect",
            "Except", "Expand", "Pivot", "RebalancePartitions", "Tail");

    private TransitionRules() {}

    /** The dual-write consumers a migration keeps in step (none unless it writes a new table). */
    public static List<ConsumerEntity> dualWriteConsumers(Catalog catalog, MigrationSpec spec) {
        return spec.mode() == TargetMode.NEW_TABLE ? catalog.dualWriteConsumersOf(spec.source()) : List.of();
    }

    /**
     * Refuses (exit 2) a pipeline that cannot be applied to changed rows alone, naming the first
     * step that is not row-local and why; {@code input} is an empty frame of what the first step reads.
     */
    public static void requireRowLocal(MigrationSpec spec, List<ConsumerEntity> consumers, Pipeline pipeline, Dataset<Row> input) {
        Dataset<Row> frame = dev.drover.transforms.RowErrors.withErrorColumns(input);
        for (int i = 0; i < pipeline.steps().size(); i++) {
            Step step = pipeline.steps().get(i);
            String label = Pipeline.label(i, step);
            String reason = null;
            if (!step.rowLocal()) {
                reason = switch (step.kind()) {
                    case "dedup" -> "a dedup step compares rows with each other";
                    case "sql", "class" -> "a " + step.kind() + " step is row-local only when the spec says so (row-local = true beside it)";
                    default -> "the step is not row-local";
                };
            } else if (step instanceof SqlTransform) {
                Dataset<Row> alone = frame.sparkSession().createDataFrame(List.of(), frame.schema());
                List<String> operators = new ArrayList<>();
                collect(step.apply(alone, label).queryExecution().analyzed(), operators);
                if (!operators.isEmpty()) {
                    reason = "its query plan has " + String.join(", ", operators) + ", so one output row does not stand for one input row";
                }
            }
            if (reason != null) {
                throw new SpecError(spec.file().toString(), "steps[" + i + "]", spec.source() + " has dual-write consumers ("
                        + names(consumers) + "), whose " + spec.target() + " drover sync keeps in step by applying the steps to "
                        + spec.source() + "'s changed rows alone; " + label + " cannot be: " + reason);
            }
            frame = step.apply(frame, label);
        }
    }

    /** Refuses (exit 2) a source whose change data feed is off at the pinned version. */
    public static void requireFeed(MigrationSpec spec, List<ConsumerEntity> consumers, String sourceLocation, long version,
                                   boolean feedOn) {
        if (!feedOn) {
            throw new SpecError(spec.file().toString(), "source", spec.source() + " (" + sourceLocation + ") has its change data feed off at version "
                    + version + ", and its dual-write consumers (" + names(consumers) + ") need " + spec.target()
                    + " kept in step from it: set the table property delta.enableChangeDataFeed = true, or run drover migrate "
                    + spec.id() + " --enable-cdf");
        }
    }

    private static void collect(LogicalPlan plan, List<String> operators) {
        String name = plan.getClass().getSimpleName();
        if (NOT_ROW_LOCAL.contains(name) && !operators.contains(name)) {
            operators.add(name);
        }
        for (LogicalPlan child : JavaConverters.seqAsJavaList(plan.children())) {
            collect(child, operators);
        }
    }

    private static String names(List<ConsumerEntity> consumers) {
        return String.join(", ", consumers.stream().map(ConsumerEntity::name).toList());
    }
}
