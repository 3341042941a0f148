package dev.edgeproxy.config;

import dev.edgeproxy.authz.Authorizer;
import dev.edgeproxy.cel.CelEnvironment;
import dev.edgeproxy.compile.RouteCompiler;
import dev.edgeproxy.jwt.JwtAuthenticator;
import dev.edgeproxy.jwt.JwtMode;
import dev.edgeproxy.proxy.Backend;
import dev.edgeproxy.route.HostMatch;
import dev.edgeproxy.route.PathMatch;
import dev.edgeproxy.route.Route;
import dev.edgeproxy.route.RouteMatch;
import dev.edgeproxy.route.RouteTable;
import dev.edgeproxy.route.ValueMatch;
import dev.edgeproxy.testing.Configs;
import dev.edgeproxy.testing.TestKeys;
import dev.edgeproxy.transform.HeaderTransform;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static dev.edgeproxy.testing.Configs.bind;
import static dev.edgeproxy.testing.Configs.compile;
import static dev.edgeproxy.testing.Configs.route;
import static dev.edgeproxy.testing.Configs.token;
import static dev.edgeproxy.testing.Configs.verifies;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The built-in sample, and a configuration using every route key of docs/reference.md#configuration, bind and
 * compile.
 */
class SampleConfigTest {

    static KeyPair rsa;
    static KeyPair rsa2;

    @TempDir
    Path tmp;

    @BeforeAll
    static void keys() throws Exception {
        rsa = TestKeys.rsa2048();
        rsa2 = TestKeys.rsa2048();
    }

    /** The sample exactly as the application reads it. */
    private static GatewayConfig sample() {
        return ConfigLoader.loadSample();
    }

    @Test
    void sampleBindsWithCamelCaseKeys() throws Exception {
        GatewayConfig config = sample();
        List<GatewayConfig.Route> routes = config.routes().orElseThrow();
        assertEquals(4, routes.size());
        assertTrue(config.demo().enabled());
        assertEquals(8090, config.demo().port());

        GatewayConfig.Route admin = routes.get(1);
        assertEquals("admin", admin.name().orElseThrow());
        assertEquals("/admin", admin.matches().orElseThrow().get(0).path().orElseThrow().pathPrefix().orElseThrow(),
                "pathPrefix binds");
        GatewayConfig.JwtAuth jwt = admin.policies().orElseThrow().jwtAuth().orElseThrow();
        assertEquals("strict", jwt.mode().orElseThrow(), "jwtAuth binds");
        assertEquals("demo.edge-proxy.dev", jwt.issuer().orElseThrow());
        assertEquals(List.of("edge-proxy-demo"), jwt.audiences().orElseThrow());
        assertTrue(jwt.jwks().orElseThrow().inline().orElseThrow().contains("\"kty\": \"RSA\""));
        assertEquals(Map.of("x-user-id", "jwt.sub"),
                admin.policies().orElseThrow().transformations().orElseThrow().request().orElseThrow().set());
        for (GatewayConfig.Route r : routes) {
            // The sample sets no timeout; where present it would bind as policies.timeout.requestTimeout.
            assertTrue(r.policies().flatMap(GatewayConfig.Policies::timeout)
                    .flatMap(GatewayConfig.Timeout::requestTimeout).isEmpty());
        }
    }

    /**
     * The sample stands in only when nothing is configured, no file is named and it is enabled; every
     * other way of having no routes refuses to start with the advice on how to give them.
     */
    @ParameterizedTest(name = "routes={0}, files named={1}, sample enabled={2}: {3}")
    @CsvSource({
            "true,  false, false, configured",
            "true,  true,  true,  configured",
            "true,  false, true,  configured",
            "false, false, true,  sample",
            "false, false, false, refused",
            "false, true,  true,  refused",
            "false, true,  false, refused"})
    void sampleOnlyWhenNoRoutesNoFileAndEnabled(boolean routes, boolean filesNamed, boolean enabled, String outcome) {
        GatewayConfig config = Configs.bind((routes ? """
                gateway:
                  routes:
                    - name: mine
                      backends: [{host: "127.0.0.1:8081"}]
                """ : "gateway:\n  routes: []\n") + "  sample:\n    enabled: " + enabled + "\n");
        if (outcome.equals("refused")) {
            InvalidConfigException e = assertThrows(InvalidConfigException.class,
                    () -> ConfigLoader.usesSample(config, filesNamed));
            assertEquals(List.of(ConfigLoader.noRoutesMessage(filesNamed)), e.errors());
            assertTrue(e.getMessage().contains("-Dquarkus.config.locations=/path/gateway.yaml"), e::getMessage);
            assertTrue(e.getMessage().contains("-Dgateway.sample.enabled=true"), e::getMessage);
        } else {
            assertEquals(outcome.equals("sample"), ConfigLoader.usesSample(config, filesNamed));
        }
    }

