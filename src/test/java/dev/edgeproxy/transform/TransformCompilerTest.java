package dev.edgeproxy.transform;

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
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * {@code policies.transformations}: each mistake is one problem naming the header's field, reported by the
 * compiler through its scoped sink, and read the same way through the whole configuration path.
 */
class TransformCompilerTest {

    private static final CelEnvironment CEL = new CelEnvironment();

    /** Route {@code r} whose {@code policies.transformations} is {@code transformations} (YAML, unindented). */
    private static String route(String transformations) {
        return Configs.policyRoute("transformations:\n" + transformations.indent(2));
    }

    static Stream<Arguments> configurationErrors() {
        return Stream.of(
                Arguments.of("set on a hop-by-hop header", """
                        request:
                          set: {connection: '"close"'}
                        """, "policies.transformations.request.set.connection", "managed by the proxy"),
                Arguments.of("remove of a hop-by-hop header", """
                        request:
                          remove: [x-debug, transfer-encoding]
                        """, "policies.transformations.request.remove[1]", "managed by the proxy"));
    }

    /** Compiles {@code transformations} as the route compiler does, with a sink scoped to the policy. */
    private static List<String> problemsOf(String transformations) {
        GatewayConfig.Transformations config = Configs.policiesOf(route(transformations)).transformations().orElseThrow();
        Problems problems = new Problems();
        new TransformCompiler(CEL, Duration.ofSeconds(10))
                .compile("r", config, problems.scope("route 'r'", "policies.transformations"));
        return problems.all();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("configurationErrors")
    void theCompilerReportsTheHeadersField(String description, String transformations, String field, String reason) {
        assertOnlyProblem(problemsOf(transformations), field, reason);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("configurationErrors")
    void theWholeConfigurationPathReportsTheSameLine(String description, String transformations, String field,
            String reason) {
        assertEquals(problemsOf(transformations), Configs.compileFails(route(transformations)).errors());
    }

    @Test
    void theErrorCasesAreValidWithoutTheMistake() {
        HeaderTransform transform = Configs.route(Configs.compile(route("""
                request:
                  set: {x-env: '"prod"'}
                  remove: [x-debug]
                """)), "r").policies().find(HeaderTransform.class);
        assertFalse(transform.isEmpty());
    }
}
