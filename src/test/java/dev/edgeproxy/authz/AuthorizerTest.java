package dev.edgeproxy.authz;

import dev.edgeproxy.cel.CelEnvironment;
import dev.edgeproxy.cel.RequestVariables;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * docs/reference.md#authorization: the five-step decision order, evaluation errors denying whatever the rule's kind,
 * and the variables and functions rules can use. Rules are compiled through the real {@link CelEnvironment}.
 */
class AuthorizerTest {

    private static final CelEnvironment ENV = new CelEnvironment();

    /** An expression that fails to evaluate for an anonymous request: the claim is absent. */
    private static final String ERROR = "jwt.email == \"x\"";

    /** A request carrying a value for every variable of the table in docs/reference.md#cel-variables. */
    private static final TestRequest FULL = new TestRequest(
            "GET",
            "/admin/users",
            "/admin/users?debug=1&x=2",
            "api.example.com",
            "https",
            Map.of("x-env", "prod", "accept", "text/html,application/json"),
            Map.of("debug", "1", "x", "2"),
            "192.0.2.7",
            54321,
            Map.of(
                    "sub", "Alice",
                    "aud", "test.agentgateway.dev",
                    "groups", List.of("admins", "dev"),
                    "n", 5L,
                    "score", 4.5d,
                    "level", 3.0d,
                    "nums", List.of(1L, 2L),
                    "doubles", List.of(3.0d),
                    "admin", true,
                    "org", Map.of("id", "acme")));

    // ---------------------------------------------------------------------------------------------
    // helpers

    /** Parses "kind: expression" specs into compiled rules, in order. */
    static List<Rule> rules(List<String> specs) {
        List<Rule> out = new ArrayList<>();
        for (int i = 0; i < specs.size(); i++) {
            String spec = specs.get(i);
            int colon = spec.indexOf(':');
            Rule.Kind kind = Rule.Kind.valueOf(spec.substring(0, colon).strip().toUpperCase(java.util.Locale.ROOT));
            String source = spec.substring(colon + 1).strip();
            out.add(new Rule(kind, i, source, ENV.compileCondition(source)));
        }
        return out;
    }

    static boolean authorize(TestRequest request, String... specs) {
        return new Authorizer("route", rules(List.of(specs))).authorize(new RequestVariables(request)).allowed();
    }

    /**
     * Asserts {@code expr} evaluates cleanly to {@code expected}: as an allow rule it must give
     * {@code expected}, and its negation must give the opposite. An erroring expression denies both
     * ways, so it can never pass for a false one.
     */
    static void assertValue(TestRequest request, String expr, boolean expected) {
        assertEquals(expected, authorize(request, "allow: " + expr), () -> "allow: " + expr);
        assertEquals(!expected, authorize(request, "allow: !(" + expr + ")"), () -> "allow: !(" + expr + ")");
    }

    // ---------------------------------------------------------------------------------------------
    // decision order

    static Stream<Arguments> decisionOrder() {
        return Stream.of(
                arguments("1. no rules allow", List.of(), true),
                arguments("2. a true deny denies", List.of("deny: true"), false),
                arguments("2. a false deny alone allows", List.of("deny: false"), true),
                arguments("2. any true deny among several denies", List.of("deny: false", "deny: true"), false),
                arguments("2. a true deny beats a true allow", List.of("allow: true", "deny: true"), false),
                arguments("2. a true deny beats a true require", List.of("require: true", "deny: true"), false),
                arguments("3. a true require alone allows", List.of("require: true"), true),
                arguments("3. a false require denies", List.of("require: false"), false),
                arguments("3. one false require among several denies", List.of("require: true", "require: false"), false),
                arguments("3. a false require beats a true allow", List.of("allow: true", "require: false"), false),
                arguments("4. a true allow allows", List.of("allow: true"), true),
                arguments("4. one true allow among false ones allows (true last)", List.of("allow: false", "allow: true"), true),
                arguments("4. one true allow among false ones allows (true first)", List.of("allow: true", "allow: false"), true),
                arguments("4. true require and true allow allow", List.of("require: true", "allow: true"), true),
                arguments("4. false deny, true require, one true allow allow",
                        List.of("deny: false", "require: true", "allow: false", "allow: true"), true),
                arguments("5. only false allows deny", List.of("allow: false"), false),
                arguments("5. several false allows deny", List.of("allow: false", "allow: false"), false),
                arguments("5. true require but no true allow denies when an allow rule exists",
                        List.of("require: true", "allow: false"), false),
                arguments("5. false deny and true require without allow rules allow",
                        List.of("deny: false", "require: true"), true),
                arguments("5. only false denies allow", List.of("deny: false", "deny: false"), true));
    }

