package dev.drover.verify;

import dev.drover.catalog.ColumnSpec;
import dev.drover.catalog.DatasetEntity;
import dev.drover.model.CheckKind;
import dev.drover.model.CheckResult;
import dev.drover.model.MetricKey;
import dev.drover.model.Metrics;
import dev.drover.model.SchemaDiff;
import dev.drover.spec.ChecksSpec;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.types.StructType;

/**
 * The schema contract: the target as written against the catalog's declaration (columns, types,
 * declared non-null columns, from the nulls the writes counted), and the change from the old
 * version against the compatibility the spec declares.
 */
final class SchemaContract {
    private SchemaContract() {}

    /** The contract as written: the old version's schema → the new one as it was written. */
    static SchemaDiff contract(StructType before, StructType written, SchemaDiff planned, List<ColumnSpec> beforeDeclared,
                               List<ColumnSpec> afterDeclared) {
        return SchemaDiff.between(before, written, renames(planned), declared(beforeDeclared), declared(afterDeclared));
    }

    static List<CheckResult> check(DatasetEntity target, StructType written, Metrics targetSide, ChecksSpec checks, SchemaDiff contract) {
        return List.of(declared(target, written, targetSide), compatibility(checks, contract));
    }

    private static CheckResult declared(DatasetEntity target, StructType actual, Metrics targetMetrics) {
        List<String> problems = target.schemaProblems(actual, c -> targetMetrics.count(MetricKey.targetNulls(c)), java.util.Set.of());
        return CheckResult.of(CheckKind.SCHEMA, "schema matches catalog " + target.name(), problems.isEmpty(),
                "the declared columns, types and non-null columns", problems.isEmpty() ? "as declared" : String.join(", ", problems));
    }

    private static CheckResult compatibility(ChecksSpec checks, SchemaDiff contract) {
        List<String> breaking = contract.breakingChanges().stream()
                .map(c -> (c.from() != null ? c.from() : c.to()) + " " + c.kind()).toList();
        String observed = breaking.isEmpty() ? "non-breaking" : "breaking: " + String.join(", ", breaking);
        boolean declaredNonBreaking = checks.compatibility().filter(c -> c == ChecksSpec.Compatibility.NON_BREAKING).isPresent();
        return CheckResult.of(CheckKind.SCHEMA, "schema change", !declaredNonBreaking || breaking.isEmpty(),
                checks.compatibility().map(c -> c.label() + " (declared)").orElse("any (checks.compatibility not declared)"), observed);
    }

    private static Map<String, String> renames(SchemaDiff planned) {
        Map<String, String> out = new HashMap<>();
        planned.changes().stream().filter(c -> c.from() != null && c.to() != null && !c.from().equals(c.to()))
                .forEach(c -> out.put(c.from(), c.to()));
        return out;
    }

    private static Map<String, Boolean> declared(List<ColumnSpec> schema) {
        Map<String, Boolean> out = new HashMap<>();
        schema.forEach(c -> out.put(c.name(), c.nullable()));
        return out;
    }
}
