package dev.drover.impact;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.drover.model.SchemaDiff;
import dev.drover.testing.SharedSpark;
import dev.drover.transforms.Derive;
import dev.drover.transforms.Drop;
import dev.drover.transforms.Rename;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/**
 * A migration that derives email_domain from email and drops email (after renaming it): a query
 * that reads email only to compute that same expression reads email_domain instead; any other use
 * of email still needs a person.
 */
class DerivedColumnImpactTest {
    private static final StructType V1 = StructType.fromDDL("account_id BIGINT, mail STRING, plan STRING");
    private static final StructType V2 = StructType.fromDDL("account_id BIGINT, plan STRING, email_domain STRING");

    private static QueryImpact analyze(String sql) {
        var spark = SharedSpark.session();
        List<dev.drover.transforms.Step> steps = List.of(new Rename(Map.of("mail", "email")), new Derive(Map.of("email_domain", "substring_index(email, '@', -1)")),
                new Drop(List.of("email")));
        var derived = Derivations.of(spark, steps, V1);
        var subject = new ImpactAnalyzer.Subject("accounts-v1", V1, "accounts-v2", V2,
                SchemaDiff.between(V1, V2, Map.of("mail", "email")), Map.of("accounts-v1", V1, "accounts-v2", V2), derived);
        TableNames names = new TableNames(Set.of("accounts-v1", "accounts-v2"), d -> "/wh/" + d,
                Map.of("accounts", "accounts-v1", "accounts_v2", "accounts-v2"));
        return new ImpactAnalyzer(spark, subject).analyze(new ConsumerQuery("c", "q.sql", sql, Map.of()), names);
    }

    @Test
    void theDerivationIsFollowedBackThroughARename() {
        var d = Derivations.of(SharedSpark.session(), List.<dev.drover.transforms.Step>of(new Rename(Map.of("mail", "email")),
                new Derive(Map.of("email_domain", "substring_index(email, '@', -1)"))), V1);
        assertEquals(Set.of("email_domain"), d.keySet());
        assertTrue(d.get("email_domain").sql().contains("mail"), d.get("email_domain").sql());
    }

    @Test
    void aQueryComputingTheDerivedExpressionReadsTheDerivedColumn() {
        QueryImpact q = analyze("-- domains\nSELECT account_id, substring_index(mail, '@', -1) AS domain\nFROM accounts\n");
        assertEquals(ImpactClass.REWRITABLE, q.impact(), q.reasons().toString());
        assertEquals("-- domains\nSELECT account_id, email_domain AS domain\nFROM accounts_v2\n", q.rewritten().orElseThrow());
        assertTrue(q.reasons().get(0).contains("mail: removed; the query computes email_domain"), q.reasons().toString());
    }

    @Test
    void inAFilterWithAQualifierAndOtherCase() {
        QueryImpact q = analyze("SELECT a.plan, count(*) FROM accounts a WHERE SUBSTRING_INDEX(a.mail, '@', -1) = 'example.com' GROUP BY a.plan");
        assertEquals(ImpactClass.REWRITABLE, q.impact(), q.reasons().toString());
        assertEquals("SELECT a.plan, count(*) FROM accounts_v2 a WHERE a.email_domain = 'example.com' GROUP BY a.plan",
                q.rewritten().orElseThrow());
    }

    @Test
    void anyOtherUseOfTheRemovedColumnNeedsAPerson() {
        QueryImpact other = analyze("SELECT account_id FROM accounts WHERE substring_index(mail, '@', 1) = 'info'");
        assertEquals(ImpactClass.NEEDS_PERSON, other.impact());
        assertTrue(other.reasons().contains("reads mail, which accounts-v2 no longer has"), other.reasons().toString());
        QueryImpact both = analyze("SELECT mail, substring_index(mail, '@', -1) AS d FROM accounts");
        assertEquals(ImpactClass.NEEDS_PERSON, both.impact(), "mail itself is read too");
    }

    @Test
    void anUnnamedOutputColumnIsNotRenamedByARewrite() {
        QueryImpact q = analyze("SELECT substring_index(mail, '@', -1) FROM accounts");
        assertEquals(ImpactClass.NEEDS_PERSON, q.impact());
        assertTrue(q.reasons().get(0).contains("as an unnamed output column; name it (AS …) and email_domain"), q.reasons().toString());
    }
}
