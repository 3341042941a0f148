package dev.edgeproxy.compile;

import dev.edgeproxy.config.InvalidConfigException;
import dev.edgeproxy.proxy.AllowedOrigins;
import dev.edgeproxy.proxy.Backend;
import dev.edgeproxy.route.Route;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static dev.edgeproxy.testing.Configs.assertReported;
import static dev.edgeproxy.testing.Configs.compile;
import static dev.edgeproxy.testing.Configs.compileFails;
import static dev.edgeproxy.testing.Configs.route;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code websocket: true} and its settings: idle timeout and maximum lifetime ({@code gateway.limits.*}, per route
 * {@code limits.*}) and {@code websocketAllowedOrigins}, compiled from YAML bound the real way; mistakes name
 * route and field.
 */
class WebSocketConfigTest {

    private static String yaml(String limits, String route) {
        return "gateway:\n" + limits.indent(2) + "  routes:\n    - name: r\n      backends:\n        - host: 127.0.0.1:8081\n"
                + route.indent(6);
    }

    private static Route compiled(String limits, String route) {
        return route(compile(yaml(limits, route)), "r");
    }

    private static void fails(String limits, String route, String expected) {
        InvalidConfigException e = compileFails(yaml(limits, route));
        assertEquals(1, e.errors().size(), () -> e.errors().toString());
        String error = e.errors().get(0);
        assertEquals(true, error.startsWith(expected), () -> "expected '" + expected + "...', got: " + error);
    }

    @Test
    void aRouteDoesNotUpgradeUnlessItSaysSo() {
        assertNull(compiled("", "").websocket());
        assertNull(compiled("", "websocket: false").websocket());
    }

    @Test
    void theIdleTimeoutDefaultsTo5Minutes() {
        assertEquals(Duration.ofMinutes(5), compiled("", "websocket: true").websocket().idleTimeout());
    }

    @Test
    void theGatewayLimitAppliesUnlessTheRouteSetsItsOwn() {
        String limits = "limits:\n  websocketIdleTimeout: 30s";
        assertEquals(Duration.ofSeconds(30), compiled(limits, "websocket: true").websocket().idleTimeout());
        assertEquals(Duration.ofSeconds(10), compiled(limits, "websocket: true\nlimits:\n  websocketIdleTimeout: 10s")
                .websocket().idleTimeout());
    }

    @Test
    void anIdleTimeoutOnARouteWithoutWebsocketIsAMistake() {
        fails("", "limits:\n  websocketIdleTimeout: 10s",
                "route 'r': limits.websocketIdleTimeout: applies to a route with websocket: true only");
    }

    @Test
    void aZeroOrUnreadableIdleTimeoutIsRefused() {
        fails("", "websocket: true\nlimits:\n  websocketIdleTimeout: 0s",
                "route 'r': limits.websocketIdleTimeout: must be greater than zero");
        fails("", "websocket: true\nlimits:\n  websocketIdleTimeout: soon",
                "route 'r': limits.websocketIdleTimeout: 'soon' is not a duration");
        fails("limits:\n  websocketIdleTimeout: -1s", "websocket: true",
                "gateway: limits.websocketIdleTimeout: ");
    }

    // --- the maximum lifetime --------------------------------------------------------------------

    @Test
    void thereIsNoLifetimeCapUnlessConfigured() {
        assertNull(compiled("", "websocket: true").websocket().maxLifetime());
    }

    @Test
    void theGatewayLifetimeAppliesUnlessTheRouteSetsItsOwn() {
        String limits = "limits:\n  websocketMaxLifetime: 1h";
        assertEquals(Duration.ofHours(1), compiled(limits, "websocket: true").websocket().maxLifetime());
        assertEquals(Duration.ofMinutes(15), compiled(limits, "websocket: true\nlimits:\n  websocketMaxLifetime: 15m")
                .websocket().maxLifetime());
        assertEquals(Duration.ofSeconds(2), compiled("", "websocket: true\nlimits:\n  websocketMaxLifetime: 2s")
                .websocket().maxLifetime());
    }

    @Test
    void aLifetimeOnARouteWithoutWebsocketIsAMistake() {
        fails("", "limits:\n  websocketMaxLifetime: 1h",
                "route 'r': limits.websocketMaxLifetime: applies to a route with websocket: true only");
    }

