package dev.drover.impact;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.catalyst.trees.TreeNode;
import scala.collection.JavaConverters;

/** Small bridges from Java to Catalyst's Scala trees. */
final class Trees {
    private Trees() {
    }

    static <T> List<T> list(scala.collection.Seq<T> seq) {
        return seq == null ? List.of() : JavaConverters.seqAsJavaList(seq);
    }

    static <T> scala.collection.Seq<T> seq(List<T> list) {
        return JavaConverters.asScalaBuffer(new ArrayList<>(list)).toList();
    }

    /** Where a node starts in the parsed text (0-based, inclusive); -1 when the parser gave no position. */
    static int start(TreeNode<?> node) {
        scala.Option<Object> at = node.origin().startIndex();
        return at.isDefined() ? (Integer) at.get() : -1;
    }

    /** Where a node ends in the parsed text (exclusive); -1 when unknown. */
    static int end(TreeNode<?> node) {
        scala.Option<Object> at = node.origin().stopIndex();
        return at.isDefined() ? (Integer) at.get() + 1 : -1;
    }

    static List<LogicalPlan> children(LogicalPlan p) {
        return list(p.children());
    }

    static List<Expression> expressions(LogicalPlan p) {
        return list(p.expressions());
    }

    static List<Expression> children(Expression e) {
        return list(e.children());
    }

    /** Every expression node under {@code e}, depth first, itself included; not into subquery plans. */
    static void eachExpression(Expression e, java.util.function.Consumer<Expression> visit) {
        visit.accept(e);
        for (Expression c : children(e)) {
            eachExpression(c, visit);
        }
    }
}
