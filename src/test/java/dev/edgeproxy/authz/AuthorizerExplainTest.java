package dev.edgeproxy.authz;

import dev.edgeproxy.authz.Decision.Step;
import dev.edgeproxy.cel.RequestVariables;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * {@link Authorizer#explain}: the decision and the step of docs/reference.md#authorization that reached it, every
 * rule's result (errors per rule), and that it always agrees with {@link Authorizer#authorize}, which runs the same
 * decision code. Rules are compiled through the real {@link CelEnvironment}.
 */
class AuthorizerExplainTest {

    /** Fails to evaluate for an anonymous request: the claim is absent. */
    private static final String ERROR = "jwt.email == \"x\"";

    private static Explanation explain(TestRequest request, List<String> specs) {
        return new Authorizer("route", AuthorizerTest.rules(specs)).explain(new RequestVariables(request));
    }

    private static Explanation explain(List<String> specs) {
        return explain(TestRequest.get("/"), specs);
    }

    // --- every decision step ----------------------------------------------------------------------

    static Stream<Arguments> steps() {
        return Stream.of(
                arguments(List.of(), true, Step.NO_RULES, null),
                arguments(List.of("deny: true"), false, Step.DENY, 0),
                arguments(List.of("allow: true", "deny: false", "deny: true"), false, Step.DENY, 2),
                arguments(List.of("deny: " + ERROR, "allow: true"), false, Step.DENY, 0),
                arguments(List.of("require: false", "allow: true"), false, Step.REQUIRE, 0),
                arguments(List.of("require: true", "require: " + ERROR), false, Step.REQUIRE, 1),
                arguments(List.of("allow: false", "allow: true", "allow: true"), true, Step.ALLOW, 1),
                arguments(List.of("deny: false", "require: true", "allow: true"), true, Step.ALLOW, 2),
                arguments(List.of("allow: true", "allow: " + ERROR), false, Step.ALLOW, 1),
                arguments(List.of("allow: false"), false, Step.OTHERWISE, null),
                arguments(List.of("deny: false", "require: true"), true, Step.OTHERWISE, null));
    }

    @ParameterizedTest(name = "{0} -> allowed {1}, step {2}, rule {3}")
    @MethodSource("steps")
    void reportsTheDecidingStepAndRule(List<String> specs, boolean allowed, Step step, Integer rule) {
        Decision decision = explain(specs).decision();
        assertEquals(allowed, decision.allowed());
        assertEquals(step, decision.step());
        assertEquals(rule, decision.rule() == null ? null : decision.rule().rule().index());
    }

    @Test
    void stepsAreNumberedAsInTheContract() {
        assertEquals(List.of(1, 2, 3, 4, 5), Arrays.stream(Step.values()).map(Step::number).toList());
    }

    // --- every rule, errors per rule ------------------------------------------------------------------

    @Test
    void everyRuleIsReportedInOrderEvenThoseTheDecisionDidNotNeed() {
        // authorize() stops at the true deny; the explanation still shows the rest.
        Explanation e = explain(List.of("allow: true", "deny: true", "require: false", "allow: " + ERROR));
        assertEquals(List.of(0, 1, 2, 3), e.rules().stream().map(r -> r.rule().index()).toList());
        assertEquals(List.of("allow", "deny", "require", "allow"), e.rules().stream().map(r -> r.rule().kind().key()).toList());
        assertEquals(Boolean.TRUE, e.rules().get(0).value());
        assertEquals(Boolean.TRUE, e.rules().get(1).value());
        assertEquals(Boolean.FALSE, e.rules().get(2).value());
        assertTrue(e.rules().get(3).isError());
        assertEquals(Step.DENY, e.decision().step());
        assertEquals("deny: true".substring(6), e.rules().get(1).rule().source());
    }

    @Test
    void evaluationErrorsAreReportedPerRuleWithTheirMessage() {
        Explanation e = explain(List.of(
                "allow: " + ERROR,
                "allow: request.headers[\"x-missing\"] == \"1\"",
                "allow: 1 / (source.port - source.port) == 1",
                "allow: true"));
        for (int i = 0; i < 3; i++) {
            RuleResult r = e.rules().get(i);
            assertTrue(r.isError(), "rule " + i);
            assertNull(r.value());
            assertFalse(r.error().isBlank(), "rule " + i + " has a message");
            assertFalse(r.error().contains("\n"), "one line");
        }
        assertTrue(e.rules().get(0).error().contains("email"), e.rules().get(0).error());
        assertTrue(e.rules().get(1).error().contains("x-missing"), e.rules().get(1).error());
        assertTrue(e.rules().get(2).error().contains("by zero"), e.rules().get(2).error());
        assertEquals(Boolean.TRUE, e.rules().get(3).value());
        assertFalse(e.decision().allowed());
        assertEquals(0, e.decision().rule().rule().index());
    }

    @Test
    void aNonBoolResultIsAnError() {
        // jwt.sub is dyn: accepted at compile time, checked when evaluated.
        Explanation e = explain(TestRequest.get("/").withClaims(Map.of("sub", "alice")), List.of("allow: jwt.sub"));
        assertEquals("returned String, not a bool", e.rules().get(0).error());
        assertFalse(e.decision().allowed());
        assertEquals(Step.ALLOW, e.decision().step());
    }

    @Test
    void theSameRulesEvaluateCleanlyOnceTheClaimIsThere() {
        Explanation e = explain(TestRequest.get("/").withClaims(Map.of("email", "x")), List.of("allow: " + ERROR));
        assertEquals(Boolean.TRUE, e.rules().get(0).value());
        assertTrue(e.decision().allowed());
    }

    // --- explain and authorize agree, and both follow the contract ----------------------------------

    private static final List<String> ATOMS = List.of(
            "allow: true", "allow: false", "allow: " + ERROR,
            "deny: true", "deny: false", "deny: " + ERROR,
            "require: true", "require: false", "require: " + ERROR);

    /** Every list of up to three rules over {@link #ATOMS}: 1 + 9 + 81 + 729 cases. */
    static Stream<List<String>> ruleLists() {
        List<List<String>> all = new ArrayList<>();
        all.add(List.of());
        List<List<String>> previous = List.of(List.of());
        for (int length = 1; length <= 3; length++) {
            List<List<String>> next = new ArrayList<>();
            for (List<String> prefix : previous) {
                for (String atom : ATOMS) {
                    List<String> l = new ArrayList<>(prefix);
                    l.add(atom);
                    next.add(List.copyOf(l));
                }
            }
            all.addAll(next);
            previous = next;
        }
        return all.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("ruleLists")
    void explainAndAuthorizeAgreeAndFollowTheContract(List<String> specs) {
        Authorizer authorizer = new Authorizer("route", AuthorizerTest.rules(specs));
        TestRequest anonymous = TestRequest.get("/");
        Explanation e = authorizer.explain(anonymous.variables());
        boolean authorized = authorizer.authorize(anonymous.variables()).allowed();

        assertEquals(authorized, e.decision().allowed(), "explain agrees with authorize");
        Contract expected = Contract.decide(specs);
        assertEquals(expected.allowed, authorized, "allowed per docs/reference.md#authorization");
        assertEquals(expected.step, e.decision().step().number(), "step per docs/reference.md#authorization");
        assertEquals(specs.size(), e.rules().size());
        for (int i = 0; i < specs.size(); i++) {
            String outcome = specs.get(i).substring(specs.get(i).indexOf(':') + 2);
            RuleResult r = e.rules().get(i);
            if (outcome.equals(ERROR)) {
                assertTrue(r.isError(), specs.get(i));
            } else {
                assertEquals(Boolean.valueOf(outcome), r.value(), specs.get(i));
            }
        }
    }

    /**
     * The decision order of docs/reference.md#authorization read literally over outcomes ("true", "false", or an
     * error), independent of CEL.
     */
    private record Contract(boolean allowed, int step) {

        static Contract decide(List<String> specs) {
            if (specs.isEmpty()) {
                return new Contract(true, 1);
            }
            if (any(specs, "deny", o -> !o.equals("false"))) {
                return new Contract(false, 2);
            }
            if (any(specs, "require", o -> !o.equals("true"))) {
                return new Contract(false, 3);
            }
            if (any(specs, "allow", o -> o.equals(ERROR))) {
                return new Contract(false, 4);
            }
            if (any(specs, "allow", o -> o.equals("true"))) {
                return new Contract(true, 4);
            }
            return new Contract(!any(specs, "allow", o -> true), 5);
        }

        private static boolean any(List<String> specs, String kind, java.util.function.Predicate<String> outcome) {
            return specs.stream().anyMatch(s -> s.startsWith(kind + ":") && outcome.test(s.substring(kind.length() + 2)));
        }
    }
}
