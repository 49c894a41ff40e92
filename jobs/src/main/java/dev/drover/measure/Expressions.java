package dev.drover.measure;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.analysis.UnresolvedAttribute;
import org.apache.spark.sql.catalyst.analysis.UnresolvedFunction;
import org.apache.spark.sql.catalyst.expressions.CaseWhen;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.Literal;
import org.apache.spark.sql.catalyst.expressions.aggregate.AggregateExpression;
import org.apache.spark.sql.catalyst.expressions.aggregate.AggregateFunction;
import scala.Function1;
import scala.Tuple2;
import scala.collection.JavaConverters;
import scala.runtime.AbstractPartialFunction;

/**
 * Rewrites of Spark expressions that let the metrics of both sides ride in one observation of a
 * batch write: column names moved to where a frame holds them, aggregates counted over some
 * rows only (observations take no FILTER clause), an aggregate expression cut into the plain
 * aggregates it combines. Expressions are Catalyst trees, so this works on SQL text and on
 * columns built in code (Deequ's) alike.
 */
final class Expressions {
    /** Aggregates whose per-batch values combine into the whole's: by sum, or by least or greatest. */
    static final Set<String> COMBINABLE = Set.of("sum", "count", "count_if", "min", "max");

    private Expressions() {}

    static Expression parse(String sql) {
        try {
            return SparkSession.active().sessionState().sqlParser().parseExpression(sql);
        } catch (Exception e) {   // ParseException is checked in Scala's eyes only
            throw new IllegalArgumentException(sql, e);
        }
    }

    /** {@code column} with the columns it names renamed (those not in {@code names} stay). */
    static Column rename(Column column, Map<String, String> names) {
        return new Column(transform(column.expr(), e -> {
            if (e instanceof UnresolvedAttribute a && a.nameParts().size() == 1 && names.containsKey(a.name())) {
                return UnresolvedAttribute.quoted(names.get(a.name()));
            }
            return null;
        }));
    }

    /**
     * {@code aggregate} over the rows where {@code condition} holds: the arguments of every
     * aggregate function in it are nulled elsewhere, which sum, count, count_if, min and max skip
     * ({@code count(*)} counts the condition's rows). Null when it holds an aggregate that does not
     * skip nulls that way, or a DISTINCT or FILTER one.
     */
    static Column onlyWhere(Column aggregate, Column condition) {
        boolean[] refused = {false};
        Expression out = transform(aggregate.expr(), e -> {
            if (e instanceof UnresolvedFunction f) {
                String name = f.nameParts().last().toLowerCase(Locale.ROOT);
                if (!COMBINABLE.contains(name)) {
                    return null;
                }
                if (f.isDistinct() || f.filter().isDefined()) {
                    refused[0] = true;
                    return null;
                }
                List<Expression> masked = new ArrayList<>();
                for (Expression argument : JavaConverters.seqAsJavaList(f.arguments())) {
                    masked.add(when(condition.expr(), isStar(argument) ? Literal.create(1, org.apache.spark.sql.types.DataTypes.IntegerType) : argument));
                }
                return f.copy(f.nameParts(), JavaConverters.asScalaBuffer(masked).toSeq(), false, f.filter(), f.ignoreNulls());
            }
            if (e instanceof AggregateExpression a) {
                AggregateFunction fn = a.aggregateFunction();
                String name = fn.prettyName().toLowerCase(Locale.ROOT);
                if (!COMBINABLE.contains(name) || a.isDistinct() || a.filter().isDefined()) {
                    refused[0] = true;
                    return null;
                }
                List<Expression> masked = new ArrayList<>();
                for (Expression child : JavaConverters.seqAsJavaList(fn.children())) {
                    masked.add(when(condition.expr(), child));
                }
                return a.copy((AggregateFunction) fn.withNewChildren(JavaConverters.asScalaBuffer(masked).toSeq()), a.mode(),
                        a.isDistinct(), a.filter(), a.resultId());
            }
            return null;
        }, e -> e instanceof UnresolvedFunction || e instanceof AggregateExpression);
        return refused[0] ? null : new Column(out);
    }

    /**
     * An aggregate expression ({@code sum(amount_cents) / 100}) cut into the plain combinable
     * aggregates it holds ({@code sum(amount_cents)}) and the expression over their values, which
     * names them {@code _drover_part_<i>}. Empty parts when it holds no aggregate.
     */
    record Parts(Expression template, List<Expression> parts) {}

    static Parts parts(Expression aggregate) {
        List<Expression> parts = new ArrayList<>();
        Expression template = transform(aggregate, e -> {
            if (e instanceof UnresolvedFunction f && COMBINABLE.contains(f.nameParts().last().toLowerCase(Locale.ROOT))
                    && !f.isDistinct() && f.filter().isEmpty()) {
                parts.add(f);
                return UnresolvedAttribute.quoted(part(parts.size() - 1));
            }
            return null;
        }, e -> e instanceof UnresolvedFunction f && COMBINABLE.contains(f.nameParts().last().toLowerCase(Locale.ROOT)));
        return new Parts(template, List.copyOf(parts));
    }

    static String part(int index) {
        return "_drover_part_" + index;
    }

    private static boolean isStar(Expression e) {
        return e.getClass().getSimpleName().equals("UnresolvedStar");
    }

    private static Expression when(Expression condition, Expression value) {
        return new CaseWhen(JavaConverters.asScalaBuffer(List.of(Tuple2.apply(condition, value))).toSeq(), scala.Option.empty());
    }

    private static Expression transform(Expression tree, Function<Expression, Expression> rule) {
        return transform(tree, rule, e -> rule.apply(e) != null);
    }

    /**
     * Top-down rewrite: a node {@code matches} names is replaced by what {@code rule} gives (null:
     * left as it is), and its replacement is not descended into.
     */
    private static Expression transform(Expression tree, Function<Expression, Expression> rule,
                                        java.util.function.Predicate<Expression> matches) {
        return tree.transformDown(new AbstractPartialFunction<Expression, Expression>() {
            @Override
            public boolean isDefinedAt(Expression e) {
                return matches.test(e);
            }

            @Override
            public <A1 extends Expression, B1> B1 applyOrElse(A1 e, Function1<A1, B1> otherwise) {
                if (!matches.test(e)) {
                    return otherwise.apply(e);
                }
                Expression replaced = rule.apply(e);
                @SuppressWarnings("unchecked")
                B1 out = (B1) (replaced == null ? e : replaced);
                return out;
            }
        });
    }
}
