package io.clusterfn.access;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RuleExpressionTest {
    private static final String EXAMPLE = "codeSize < 100000 && account.startsWith(\"team-\")";

    private static RuleInput input(String account, long codeSize) {
        return new RuleInput(account, "owner-1", List.of("dev"), "ab12", codeSize, 0, 0);
    }

    private static boolean allows(String source, RuleInput in) {
        return RuleExpression.compile(source).evaluate(in).allowed();
    }

    @Test
    void theExampleAdmitsSmallCodeFromATeamAccountOnly() {
        RuleExpression rule = RuleExpression.compile(EXAMPLE);
        assertEquals(new RuleExpression.Verdict(true, "expression is true"), rule.evaluate(input("team-a", 10)));
        assertEquals(new RuleExpression.Verdict(false, "expression is false"), rule.evaluate(input("alice", 10)));
        assertFalse(rule.evaluate(input("team-a", 200_000)).allowed());
        assertEquals(EXAMPLE, rule.source());
    }

    @Test
    void compilingTheSameSourceTwiceReusesTheProgram() {
        assertSame(RuleExpression.compile(EXAMPLE), RuleExpression.compile(EXAMPLE));
    }

    @Test
    void variablesAndStandardFunctions() {
        assertTrue(allows("account == owner", new RuleInput("bob", "bob", List.of(), "h", 1, 0, 0)));
        assertFalse(allows("account == owner", new RuleInput("eve", "bob", List.of(), "h", 1, 0, 0)));
        assertTrue(allows("account in [\"a\", \"b\"]", input("b", 1)));
        assertFalse(allows("account in [\"a\", \"b\"]", input("c", 1)));
        assertTrue(allows("deployedByAccount < 2", new RuleInput("a", "o", List.of(), "h", 1, 1, 9)));
        assertFalse(allows("deployedByAccount < 2", new RuleInput("a", "o", List.of(), "h", 1, 2, 9)));
        assertTrue(allows("\"admin\" in roles", new RuleInput("a", "o", List.of("dev", "admin"), "h", 1, 0, 0)));
        assertFalse(allows("\"admin\" in roles", new RuleInput("a", "o", List.of("dev"), "h", 1, 0, 0)));
        assertTrue(allows("codeHash.endsWith(\"12\") && account.contains(\"am-\") && size(roles) == 1"
                + " && account.matches('^team-[a-z]+$') && roles.all(r, r != 'banned') && deployedTotal == 0",
                input("team-a", 1)));
    }

    @Test
    void aSyntaxErrorIsAnInvalidRuleWithTheCompilersMessage() {
        InvalidRuleException e = assertThrows(InvalidRuleException.class, () -> RuleExpression.compile("codeSize <"));
        assertTrue(e.getMessage().startsWith("ERROR: <input>:1:11: "), e.getMessage());
    }

    @Test
    void anUndeclaredVariableIsRefusedAtCompile() {
        InvalidRuleException e = assertThrows(InvalidRuleException.class, () -> RuleExpression.compile("foo == 1"));
        assertTrue(e.getMessage().contains("ERROR: <input>:1:1: undeclared reference to 'foo'"), e.getMessage());
    }

    @Test
    void aNonBoolExpressionIsRefusedAtCompile() {
        InvalidRuleException e = assertThrows(InvalidRuleException.class, () -> RuleExpression.compile("codeSize + 1"));
        assertTrue(e.getMessage().contains("expected type 'bool' but found 'int'"), e.getMessage());
        assertThrows(InvalidRuleException.class, () -> RuleExpression.compile("dyn(true)"));
    }

    @Test
    void aTooLongSourceIsRefused() {
        String longRule = "true" + " && true".repeat(600);
        assertThrows(InvalidRuleException.class, () -> RuleExpression.compile(longRule));
    }

    @Test
    void aRegexMustBeALiteralOfBoundedSize() {
        assertThrows(InvalidRuleException.class, () -> RuleExpression.compile("account.matches(owner)"));
        // compiled by re2j this is a million instructions: refused before anything compiles it
        assertThrows(InvalidRuleException.class, () -> RuleExpression.compile("account.matches('((a{100}){100}){100}')"));
        assertTrue(RuleExpression.compile("codeHash.matches('^[0-9a-f]{64}$')") != null);
    }

    @Test
    void aRuntimeErrorIsADenyWithAReason() {
        RuleExpression.Verdict noKey = RuleExpression.compile("{\"a\": 1}[account] == 1").evaluate(input("b", 1));
        assertFalse(noKey.allowed());
        assertTrue(noKey.reason().startsWith("expression failed: "), noKey.reason());

        RuleExpression.Verdict overflow = RuleExpression.compile("codeSize * 9223372036854775807 > 0").evaluate(input("a", 2));
        assertFalse(overflow.allowed());
        assertTrue(overflow.reason().contains("overflow"), overflow.reason());

        RuleExpression.Verdict badRegex = RuleExpression.compile("account.matches('(')").evaluate(input("a", 1));
        assertFalse(badRegex.allowed());
        assertTrue(badRegex.reason().startsWith("expression failed: "), badRegex.reason());

        RuleExpression.Verdict nullField = RuleExpression.compile("true").evaluate(input(null, 1));
        assertFalse(nullField.allowed());
    }

    @Test
    void aNestedComprehensionHitsTheIterationLimit() {
        String ten = "[0, 1, 2, 3, 4, 5, 6, 7, 8, 9]";
        RuleExpression.Verdict v = RuleExpression.compile(
                ten + ".all(a, " + ten + ".all(b, " + ten + ".all(c, " + ten + ".all(d, true))))").evaluate(input("a", 1));
        assertFalse(v.allowed());
        assertTrue(v.reason().startsWith("expression failed: ") && v.reason().contains("1000"), v.reason());
    }

    @Test
    void aLoopOfRegexMatchesHitsTheStepLimit() {
        String ten = "[0, 1, 2, 3, 4, 5, 6, 7, 8, 9]";
        RuleExpression.Verdict v = RuleExpression.compile(
                ten + ".all(a, " + ten + ".all(b, account.matches('^team-[a-z]+$')))").evaluate(input("team-a", 1));
        assertFalse(v.allowed());
        assertTrue(v.reason().contains("cost limit exceeded"), v.reason());
    }
}