    @Test
    void sampleCompilesIntoFourRoutesWithTheirModes() throws Exception {
        RouteTable table = RouteCompiler.compile(sample(), new CelEnvironment());
        assertEquals(List.of("public", "admin", "api", "hello"), table.routes().stream().map(Route::name).toList());
        assertNull(route(table, "public").policies().find(JwtAuthenticator.class), "public has no jwtAuth (mode none)");
        assertEquals(JwtMode.STRICT, route(table, "admin").policies().find(JwtAuthenticator.class).mode());
        assertEquals(JwtMode.OPTIONAL, route(table, "api").policies().find(JwtAuthenticator.class).mode());
        assertEquals(JwtMode.PERMISSIVE, route(table, "hello").policies().find(JwtAuthenticator.class).mode());
        assertTrue(route(table, "admin").policies().find(Authorizer.class).hasRules());
        assertTrue(route(table, "api").policies().find(Authorizer.class).hasRules());
        assertNull(route(table, "hello").policies().find(Authorizer.class), "hello has no authorization");
        assertFalse(route(table, "hello").policies().find(HeaderTransform.class).isEmpty());
        for (Route r : table.routes()) {
            assertEquals(List.of(new Backend("127.0.0.1", 8090)), r.backends().all());
            assertEquals(new PathMatch.Prefix("/" + r.name()), r.matches().get(0).path());
            assertEquals(Duration.ofSeconds(15), r.requestTimeout());
        }
    }

    @Test
    void requestTimeoutBindsInCamelCase() {
        RouteTable table = compile("""
                gateway:
                  routes:
                    - name: t
                      backends: [{host: "127.0.0.1:8081"}]
                      policies:
                        timeout:
                          requestTimeout: 750ms
                """);
        assertEquals(Duration.ofMillis(750), route(table, "t").requestTimeout());
    }

    @Test
    void kebabCaseKeysAreNotTheContractsSpelling() {
        // VERBATIM naming: `path-prefix` is not `pathPrefix`, so the path has none of its three kinds.
        InvalidConfigException e = org.junit.jupiter.api.Assertions.assertThrows(InvalidConfigException.class,
                () -> compile("""
                        gateway:
                          routes:
                            - name: k
                              matches:
                                - path: {path-prefix: /x}
                              backends: [{host: "127.0.0.1:8081"}]
                        """));
        Configs.assertReported(e, "route 'k'", "matches[0].path");
    }

