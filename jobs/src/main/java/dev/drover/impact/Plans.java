package dev.drover.impact;

import static dev.drover.impact.Trees.list;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.function.Function;
import org.apache.spark.sql.catalyst.AliasIdentifier;
import org.apache.spark.sql.catalyst.analysis.UnresolvedAttribute;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.Literal;
import org.apache.spark.sql.catalyst.expressions.SubqueryExpression;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.catalyst.plans.logical.SubqueryAlias;
import org.apache.spark.sql.catalyst.plans.logical.UnresolvedWith;
import org.apache.spark.sql.types.DataTypes;

/** A parsed query bound to relations of Drover's choosing, in place of the tables it names. */
final class Plans {
    private Plans() {
    }

    /**
     * {@code body} with every table reference the walker placed standing for {@code relation} of
     * its dataset (under the name the query used, so its qualifiers keep working) and every
     * template parameter used as a value standing for NULL.
     */
    static LogicalPlan bind(LogicalPlan body, ScopeWalker walker, Function<String, LogicalPlan> relation) {
        IdentityHashMap<LogicalPlan, LogicalPlan> tables = new IdentityHashMap<>();
        for (ScopeWalker.TableRef t : walker.tables) {
            String dataset = t.dataset().orElseThrow();
            List<String> parts = list(t.node().multipartIdentifier());
            AliasIdentifier id = new AliasIdentifier(parts.get(parts.size() - 1), Trees.seq(parts.subList(0, parts.size() - 1)));
            tables.put(t.node(), new SubqueryAlias(id, relation.apply(dataset)));
        }
        IdentityHashMap<Expression, Expression> parameters = new IdentityHashMap<>();
        for (UnresolvedAttribute p : walker.parameters) {
            parameters.put(p, Literal.create(null, DataTypes.NullType));
        }
        return substitute(body, tables, parameters);
    }

    private static LogicalPlan substitute(LogicalPlan p, IdentityHashMap<LogicalPlan, LogicalPlan> tables,
                                          IdentityHashMap<Expression, Expression> parameters) {
        LogicalPlan replacement = tables.get(p);
        if (replacement != null) {
            return replacement;
        }
        LogicalPlan out;
        if (p instanceof UnresolvedWith w) {
            List<scala.Tuple2<String, SubqueryAlias>> ctes = new ArrayList<>();
            for (scala.Tuple2<String, SubqueryAlias> cte : list(w.cteRelations())) {
                ctes.add(new scala.Tuple2<>(cte._1(), (SubqueryAlias) substitute(cte._2(), tables, parameters)));
            }
            out = new UnresolvedWith(substitute(w.child(), tables, parameters), Trees.seq(ctes));
        } else {
            List<LogicalPlan> children = new ArrayList<>();
            for (LogicalPlan c : Trees.children(p)) {
                children.add(substitute(c, tables, parameters));
            }
            out = children.isEmpty() ? p : p.withNewChildren(Trees.seq(children));
        }
        return out.transformExpressions(new scala.runtime.AbstractPartialFunction<Expression, Expression>() {
            @Override
            public boolean isDefinedAt(Expression e) {
                return e instanceof SubqueryExpression || parameters.containsKey(e);
            }

            @Override
            public Expression apply(Expression e) {
                if (e instanceof SubqueryExpression sq) {
                    return sq.withNewPlan(substitute(sq.plan(), tables, parameters));
                }
                return parameters.get(e);
            }
        });
    }

}