    @Test
    void aZeroNegativeOrUnreadableLifetimeIsRefused() {
        fails("", "websocket: true\nlimits:\n  websocketMaxLifetime: 0s",
                "route 'r': limits.websocketMaxLifetime: must be greater than zero");
        fails("", "websocket: true\nlimits:\n  websocketMaxLifetime: -5m",
                "route 'r': limits.websocketMaxLifetime: ");
        fails("", "websocket: true\nlimits:\n  websocketMaxLifetime: forever",
                "route 'r': limits.websocketMaxLifetime: 'forever' is not a duration");
        fails("limits:\n  websocketMaxLifetime: 0ms", "websocket: true",
                "gateway: limits.websocketMaxLifetime: must be greater than zero");
        fails("limits:\n  websocketMaxLifetime: soon", "websocket: true",
                "gateway: limits.websocketMaxLifetime: 'soon' is not a duration");
    }

    // --- allowed origins -------------------------------------------------------------------------

    @Test
    void withoutAnOriginListEveryOriginPasses() {
        assertTrue(compiled("", "websocket: true").websocket().allowedOrigins().any());
    }

    @Test
    void theOriginListIsCompiledOnce() {
        AllowedOrigins origins = compiled("", """
                websocket: true
                websocketAllowedOrigins:
                  - https://app.example.com
                  - http://localhost:3000
                  - "null"
                """).websocket().allowedOrigins();
        assertTrue(origins.allows(List.of("https://APP.example.com:443")));
        assertTrue(origins.allows(List.of("http://localhost:3000")));
        assertTrue(origins.allows(List.of("null")));
        assertFalse(origins.allows(List.of("https://evil.example")));
    }

    @Test
    void anOriginListOnARouteWithoutWebsocketIsAMistake() {
        fails("", "websocketAllowedOrigins: [https://app.example.com]",
                "route 'r': websocketAllowedOrigins: applies to a route with websocket: true only");
    }

    @Test
    void everyEntryThatIsNotAnOriginIsNamedWithItsIndex() {
        InvalidConfigException e = compileFails(yaml("", """
                websocket: true
                websocketAllowedOrigins:
                  - https://app.example.com
                  - https://app.example.com/
                  - wss://app.example.com
                  - https://*.example.com
                  - https://app.example.com:99999
                """));
        assertEquals(4, e.errors().size(), e::getMessage);
        assertEquals("route 'r': websocketAllowedOrigins[1]: 'https://app.example.com/' is not an origin "
                + "(scheme://host[:port], no path and no trailing slash, or null)", e.errors().get(0));
        assertEquals("route 'r': websocketAllowedOrigins[2]: 'wss://app.example.com' has scheme 'wss' "
                + "(expected http or https)", e.errors().get(1));
        assertReported(e, "route 'r'", "websocketAllowedOrigins[3]");
        assertReported(e, "route 'r'", "websocketAllowedOrigins[4]");
    }

    @Test
    void aWebsocketRouteRefusesBackendsItCannotTunnelTo() {
        String config = """
                gateway:
                  routes:
                    - name: r
                      websocket: true
                      backends:
                        - host: 127.0.0.1:8081
                        - host: 127.0.0.1:8082
                          protocol: http2
                        - host: 10.0.0.5:8443
                          tls:
                            sni: api.internal
                """;
        InvalidConfigException e = compileFails(config);
        assertEquals(2, e.errors().size(), e::getMessage);
        assertReported(e, "route 'r'", "backends[1].protocol");
        assertReported(e, "route 'r'", "backends[2].tls.sni");
    }

    @Test
    void aWebsocketRouteTunnelsToATlsBackendByItsHostName() {
        Route route = route(compile("""
                gateway:
                  routes:
                    - name: r
                      websocket: true
                      backends:
                        - host: api.internal:8443
                          tls:
                            insecureSkipVerify: false
                """), "r");
        Backend backend = route.backends().all().get(0);
        assertEquals("api.internal", backend.host());
        assertNotNull(backend.origin().settings().tls(), "wss://");
        assertNull(backend.serverName(), "the host is the name verified");
    }
}