    @Test
    void everyContractKeyBindsAndCompiles() throws Exception {
        Path adminKeys = tmp.resolve("admin-jwks.json");
        Files.writeString(adminKeys, Configs.jwksOf(rsa, "admin-key"));
        Path secondKeys = tmp.resolve("second-jwks.json");
        Files.writeString(secondKeys, Configs.jwksOf(rsa2, "second-key"));
        String yaml = """
                gateway:
                  routes:
                    - name: admin
                      hostnames: [api.example.com, "*.example.org"]
                      matches:
                        - path:
                            exact: /admin
                          method: GET
                          headers:
                            - name: X-Env
                              value: {exact: prod}
                            - name: x-tenant
                              value: {regex: "t-[0-9]+"}
                          query:
                            - name: debug
                              value: {exact: "1"}
                        - path:
                            pathPrefix: /api
                        - path:
                            regex: "/v[0-9]+/.*"
                      backends:
                        - host: 127.0.0.1:8081
                        - host: backend.internal:9000
                      policies:
                        jwtAuth:
                          mode: strict
                          issuer: agentgateway.dev
                          audiences: [test.agentgateway.dev]
                          jwks:
                            file: "@ADMIN@"
                          clockSkew: 30s
                        authorization:
                          rules:
                            - allow: 'request.path == "/admin" && jwt.groups.contains("admins")'
                            - deny: 'request.headers["x-block"] == "1"'
                            - require: 'jwt.aud == "test.agentgateway.dev"'
                        transformations:
                          request:
                            set: {x-user-id: jwt.sub}
                            add: {x-route: '"admin"'}
                            remove: [x-debug]
                        timeout:
                          requestTimeout: 20s
                    - name: multi
                      backends:
                        - host: 127.0.0.1:8082
                      policies:
                        jwtAuth:
                          mode: permissive
                          providers:
                            - issuer: first.issuer
                              audiences: [a, b]
                              jwks: {file: "@ADMIN@"}
                            - issuer: second.issuer
                              jwks: {file: "@SECOND@"}
                """.replace("@ADMIN@", adminKeys.toString()).replace("@SECOND@", secondKeys.toString());

        GatewayConfig config = bind(yaml);
        GatewayConfig.Route adminConfig = config.routes().orElseThrow().get(0);
        assertEquals(List.of("api.example.com", "*.example.org"), adminConfig.hostnames().orElseThrow());
        assertEquals(3, adminConfig.policies().orElseThrow().authorization().orElseThrow().rules().orElseThrow().size());
        assertEquals("30s", adminConfig.policies().orElseThrow().jwtAuth().orElseThrow().clockSkew().orElseThrow());
        assertEquals(List.of("x-debug"), adminConfig.policies().orElseThrow().transformations().orElseThrow()
                .request().orElseThrow().remove().orElseThrow());
        assertEquals(Map.of("x-route", "\"admin\""), adminConfig.policies().orElseThrow().transformations().orElseThrow()
                .request().orElseThrow().add());

        RouteTable table = RouteCompiler.compile(config, new CelEnvironment());
        assertEquals(List.of("admin", "multi"), table.routes().stream().map(Route::name).toList());

        Route admin = route(table, "admin");
        assertEquals(new HostMatch(List.of("api.example.com"), List.of(".example.org")), admin.hosts());
        assertEquals(3, admin.matches().size());
        RouteMatch first = admin.matches().get(0);
        assertEquals(new PathMatch.Exact("/admin"), first.path());
        assertEquals("GET", first.method());
        assertEquals(2, first.headers().size());
        assertEquals(List.of("x-env", "x-tenant"), first.headers().stream().map(ValueMatch::name).toList(),
                "header names are lower-cased");
        assertEquals(1, first.query().size());
        assertEquals(new PathMatch.Prefix("/api"), admin.matches().get(1).path());
        PathMatch regex = admin.matches().get(2).path();
        assertTrue(regex instanceof PathMatch.Regex);
        assertTrue(regex.matches("/v2/items"));
        assertFalse(regex.matches("/x/v2/items"), "regex is a full match");
        assertEquals(List.of(new Backend("127.0.0.1", 8081), new Backend("backend.internal", 9000)),
                admin.backends().all());
        assertEquals(JwtMode.STRICT, admin.policies().find(JwtAuthenticator.class).mode());
        assertTrue(admin.policies().find(Authorizer.class).hasRules());
        assertFalse(admin.policies().find(HeaderTransform.class).isEmpty());
        assertEquals(Duration.ofSeconds(20), admin.requestTimeout());

        Route multi = route(table, "multi");
        assertEquals(JwtMode.PERMISSIVE, multi.policies().find(JwtAuthenticator.class).mode());
        assertEquals(RouteMatch.ANY, multi.matches().get(0));
        // Both providers' keys are loaded: a token from each issuer verifies.
        assertTrue(verifies(multi, token(rsa2, "second-key", "second.issuer")));
        assertFalse(verifies(multi, token(rsa2, "second-key", "first.issuer")), "issuer must match the key's provider");
    }
}
