package dev.edgeproxy.compile;

import dev.edgeproxy.authz.Authorizer;
import dev.edgeproxy.config.InvalidConfigException;
import dev.edgeproxy.jwt.JwtAuthenticator;
import dev.edgeproxy.jwt.JwtMode;
import dev.edgeproxy.proxy.Backend;
import dev.edgeproxy.ratelimit.LocalRateLimit;
import dev.edgeproxy.route.PathMatch;
import dev.edgeproxy.route.Route;
import dev.edgeproxy.route.RouteMatch;
import dev.edgeproxy.route.RoutePolicy;
import dev.edgeproxy.route.RouteTable;
import dev.edgeproxy.testing.TestKeys;
import dev.edgeproxy.transform.HeaderTransform;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import static dev.edgeproxy.testing.Configs.assertReported;
import static dev.edgeproxy.testing.Configs.compile;
import static dev.edgeproxy.testing.Configs.compileFails;
import static dev.edgeproxy.testing.Configs.jwksOf;
import static dev.edgeproxy.testing.Configs.policyRoute;
import static dev.edgeproxy.testing.Configs.route;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link RouteCompiler} over YAML bound the real way (SmallRye {@code @ConfigMapping}), one
 * configuration error per case: each must stop compilation with a message naming the route and the
 * field (docs/reference.md#configuration). Route-level fields only (names, hostnames, matches, backends,
 * timeout); each policy's errors are tested in its package, by its compiler's test.
 */
class RouteCompilerTest {

    /** Replaced in the YAML of a case by the per-test temporary directory (absolute). */
    private static final String DIR = "@DIR@";

    static KeyPair rsa;
    static String jwks;

    @TempDir
    Path tmp;

    @BeforeAll
    static void generateKey() throws Exception {
        rsa = TestKeys.rsa2048();
        jwks = jwksOf(rsa, "test-key");
    }

    @BeforeEach
    void writeKeyFiles() throws Exception {
        Files.writeString(tmp.resolve("jwks.json"), jwks);
    }

    // --- one error per case ----------------------------------------------------------------------

    /** A route named {@code r} with one backend, plus {@code extra} (route-level YAML, unindented). */
    private static String routeWith(String extra) {
        return "gateway:\n  routes:\n    - name: r\n      backends:\n        - host: 127.0.0.1:8081\n"
                + extra.indent(6);
    }

    private static String matchRoute(String matches) {
        return routeWith("matches:\n" + matches.indent(2));
    }