    @ParameterizedTest(name = "{0}: {1} -> {2}")
    @MethodSource("decisionOrder")
    void decisionOrderOfContractSection4(String description, List<String> specs, boolean expected) {
        assertEquals(expected, authorize(TestRequest.get("/"), specs.toArray(String[]::new)));
    }

    @Test
    void noRulesMeansNoRulesAndAllowAllAllows() {
        Authorizer empty = new Authorizer("route", List.of());
        assertFalse(empty.hasRules());
        assertTrue(empty.authorize(TestRequest.get("/").variables()).allowed());
        assertTrue(Authorizer.ALLOW_ALL.authorize(TestRequest.get("/").variables()).allowed());
        assertTrue(new Authorizer("route", rules(List.of("allow: false"))).hasRules());
    }

    // ---------------------------------------------------------------------------------------------
    // evaluation errors deny, whatever the rule's kind

    static Stream<Arguments> evaluationErrors() {
        String absentHeader = "request.headers[\"x-missing\"] == \"1\"";
        String absentQuery = "request.query[\"missing\"] == \"1\"";
        return Stream.of(
                arguments("absent claim in allow", List.of("allow: " + ERROR)),
                arguments("absent claim in deny (the reference would let it pass)", List.of("deny: " + ERROR)),
                arguments("absent claim in require", List.of("require: " + ERROR)),
                arguments("absent claim in negated deny", List.of("deny: !(" + ERROR + ")")),
                arguments("absent header key in allow", List.of("allow: " + absentHeader)),
                arguments("absent header key in deny", List.of("deny: " + absentHeader)),
                arguments("absent header key in require", List.of("require: " + absentHeader)),
                arguments("absent query key in deny", List.of("deny: " + absentQuery)),
                arguments("erroring allow beside a true allow", List.of("allow: true", "allow: " + ERROR)),
                arguments("erroring allow before a true allow", List.of("allow: " + ERROR, "allow: true")),
                arguments("erroring deny beside a true allow", List.of("deny: " + ERROR, "allow: true")),
                arguments("erroring deny after a false deny", List.of("deny: false", "deny: " + ERROR)),
                arguments("erroring require beside a true allow", List.of("require: " + ERROR, "allow: true")),
                arguments("erroring require after a true require", List.of("require: true", "require: " + ERROR)),
                arguments("division by zero", List.of("allow: 1 / (source.port - source.port) == 1")));
    }

    @ParameterizedTest(name = "{0}: {1} -> deny")
    @MethodSource("evaluationErrors")
    void evaluationErrorDenies(String description, List<String> specs) {
        TestRequest anonymous = TestRequest.get("/");
        assertFalse(authorize(anonymous, specs.toArray(String[]::new)));
    }

    @Test
    void theSameRulesAllowOnceTheMissingValuesArePresent() {
        // Control for evaluationErrorDenies: the rules are fine, only the absent values made them fail.
        TestRequest present = TestRequest.get("/")
                .withClaims(Map.of("email", "x"))
                .withHeaders(Map.of("x-missing", "1"));
        assertTrue(authorize(present, "allow: " + ERROR));
        assertTrue(authorize(present, "require: " + ERROR));
        assertTrue(authorize(present, "deny: !(" + ERROR + ")"));
        assertTrue(authorize(present, "require: request.headers[\"x-missing\"] == \"1\""));
    }

    @Test
    void hasOnEmptyClaimsIsFalseNotAnError() {
        TestRequest anonymous = TestRequest.get("/");
        assertValue(anonymous, "has(jwt.sub)", false);
        assertTrue(authorize(anonymous, "require: !has(jwt.sub)"));
        assertTrue(authorize(anonymous, "allow: !has(jwt.sub) || jwt.sub == \"x\""));
        assertValue(anonymous.withClaims(Map.of("sub", "x")), "has(jwt.sub)", true);
    }

