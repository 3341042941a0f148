package dev.edgeproxy.config;

import dev.edgeproxy.authz.Authorizer;
import dev.edgeproxy.cel.CelEnvironment;
import dev.edgeproxy.compile.RouteCompiler;
import dev.edgeproxy.route.Route;
import dev.edgeproxy.route.RouteMatch;
import dev.edgeproxy.testing.Configs;
import dev.edgeproxy.transform.HeaderTransform;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.stream.Stream;

import static dev.edgeproxy.testing.Configs.assertReported;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An empty YAML list ({@code []}) is either "none", as if left out, or refused with route and field;
 * never SmallRye's {@code SRCFG00050 ... does not map to any root}. Bound as at startup: unknown keys
 * refused, the application's interceptor in place.
 */
class EmptyListsTest {

    private static final String JWKS = "'{\"keys\": []}'";

    /** A route {@code r} with one backend plus {@code extra} (route-level YAML, unindented). */
    private static String route(String extra) {
        return "gateway:\n  routes:\n    - name: r\n      backends: [{host: \"127.0.0.1:8081\"}]\n" + extra.indent(6);
    }

    private static Route compiled(String yaml) {
        GatewayConfig config = Configs.bindAsAtStartup(yaml);
        return RouteCompiler.compile(config, new CelEnvironment()).routes().get(0);
    }

    @Test
    void emptyRulesMeanNoRules() {
        Route r = compiled(route("""
                policies:
                  authorization:
                    rules: []"""));
        assertNull(r.policies().find(Authorizer.class), "an empty rule list is no authorization policy: all allowed");
    }

    @Test
    void emptyHeaderAndQueryConditionsMeanNone() {
        Route r = compiled(route("""
                matches:
                  - path: {pathPrefix: /api}
                    headers: []
                    query: []"""));
        RouteMatch m = r.matches().get(0);
        assertEquals(List.of(), m.headers());
        assertEquals(List.of(), m.query());
    }

    @Test
    void emptyRemoveRemovesNothing() {
        Route r = compiled(route("""
                policies:
                  transformations:
                    request:
                      remove: []
                      add: {x-route: '"r"'}"""));
        assertFalse(r.policies().find(HeaderTransform.class).isEmpty(), "the rest of the transformation stays");
        assertEquals(1, Configs.bind(route("""
                policies:
                  transformations:
                    request:
                      remove: []
                      set: {x-a: '"1"'}""")).routes().orElseThrow().size());
    }

    @Test
    void emptyRoutesMeanNoRoutesWhichStartupThenRefuses() {
        GatewayConfig config = Configs.bindAsAtStartup("gateway:\n  routes: []\n");
        assertTrue(ConfigLoader.hasNoRoutes(config));
        InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> ConfigLoader.usesSample(config, true));
        assertTrue(e.getMessage().contains("gateway.routes: no routes configured"), e::getMessage);
    }

    static Stream<Arguments> refused() {
        return Stream.of(
                Arguments.of("hostnames", route("hostnames: []"), "hostnames", "match any host"),
                Arguments.of("matches", route("matches: []"), "matches", "match every path"),
                Arguments.of("backends", """
                        gateway:
                          routes:
                            - name: r
                              backends: []
                        """, "backends", "at least one backend"),
                Arguments.of("audiences", route("""
                        policies:
                          jwtAuth:
                            issuer: i
                            audiences: []
                            jwks: {inline: %s}""".formatted(JWKS)), "policies.jwtAuth.audiences", "accept any audience"),
                Arguments.of("providers", route("""
                        policies:
                          jwtAuth:
                            providers: []"""), "policies.jwtAuth.providers", "at least one provider"),
                Arguments.of("a provider's audiences", route("""
                        policies:
                          jwtAuth:
                            providers:
                              - issuer: i
                                audiences: []
                                jwks: {inline: %s}""".formatted(JWKS)),
                        "policies.jwtAuth.providers[0].audiences", "accept any audience"),
                // Bound as absent, an empty list would let every Origin through.
                Arguments.of("websocketAllowedOrigins", route("websocket: true\nwebsocketAllowedOrigins: []"),
                        "websocketAllowedOrigins", "to accept any Origin, or list at least one"));
    }

    @ParameterizedTest(name = "{0}: []")
    @MethodSource("refused")
    void emptyListsThatWouldWidenOrMeanNothingAreRefused(String what, String yaml, String field, String advice) {
        InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> Configs.bindAsAtStartup(yaml));
        assertReported(e, "route 'r'", field);
        assertTrue(e.getMessage().contains(field + ": is an empty list; "), e::getMessage);
        assertTrue(e.getMessage().contains(advice), e::getMessage);
        assertFalse(e.getMessage().contains("SRCFG"), e::getMessage);
    }

    @Test
    void everyRefusedListIsReportedAtOnceAndAnUnnamedRouteByIndex() {
        InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> Configs.bindAsAtStartup("""
                gateway:
                  routes:
                    - name: first
                      hostnames: []
                      backends: [{host: "127.0.0.1:8081"}]
                    - backends: []
                """));
        assertEquals(2, e.errors().size(), e::getMessage);
        assertReported(e, "route 'first'", "hostnames");
        assertReported(e, "route #1", "backends");
    }

    @Test
    void listsWithValuesAndKeysLeftOutAreUntouched() {
        Route r = compiled(route("""
                hostnames: [api.example.com]
                matches:
                  - path: {pathPrefix: /api}
                    headers:
                      - name: x-env
                        value: {exact: prod}
                policies:
                  authorization:
                    rules:
                      - allow: 'request.method == "GET"'"""));
        assertTrue(r.policies().find(Authorizer.class).hasRules());
        assertEquals(1, r.matches().get(0).headers().size());
        Route bare = compiled(route(""));
        assertEquals(List.of(RouteMatch.ANY), bare.matches());
    }
}