    static Stream<Arguments> configurationErrors() {
        return Stream.of(
                Arguments.of("invalid path regex", matchRoute("""
                        - path: {regex: "/v[0-9+/.*"}
                        """),
                        "route 'r'", "matches[0].path.regex", "invalid regex '/v[0-9+/.*'"),
                Arguments.of("invalid header value regex", matchRoute("""
                        - path: {pathPrefix: /}
                        - path: {pathPrefix: /api}
                          headers:
                            - name: x-env
                              value: {regex: "(prod"}
                        """),
                        "route 'r'", "matches[1].headers[0].value.regex", "invalid regex '(prod'"),
                Arguments.of("backend without port", """
                        gateway:
                          routes:
                            - name: r
                              backends:
                                - host: 127.0.0.1
                        """,
                        "route 'r'", "backends[0].host", "is not host:port"),
                Arguments.of("backend with a URL instead of host:port", """
                        gateway:
                          routes:
                            - name: r
                              backends:
                                - host: 127.0.0.1:8081
                                - host: "http://example.com:80"
                        """,
                        "route 'r'", "backends[1].host", "is not host:port"),
                Arguments.of("backend with port out of range", """
                        gateway:
                          routes:
                            - name: r
                              backends:
                                - host: example.com:70000
                        """,
                        "route 'r'", "backends[0].host", "port out of range"),
                Arguments.of("two routes with the same name", """
                        gateway:
                          routes:
                            - name: dup
                              backends:
                                - host: 127.0.0.1:8081
                            - name: dup
                              backends:
                                - host: 127.0.0.1:8082
                        """,
                        "route 'dup'", "name", "more than one route"),
                Arguments.of("missing name", """
                        gateway:
                          routes:
                            - name: first
                              backends:
                                - host: 127.0.0.1:8081
                            - backends:
                                - host: 127.0.0.1:8082
                        """,
                        "route #1", "name", "is required"),
                Arguments.of("missing backends", """
                        gateway:
                          routes:
                            - name: r
                              matches:
                                - path: {exact: /x}
                        """,
                        "route 'r'", "backends", "needs at least one backend"),
                Arguments.of("path with both exact and pathPrefix", matchRoute("""
                        - path: {exact: /a, pathPrefix: /b}
                        """),
                        "route 'r'", "matches[0].path", "found 2"),
                Arguments.of("path with both pathPrefix and regex", matchRoute("""
                        - path: {pathPrefix: /b, regex: "/c.*"}
                        """),
                        "route 'r'", "matches[0].path", "found 2"),
                Arguments.of("bad duration for requestTimeout", policyRoute("""
                        timeout:
                          requestTimeout: 15 parsecs
                        """),
                        "route 'r'", "policies.timeout.requestTimeout", "'15 parsecs' is not a duration"),
                Arguments.of("zero requestTimeout", policyRoute("""
                        timeout:
                          requestTimeout: 0s
                        """),
                        "route 'r'", "policies.timeout.requestTimeout", "greater than zero"),
                Arguments.of("bad hostname", routeWith("""
                        hostnames: [api.example.com, "bad_host!"]
                        """),
                        "route 'r'", "hostnames[1]", "'bad_host!' is not a hostname"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("configurationErrors")
    void configurationErrorNamesRouteAndField(String description, String yaml, String route, String field, String reason) {
        InvalidConfigException e = compileFails(yaml.replace(DIR, tmp.toString()));
        assertReported(e, route, field);
        assertTrue(e.errors().stream().anyMatch(err -> err.startsWith(route + ": " + field + ": ") && err.contains(reason)),
                () -> "no error for " + field + " saying \"" + reason + "\": " + e.errors());
        // Each case holds exactly one mistake; a second error would mean the case tests something else.
        assertEquals(1, e.errors().size(), () -> "expected exactly one error for " + description + ": " + e.errors());
    }

    @Test
    void overflowingDurationIsAConfigurationError() {
        InvalidConfigException e = compileFails(policyRoute("""
                timeout:
                  requestTimeout: 9223372036854775807h
                """));
        assertReported(e, "route 'r'", "policies.timeout.requestTimeout");
    }

    @Test
    void everyErrorOfAConfigurationIsReported() {
        String yaml = """
                gateway:
                  routes:
                    - name: alpha
                      backends:
                        - host: not-a-backend
                      policies:
                        jwtAuth:
                          mode: sometimes
                          issuer: test.issuer
                          jwks: {file: "@DIR@/jwks.json"}
                    - name: fine
                      backends:
                        - host: 127.0.0.1:8081
                    - name: beta
                      matches:
                        - path: {regex: "(unclosed"}
                      backends:
                        - host: 127.0.0.1:8082
                      policies:
                        authorization:
                          rules:
                            - allow: 'request.method'
                    - name: alpha
                      backends:
                        - host: 127.0.0.1:8083
                """.replace(DIR, tmp.toString());
        InvalidConfigException e = compileFails(yaml);
        assertReported(e, "route 'alpha'", "backends[0].host");
        assertReported(e, "route 'alpha'", "policies.jwtAuth.mode");
        assertReported(e, "route 'beta'", "matches[0].path.regex");
        assertReported(e, "route 'beta'", "policies.authorization.rules[0].allow");
        assertReported(e, "route 'alpha'", "name");
        assertEquals(5, e.errors().size(), () -> e.errors().toString());
        assertFalse(e.getMessage().contains("route 'fine'"), e::getMessage);
        for (String error : e.errors()) {
            assertTrue(e.getMessage().contains(error), () -> "message lacks " + error);
        }
    }

    // --- valid configurations --------------------------------------------------------------------

    @Test
    void validConfigurationCompilesWithDefaults() {
        String yaml = """
                gateway:
                  routes:
                    - name: catch-all
                      backends:
                        - host: 127.0.0.1:8081
                    - name: secured
                      matches:
                        - path: {pathPrefix: /api/}
                          method: get
                      backends:
                        - host: localhost:8082
                        - host: "[::1]:8083"
                      policies:
                        jwtAuth:
                          issuer: test.issuer
                          jwks: {file: "@DIR@/jwks.json"}
                        timeout:
                          requestTimeout: 2m
                    - name: strict
                      matches:
                        - path: {exact: /admin}
                      backends:
                        - host: 127.0.0.1:8084
                      policies:
                        jwtAuth:
                          mode: Strict
                          issuer: test.issuer
                          jwks:
                            inline: '@JWKS@'
                """.replace(DIR, tmp.toString()).replace("@JWKS@", jwks);
        RouteTable table = compile(yaml);

        assertEquals(List.of("catch-all", "secured", "strict"), table.routes().stream().map(Route::name).toList());

        Route catchAll = route(table, "catch-all");
        assertEquals(List.of(new RouteMatch(new PathMatch.Prefix("/"), null, List.of(), List.of())), catchAll.matches(),
                "absent matches means one match with path prefix /");
        assertEquals(Duration.ofSeconds(15), catchAll.requestTimeout(), "default request timeout");
        assertNull(catchAll.policies().find(JwtAuthenticator.class), "no jwtAuth policy, no authenticator");
        assertNull(catchAll.policies().find(Authorizer.class));
        assertNull(catchAll.policies().find(HeaderTransform.class));
        assertEquals(List.of(new Backend("127.0.0.1", 8081)), catchAll.backends().all());

        Route secured = route(table, "secured");
        assertNotNull(secured.policies().find(JwtAuthenticator.class));
        assertEquals(JwtMode.OPTIONAL, secured.policies().find(JwtAuthenticator.class).mode(), "default mode is optional");
        assertEquals(Duration.ofMinutes(2), secured.requestTimeout());
        assertEquals(1, secured.matches().size());
        assertEquals(new PathMatch.Prefix("/api"), secured.matches().get(0).path(), "/api/ and /api are the same prefix");
        assertEquals("GET", secured.matches().get(0).method());
        assertEquals(List.of(new Backend("localhost", 8082), new Backend("::1", 8083)), secured.backends().all());

        Route strict = route(table, "strict");
        assertEquals(JwtMode.STRICT, strict.policies().find(JwtAuthenticator.class).mode());
        assertEquals(new PathMatch.Exact("/admin"), strict.matches().get(0).path());
    }

    /** Written in any order, a route's policies run by phase: admission, authentication, rules, transformation. */
    @Test
    void policiesAreOrderedByPhase() {
        Route r = route(compile(policyRoute("""
                transformations:
                  request:
                    set: {x-user: 'jwt.sub'}
                authorization:
                  rules:
                    - allow: 'request.method == "GET"'
                localRateLimit: {maxTokens: 5, fillInterval: 1s}
                jwtAuth:
                  issuer: test.issuer
                  jwks:
                    inline: '@JWKS@'
                """.replace("@JWKS@", jwks))), "r");
        assertEquals(List.of(LocalRateLimit.class, JwtAuthenticator.class, Authorizer.class, HeaderTransform.class),
                r.policies().all().stream().map(Object::getClass).toList());
        assertEquals(List.of(RoutePolicy.Phase.BEFORE_AUTHENTICATION, RoutePolicy.Phase.AUTHENTICATION,
                RoutePolicy.Phase.AFTER_AUTHENTICATION, RoutePolicy.Phase.TRANSFORMATION),
                r.policies().all().stream().map(RoutePolicy::phase).toList());
    }

    @Test
    void noRoutesCompileToAnEmptyTable() {
        assertTrue(compile("gateway:\n  demo:\n    enabled: false\n").routes().isEmpty());
    }
}