    // ---------------------------------------------------------------------------------------------
    // the seed's rule, verbatim

    static final String SEED = "request.path == \"/admin\" && jwt.groups.contains(\"admins\")";

    static Stream<Arguments> seedRule() {
        return Stream.of(
                arguments("admin at /admin", "/admin", Map.of("groups", List.of("dev", "admins")), true),
                arguments("non-admin at /admin", "/admin", Map.of("groups", List.of("dev")), false),
                arguments("admin elsewhere", "/other", Map.of("groups", List.of("admins")), false),
                arguments("anonymous at /admin", "/admin", Map.of(), false),
                arguments("anonymous elsewhere", "/other", Map.of(), false));
    }

    @ParameterizedTest(name = "{0} -> {3}")
    @MethodSource("seedRule")
    void seedRuleVerbatim(String description, String path, Map<String, Object> claims, boolean expected) {
        assertEquals(expected, authorize(TestRequest.get(path).withClaims(claims), "allow: " + SEED));
    }

    @Test
    void seedRuleForAnAnonymousRequestAtAdminIsAnErrorNotFalse() {
        // As a deny rule the seed's expression would be false for a non-admin but errors for anonymous:
        // jwt.groups is absent, and an erroring deny denies.
        String negated = "deny: !(" + SEED + ")";
        assertTrue(authorize(TestRequest.get("/admin").withClaims(Map.of("groups", List.of("admins"))), negated));
        assertFalse(authorize(TestRequest.get("/admin").withClaims(Map.of("groups", List.of("dev"))), negated));
        assertFalse(authorize(TestRequest.get("/admin"), negated));
    }

    // ---------------------------------------------------------------------------------------------
    // variables, functions and macros

