package dev.drover.analyze;

import static org.apache.spark.sql.functions.expr;

import dev.drover.catalog.DatasetEntity;
import dev.drover.common.Messages;
import dev.drover.error.SpecError;
import dev.drover.model.ConstraintSpec;
import dev.drover.spec.InvariantSpec;
import dev.drover.spec.MigrationSpec;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.BooleanType;
import org.apache.spark.sql.types.StructType;

/**
 * Every SQL text of a spec that no step applies is parsed and resolved here, against empty frames
 * of the source's and the target's schema (no job): invariants and SQL constraints, so a typo
 * fails before anything is written (exit 2, the file and the field named), not after every batch.
 * The steps' own texts (derive, filter, dedup order, SQL files) are resolved when the steps are
 * applied to the empty source frame.
 */
final class SqlTexts {
    private SqlTexts() {}

    static void resolve(MigrationSpec spec, DatasetEntity target, StructType sourceSchema, StructType targetSchema) {
        SparkSession spark = SparkSession.active();
        Dataset<Row> source = spark.createDataFrame(List.of(), sourceSchema);
        Dataset<Row> written = spark.createDataFrame(List.of(), targetSchema);
        String where = spec.file().toString();
        List<InvariantSpec> invariants = spec.checks().invariants();
        for (int i = 0; i < invariants.size(); i++) {
            InvariantSpec inv = invariants.get(i);
            String field = "checks.invariants[" + i + "]";
            inv.source().ifPresent(text -> aggregate(source, text, where, field + ".source", "the source"));
            aggregate(written, inv.target(), where, field + ".target", "the target");
        }
        predicates(written, spec.checks().constraints(), where, "checks.constraints");
        predicates(written, target.constraints(), target.file(), "spec.constraints");
    }

    private static void aggregate(Dataset<Row> frame, String text, String where, String field, String side) {
        try {
            frame.agg(expr(text)).schema();
        } catch (Exception e) {   // ParseException and AnalysisException are unchecked from Scala
            throw new SpecError(where, field, "'" + text + "' is not an aggregate over " + side + "'s columns: "
                    + Messages.firstLine(e.getMessage()));
        }
    }

    private static void predicates(Dataset<Row> frame, List<ConstraintSpec> constraints, String where, String field) {
        for (int i = 0; i < constraints.size(); i++) {
            ConstraintSpec c = constraints.get(i);
            if (c.kind() != ConstraintSpec.Kind.SQL) {
                continue;
            }
            String at = field + "[" + i + "].sql";
            StructType resolved;
            try {
                resolved = frame.select(expr(c.sql())).schema();
            } catch (Exception e) {   // ParseException and AnalysisException are unchecked from Scala
                throw new SpecError(where, at, "'" + c.sql() + "' is not a predicate over the target's columns: "
                        + Messages.firstLine(e.getMessage()));
            }
            if (!(resolved.fields()[0].dataType() instanceof BooleanType)) {
                throw new SpecError(where, at, "'" + c.sql() + "' is " + resolved.fields()[0].dataType().simpleString()
                        + ", not true or false");
            }
        }
    }
}
