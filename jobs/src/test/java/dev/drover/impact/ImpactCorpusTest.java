package dev.drover.impact;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.drover.testing.SharedSpark;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Every query of the corpus classified and rewritten on the declared schemas (no data: the
 * analyzer sees empty relations); the rewrites are proven on real tables in the tests module.
 */
class ImpactCorpusTest {
    @Test
    void everyCorpusQueryGetsItsExpectedClassAndRewrite() {
        ImpactCorpus corpus = new ImpactCorpus(ImpactCorpus.locate(), ImpactCorpus.templates(), "/data/warehouse");
        ImpactAnalyzer analyzer = new ImpactAnalyzer(SharedSpark.session(), corpus.declaredSubject());
        List<String> wrong = new ArrayList<>();
        List<ImpactCorpus.Case> cases = corpus.cases();
        assertTrue(cases.size() >= 60, "the corpus holds at least 60 query shapes, has " + cases.size());
        boolean print = Boolean.getBoolean("drover.impact.print");
        for (ImpactCorpus.Case c : cases) {
            QueryImpact impact = analyzer.analyze(new ConsumerQuery("accounts-reports", c.name(), c.text(), corpus.consumer.code().parameters()), corpus.names());
            if (print) {
                System.out.println("=== " + c.name() + " " + impact.impact().label() + " reads=" + impact.reads() + " " + impact.reasons()
                        + String.format(" %.1f ms", impact.millis()) + "\n" + impact.rewritten().orElse("(no rewrite)"));
            }
            if (Boolean.getBoolean("drover.impact.write") && impact.impact() != ImpactClass.NEEDS_PERSON && impact.rewritten().isPresent()) {
                // authoring aid: write the rewrite as the expected one, to be reviewed in the diff
                writeExpected(corpus, c.name(), impact.rewritten().get());
            }
            if (impact.impact() != c.expected()) {
                wrong.add(c.name() + ": expected " + c.expected().label() + ", got " + impact.impact().label() + " " + impact.reasons());
                continue;
            }
            if (!c.reason().isEmpty() && impact.reasons().stream().noneMatch(r -> r.contains(c.reason()))) {
                wrong.add(c.name() + ": no reason contains '" + c.reason() + "': " + impact.reasons());
            }
            if (c.rewritten().isPresent() && !c.rewritten().equals(impact.rewritten())) {
                wrong.add(c.name() + ": rewrite differs:\n" + impact.rewritten().orElse("(none)") + "\n--- expected:\n" + c.rewritten().get());
            }
            if (c.rewritten().isEmpty() && c.expected() != ImpactClass.NEEDS_PERSON && impact.rewritten().isPresent()) {
                wrong.add(c.name() + ": rewrote the query but the corpus has no " + c.name() + ".rewritten.sql");
            }
        }
        assertEquals(List.of(), wrong, String.join("\n", wrong));
    }

    private static void writeExpected(ImpactCorpus corpus, String name, String text) {
        try {
            java.nio.file.Files.writeString(corpus.root.resolve("queries").resolve(name + ".rewritten.sql"),
                    text.replace(corpus.warehouse, "@WAREHOUSE@"));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