    static Stream<Arguments> expressions() {
        return Stream.of(
                // every variable of the table
                arguments("request.method == \"GET\"", true),
                arguments("request.method == \"POST\"", false),
                arguments("request.path == \"/admin/users\"", true),
                arguments("request.path == \"/admin/users?debug=1&x=2\"", false),
                arguments("request.pathAndQuery == \"/admin/users?debug=1&x=2\"", true),
                arguments("request.host == \"api.example.com\"", true),
                arguments("request.scheme == \"https\"", true),
                arguments("request.scheme == \"http\"", false),
                arguments("request.headers[\"x-env\"] == \"prod\"", true),
                arguments("request.headers[\"accept\"] == \"text/html,application/json\"", true),
                arguments("\"x-env\" in request.headers", true),
                arguments("\"x-other\" in request.headers", false),
                arguments("has(request.headers.accept)", true),
                arguments("request.query[\"debug\"] == \"1\"", true),
                arguments("request.query.x == \"2\"", true),
                arguments("has(request.query.nope)", false),
                arguments("source.address == \"192.0.2.7\"", true),
                arguments("source.port == 54321", true),
                arguments("source.port > 1024 && source.port < 65536", true),
                arguments("jwt.sub == \"Alice\"", true),
                arguments("jwt.aud == \"test.agentgateway.dev\"", true),
                arguments("jwt.org.id == \"acme\"", true),
                arguments("jwt.admin", true),
                arguments("jwt.admin == true", true),
                // list membership
                arguments("\"admins\" in jwt.groups", true),
                arguments("\"root\" in jwt.groups", false),
                arguments("jwt.groups.contains(\"admins\")", true),
                arguments("jwt.groups.contains(\"root\")", false),
                arguments("[\"a\", \"b\"].contains(\"b\")", true),
                // standard string functions next to the list contains()
                arguments("request.host.contains(\"example\")", true),
                arguments("request.host.contains(\"nope\")", false),
                arguments("request.path.startsWith(\"/a\")", true),
                arguments("request.path.startsWith(\"/b\")", false),
                arguments("request.path.endsWith(\"/users\")", true),
                arguments("request.path.matches(\"^/admin/[a-z]+$\")", true),
                arguments("size(request.path) == 12", true),
                // strings extension
                arguments("jwt.sub.lowerAscii() == \"alice\"", true),
                arguments("jwt.sub.lowerAscii() == \"Alice\"", false),
                arguments("request.host.upperAscii() == \"API.EXAMPLE.COM\"", true),
                arguments("request.path.split(\"/\").size() == 3", true),
                arguments("request.path.substring(1, 6) == \"admin\"", true),
                arguments("request.path.indexOf(\"users\") == 7", true),
                arguments("request.path.lastIndexOf(\"/\") == 6", true),
                arguments("request.path.charAt(1) == \"a\"", true),
                arguments("request.host.replace(\"api.\", \"\") == \"example.com\"", true),
                arguments("\"  x \".trim() == \"x\"", true),
                arguments("jwt.groups.join(\",\") == \"admins,dev\"", true),
                // macros
                arguments("jwt.groups.exists(g, g == \"admins\")", true),
                arguments("jwt.groups.exists(g, g == \"root\")", false),
                arguments("jwt.groups.all(g, size(g) >= 3)", true),
                arguments("jwt.groups.all(g, g.startsWith(\"a\"))", false),
                arguments("jwt.groups.exists_one(g, g.startsWith(\"a\"))", true),
                arguments("jwt.groups.filter(g, g != \"dev\").size() == 1", true),
                arguments("jwt.groups.map(g, g.upperAscii())[0] == \"ADMINS\"", true),
                arguments("size(jwt.groups) == 2", true),
                arguments("has(jwt.sub)", true),
                arguments("has(jwt.email)", false),
                // numbers from claims: JSON integers arrive as Long, fractions as Double
                arguments("jwt.n == 5", true),
                arguments("jwt.n == 6", false),
                arguments("jwt.n > 4 && jwt.n < 6", true),
                arguments("jwt.n >= 5", true),
                arguments("jwt.nums.contains(2)", true),
                arguments("2 in jwt.nums", true),
                arguments("jwt.nums.contains(3)", false),
                arguments("jwt.doubles.contains(3)", true));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("expressions")
    void expressionEvaluatesOverTheRequestVariables(String expr, boolean expected) {
        assertValue(FULL, expr, expected);
    }

    static Stream<Arguments> numericClaimsSameKindOrEquality() {
        return Stream.of(
                arguments("jwt.level == 3", true),
                arguments("jwt.level != 3", false),
                arguments("jwt.score == 4", false),
                arguments("jwt.n == 5.0", true),
                arguments("jwt.score > 4.4", true),
                arguments("jwt.score < 4.6", true),
                arguments("jwt.score >= 4.5", true),
                arguments("double(jwt.n) < 5.5", true),
                arguments("int(jwt.score) == 4", true));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("numericClaimsSameKindOrEquality")
    void numericClaimsCompareWithEqualityAcrossIntAndDouble(String expr, boolean expected) {
        assertValue(FULL, expr, expected);
    }

    static Stream<Arguments> numericClaimsOrderedAcrossIntAndDouble() {
        return Stream.of(
                arguments("jwt.score > 4", true),
                arguments("jwt.score < 5", true),
                arguments("jwt.score >= 5", false),
                arguments("jwt.level >= 3", true),
                arguments("jwt.level < 3", false),
                arguments("jwt.n < 5.5", true),
                arguments("jwt.n > 5.5", false));
    }

    /**
     * A JSON number claim with a fraction arrives as Double; {@code jwt.score > 4} compares it with an int
     * literal. Standard CEL orders numbers across int, uint and double, but the environment is built
     * without {@code CelOptions.enableHeterogeneousNumericComparisons}, so the checker binds only
     * {@code greater_int64} and evaluation fails with "No matching overload": the rule denies.
     */
    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("numericClaimsOrderedAcrossIntAndDouble")
    void numericClaimsOrderAcrossIntAndDouble(String expr, boolean expected) {
        assertValue(FULL, expr, expected);
    }

    @Test
    void variablesAreResolvedByTheirDottedNames() {
        RequestVariables vars = FULL.variables();
        assertEquals("GET", vars.find(RequestVariables.METHOD).orElseThrow());
        assertEquals(54321L, vars.find(RequestVariables.SOURCE_PORT).orElseThrow());
        assertEquals(FULL.headers(), vars.find(RequestVariables.HEADERS).orElseThrow());
        assertEquals(FULL.claims(), vars.find(RequestVariables.JWT).orElseThrow());
        assertTrue(vars.find("request").isEmpty());
        assertTrue(vars.find("nope").isEmpty());
    }
}
