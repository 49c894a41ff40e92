package dev.drover.impact;

import dev.drover.transforms.Cast;
import dev.drover.transforms.Dedup;
import dev.drover.transforms.Derive;
import dev.drover.transforms.Drop;
import dev.drover.transforms.Filter;
import dev.drover.transforms.Lookup;
import dev.drover.transforms.Rename;
import dev.drover.transforms.Step;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.analysis.UnresolvedAttribute;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.types.StructType;

/**
 * The columns a migration derives from the old dataset's own columns, each as the expression over
 * the old names ({@code email_domain} ← {@code substring_index(email, '@', -1)}): what lets a query
 * that computes that expression read the derived column instead, once its input is gone. Followed
 * through the steps in order: renames map names back, a derive over a column an earlier step
 * changed (a cast, a default, a SQL or Java step) or over another derived column is left out, a
 * column dropped later is no longer offered, and after a step whose effect Drover cannot read
 * (SQL, Java) nothing more is derived.
 */
public final class Derivations {
    private Derivations() {}

    /** Derived column (its name in the new dataset, lower case) → the expression over the old dataset's names. */
    public static Map<String, Expression> of(SparkSession spark, List<Step> steps, StructType oldSchema) {
        Map<String, String> original = new LinkedHashMap<>();   // current name (lower) → old name, values unchanged so far
        for (String f : oldSchema.fieldNames()) {
            original.put(lower(f), f);
        }
        Map<String, Expression> derived = new LinkedHashMap<>();
        for (Step step : steps) {
            if (step instanceof Rename r) {
                r.names().forEach((from, to) -> {
                    String was = original.remove(lower(from));
                    if (was != null) {
                        original.put(lower(to), was);
                    }
                    Expression d = derived.remove(lower(from));
                    if (d != null) {
                        derived.put(lower(to), d);
                    }
                });
            } else if (step instanceof Derive d) {
                d.expressions().forEach((column, sql) -> {
                    Expression over = overOldNames(spark, sql, original);
                    original.remove(lower(column));   // a replaced column no longer holds its old values
                    derived.remove(lower(column));
                    if (over != null) {
                        derived.put(lower(column), over);
                    }
                });
            } else if (step instanceof Drop drop) {
                drop.columns().forEach(c -> {
                    original.remove(lower(c));
                    derived.remove(lower(c));
                });
            } else if (step instanceof Cast || step instanceof Filter || step instanceof Dedup || step instanceof Lookup) {
                // a cast changes its columns' values; filters, dedups and lookups keep every value they pass on
                if (step instanceof Cast cast) {
                    cast.types().keySet().forEach(c -> original.remove(lower(c)));
                }
            } else if (step.kind().equals("sql") || step.kind().equals("class")) {
                break;   // its effect cannot be read: nothing after it is offered
            } else {
                step.modifies().forEach(c -> {
                    original.remove(lower(c));
                    derived.remove(lower(c));
                });
            }
        }
        return derived;
    }

    /** The expression with its column names put back to the old dataset's; null when it reads anything else. */
    private static Expression overOldNames(SparkSession spark, String sql, Map<String, String> original) {
        Expression parsed;
        try {
            parsed = spark.sessionState().sqlParser().parseExpression(sql);
        } catch (org.apache.spark.sql.catalyst.parser.ParseException | RuntimeException e) {
            return null;
        }
        Set<String> unknown = new HashSet<>();
        Trees.eachExpression(parsed, e -> {
            if (e instanceof UnresolvedAttribute a && (a.nameParts().size() != 1 || !original.containsKey(lower(a.name())))) {
                unknown.add(a.name());
            }
        });
        if (!unknown.isEmpty()) {
            return null;
        }
        return parsed.transform(new scala.runtime.AbstractPartialFunction<Expression, Expression>() {
            @Override
            public boolean isDefinedAt(Expression e) {
                return e instanceof UnresolvedAttribute;
            }

            @Override
            public Expression apply(Expression e) {
                return isDefinedAt(e) ? UnresolvedAttribute.quoted(original.get(lower(((UnresolvedAttribute) e).name()))) : e;
            }
        });
    }

    /**
     * Whether a query's expression computes the derivation: the same tree, its column names (the
     * last part, so {@code a.email} is {@code email}) compared without case.
     */
    static boolean same(Expression query, Expression derivation) {
        if (query instanceof UnresolvedAttribute q) {
            return derivation instanceof UnresolvedAttribute d
                    && lower(Trees.list(q.nameParts()).get(q.nameParts().size() - 1)).equals(lower(d.name()));
        }
        if (!query.getClass().equals(derivation.getClass()) || query.children().size() != derivation.children().size()) {
            return false;
        }
        if (query.children().isEmpty()) {
            return query.equals(derivation);
        }
        List<Expression> qs = Trees.children(query);
        List<Expression> ds = Trees.children(derivation);
        for (int i = 0; i < qs.size(); i++) {
            if (!same(qs.get(i), ds.get(i))) {
                return false;
            }
        }
        return sameShallow(query, derivation);
    }

    /** Same node apart from its children: function names, literals and flags. */
    private static boolean sameShallow(Expression a, Expression b) {
        if (a instanceof org.apache.spark.sql.catalyst.analysis.UnresolvedFunction fa
                && b instanceof org.apache.spark.sql.catalyst.analysis.UnresolvedFunction fb) {
            return lower(String.join(".", Trees.list(fa.nameParts()))).equals(lower(String.join(".", Trees.list(fb.nameParts()))))
                    && fa.isDistinct() == fb.isDistinct();
        }
        return a.withNewChildren(b.children()).equals(b);
    }

    private static String lower(String s) {
        return s.toLowerCase(Locale.ROOT);
    }
}
