package dev.edgeproxy.authz;

import dev.cel.common.types.SimpleType;
import dev.cel.runtime.CelRuntime;
import dev.edgeproxy.cel.CelEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Compile-time checks of rules (docs/reference.md#authorization and docs/reference.md#cel-variables): a rule must
 * parse, type-check and return bool.
 */
class CelEnvironmentTest {

    private static final CelEnvironment ENV = new CelEnvironment();
    private static final Set<dev.cel.common.types.CelType> BOOL = Set.of(SimpleType.BOOL);

    @ParameterizedTest(name = "syntax error refused: {0}")
    @ValueSource(strings = {
            "request.path ==",
            "request.path == \"/admin",
            "(request.path == \"/\"",
            "&& true",
            "jwt.groups.exists(g, )",
            ""})
    void syntaxErrorIsRefused(String source) {
        assertThrows(IllegalArgumentException.class, () -> ENV.compile(source, BOOL));
    }

    @ParameterizedTest(name = "non-bool result refused: {0}")
    @ValueSource(strings = {
            "request.path",
            "1 + 2",
            "source.port",
            "request.headers",
            "request.headers[\"x\"]",
            "\"true\"",
            "[true]",
            "request.path.size()"})
    void nonBoolResultIsRefused(String source) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ENV.compile(source, BOOL));
        assertTrue(e.getMessage().contains("expected"), e.getMessage());
    }

    @ParameterizedTest(name = "type error refused: {0}")
    @ValueSource(strings = {
            "foo.bar == 1",
            "foo == 1",
            "request.nope == \"x\"",
            "source.port == \"1\"",
            "request.path == 1",
            "request.path.lowerAscii(1) == \"x\"",
            "request.path.noSuchFunction()",
            "request.path + 1 == \"x\""})
    void unknownVariableOrTypeMismatchIsRefused(String source) {
        assertThrows(IllegalArgumentException.class, () -> ENV.compile(source, BOOL));
    }

    @ParameterizedTest(name = "accepted: {0}")
    @ValueSource(strings = {
            "true",
            "request.path == \"/admin\" && jwt.groups.contains(\"admins\")",
            "source.port > 1024",
            "has(jwt.sub)",
            "request.headers[\"x-block\"] == \"1\"",
            "jwt.groups.exists(g, g == \"x\")"})
    void wellTypedBoolRuleIsAccepted(String source) {
        assertNotNull(ENV.compile(source, BOOL));
    }

    @Test
    void resultTypeIsCheckedAgainstTheGivenSet() {
        assertNotNull(ENV.compile("request.path", Set.of(SimpleType.STRING)));
        assertNotNull(ENV.compile("source.port", Set.of(SimpleType.STRING, SimpleType.INT)));
        assertThrows(IllegalArgumentException.class, () -> ENV.compile("source.port", Set.of(SimpleType.STRING)));
        assertThrows(IllegalArgumentException.class, () -> ENV.compile("1.5", Set.of(SimpleType.STRING, SimpleType.INT)));
    }

    @Test
    void dynResultIsAcceptedAtCompileTime() throws Exception {
        CelRuntime.Program program = ENV.compile("jwt.admin", BOOL);
        assertEquals(true, program.eval(TestRequest.get("/").withClaims(Map.of("admin", true)).variables()));
        assertEquals("yes", program.eval(TestRequest.get("/").withClaims(Map.of("admin", "yes")).variables()));
    }

    @Test
    void dynRuleWithBoolValueDecides() {
        assertTrue(authorize("allow: jwt.admin", Map.of("admin", true)));
        assertFalse(authorize("allow: jwt.admin", Map.of("admin", false)));
        assertTrue(authorize("deny: jwt.admin", Map.of("admin", false)));
    }

    @ParameterizedTest(name = "non-bool value at run time denies in {0} rule")
    @ValueSource(strings = {"allow", "deny", "require"})
    void dynRuleWithNonBoolValueAtRunTimeDenies(String kind) {
        for (Object value : List.of("yes", "true", 1L, 0L, List.of(true), Map.of())) {
            assertFalse(authorize(kind + ": jwt.admin", Map.of("admin", value)), () -> kind + " with " + value);
        }
    }

    @Test
    void dynRuleWithNonBoolValueDeniesEvenBesideATrueAllow() {
        assertFalse(AuthorizerTest.authorize(TestRequest.get("/").withClaims(Map.of("admin", "yes")),
                "allow: true", "allow: jwt.admin"));
    }

    private static boolean authorize(String spec, Map<String, Object> claims) {
        return AuthorizerTest.authorize(TestRequest.get("/").withClaims(claims), spec);
    }
}
