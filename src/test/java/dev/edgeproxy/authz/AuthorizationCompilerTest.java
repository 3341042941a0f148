package dev.edgeproxy.authz;

import dev.edgeproxy.cel.CelEnvironment;
import dev.edgeproxy.config.GatewayConfig;
import dev.edgeproxy.config.Problems;
import dev.edgeproxy.testing.Configs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import static dev.edgeproxy.testing.Configs.assertOnlyProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code policies.authorization}: each mistake is one problem naming the rule and its field, reported by the
 * compiler through its scoped sink, and read the same way through the whole configuration path.
 */
class AuthorizationCompilerTest {

    private static final CelEnvironment CEL = new CelEnvironment();

    /** Route {@code r} whose {@code policies.authorization} is {@code authorization} (YAML, unindented). */
    private static String route(String authorization) {
        return Configs.policyRoute("authorization:\n" + authorization.indent(2));
    }

    static Stream<Arguments> configurationErrors() {
        return Stream.of(
                Arguments.of("CEL rule that does not compile", """
                        rules:
                          - allow: 'request.path =='
                        """, "policies.authorization.rules[0].allow", "invalid CEL expression"),
                Arguments.of("CEL rule with an undeclared variable", """
                        rules:
                          - require: 'true'
                          - deny: 'nosuchvar == "x"'
                        """, "policies.authorization.rules[1].deny", "undeclared reference to 'nosuchvar'"),
                Arguments.of("CEL rule that does not return bool", """
                        rules:
                          - allow: 'request.path'
                        """, "policies.authorization.rules[0].allow", "returns string"),
                Arguments.of("CEL require rule returning int", """
                        rules:
                          - require: 'source.port + 1'
                        """, "policies.authorization.rules[0].require", "returns int"),
                Arguments.of("rule with both allow and deny", """
                        rules:
                          - allow: 'true'
                            deny: 'false'
                        """, "policies.authorization.rules[0]", "exactly one of allow, deny or require"));
    }

    /** Compiles {@code authorization} as the route compiler does, with a sink scoped to the policy. */
    private static List<String> problemsOf(String authorization) {
        GatewayConfig.Authorization config = Configs.policiesOf(route(authorization)).authorization().orElseThrow();
        Problems problems = new Problems();
        new AuthorizationCompiler(CEL, Duration.ofSeconds(10))
                .compile("r", config, problems.scope("route 'r'", "policies.authorization"));
        return problems.all();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("configurationErrors")
    void theCompilerReportsTheRuleAndField(String description, String authorization, String field, String reason) {
        assertOnlyProblem(problemsOf(authorization), field, reason);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("configurationErrors")
    void theWholeConfigurationPathReportsTheSameLine(String description, String authorization, String field,
            String reason) {
        assertEquals(problemsOf(authorization), Configs.compileFails(route(authorization)).errors());
    }

    @Test
    void theErrorCasesAreValidWithoutTheMistake() {
        Authorizer authorizer = Configs.route(Configs.compile(route("""
                rules:
                  - require: 'true'
                  - deny: 'request.path == "/x"'
                """)), "r").policies().find(Authorizer.class);
        assertTrue(authorizer.hasRules());
    }
}
