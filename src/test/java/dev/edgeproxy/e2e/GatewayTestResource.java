package dev.edgeproxy.e2e;

import dev.edgeproxy.testing.TestKeys;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Starts the real parts the gateway talks to — an {@link EchoUpstream}, freshly generated RSA keys
 * and a JWKS file — and configures the routes under test. The same resource serves the in-process
 * {@code @QuarkusTest} and the packaged {@code @QuarkusIntegrationTest}.
 */
public class GatewayTestResource implements QuarkusTestResourceLifecycleManager {

    /**
     * The management port in both test modes: {@code @QuarkusTest} reads the test-port, the packaged
     * application under {@code @QuarkusIntegrationTest} reads the port.
     */
    public static final int MANAGEMENT_PORT = 9001;

    /**
     * Where the application under test writes its access log (category {@code edgeproxy.access}, one
     * message per line), in both test modes.
     */
    public static final Path ACCESS_LOG = Path.of("target", "access-test.log").toAbsolutePath();

    private EchoUpstream upstream;
    private GatewayFixture fixture;
    private Path dir;

    @Override
    public Map<String, String> start() {
        try {
            KeyPair signing = TestKeys.rsa2048();
            KeyPair stranger = TestKeys.rsa2048();
            String kid = "edge-test-key";
            String jwks = TestKeys.jwks(signing.getPublic(), kid);
            dir = Files.createTempDirectory("edge-proxy-e2e");
            Path jwksFile = dir.resolve("jwks.json");
            Files.writeString(jwksFile, jwks);
            upstream = new EchoUpstream();
            upstream.publishJwks(jwks);
            fixture = new GatewayFixture(signing, kid, stranger, upstream);
            Files.deleteIfExists(ACCESS_LOG);
            return routes(jwksFile, jwks, "127.0.0.1:" + upstream.port(), "127.0.0.1:" + closedPort());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** How many routes the tests configure. */
    public static long routeCount() {
        return routes(Path.of("jwks.json"), "{}", "127.0.0.1:1", "127.0.0.1:2").keySet().stream()
                .filter(key -> key.matches("gateway\\.routes\\[\\d+]\\.name"))
                .count();
    }

    @Override
    public void inject(TestInjector injector) {
        injector.injectIntoFields(fixture,
                new TestInjector.AnnotatedAndMatchesType(InjectGateway.class, GatewayFixture.class));
    }

    @Override
    public void stop() {
        if (upstream != null) {
            upstream.close();
        }
    }

    private static Map<String, String> routes(Path jwksFile, String inlineJwks, String origin, String deadOrigin) {
        Routes r = new Routes();
        String issuer = GatewayFixture.ISSUER;
        String audience = GatewayFixture.AUDIENCE;

        r.route("strict").prefix("/strict").backend(origin)
                .jwt("strict", issuer, audience, "file", jwksFile.toString())
                .set("x-user-id", "jwt.sub");
        r.route("optional").prefix("/optional").backend(origin)
                .jwt("optional", issuer, audience, "inline", inlineJwks);
        r.route("permissive").prefix("/permissive").backend(origin)
                .jwt("permissive", issuer, audience, "file", jwksFile.toString())
                .set("x-user", "has(jwt.sub) ? jwt.sub : \"anonymous\"");
        r.route("admin").exact("/admin").backend(origin)
                .jwt("strict", issuer, audience, "file", jwksFile.toString())
                .rule("allow", "request.path == \"/admin\" && jwt.groups.contains(\"admins\")");
        r.route("rules").prefix("/rules").backend(origin)
                .jwt("optional", issuer, audience, "file", jwksFile.toString())
                .rule("deny", "\"x-block\" in request.headers && request.headers[\"x-block\"] == \"1\"")
                .rule("allow", "jwt.email.endsWith(\"@example.com\")");
        // Listed first: hostnames only filter, and an equally specific match goes to the earlier route.
        r.route("open-on-host").prefix("/open").host("api.example.com").backend(origin)
                .add("x-route", "\"open-on-host\"");
        r.route("open").prefix("/open").backend(origin)
                .add("x-route", "\"open\"")
                .remove("x-debug");
        r.route("slow").prefix("/slow").backend(origin).timeout("500ms");
        r.route("limited").prefix("/limited").backend(origin)
                .put("limits.maxRequestBody", "1M");
        r.route("dead").prefix("/dead").backend(deadOrigin);
        // Three requests per hour, spent before the JWT is checked; only RateLimitEndToEndTest uses it.
        r.route("rate-limited").prefix("/rate-limited").backend(origin)
                .jwt("strict", issuer, audience, "file", jwksFile.toString())
                .put("policies.localRateLimit.maxTokens", "3")
                .put("policies.localRateLimit.fillInterval", "1h");

        // Identity providers as they really are: keys at a URL, tokens outside the Authorization header.
        r.route("remote").prefix("/remote").backend(origin)
                .jwt("strict", issuer, audience, "url", "http://" + origin + "/jwks.json")
                .put("policies.jwtAuth.jwks.timeout", "2s")
                .set("x-user-id", "jwt.sub");
        // The same keys for the explain tests: a provider of its own, so that their refetch on an unknown
        // kid never uses up the one the remote route allows every 10 s.
        r.route("remote-explain").prefix("/remote-explain").backend(origin)
                .jwt("strict", issuer, audience, "url", "http://" + origin + "/jwks.json")
                .put("policies.jwtAuth.jwks.timeout", "2s")
                .set("x-user-id", "jwt.sub");
        r.route("query-token").prefix("/qtoken").backend(origin)
                .jwt("strict", issuer, audience, "file", jwksFile.toString())
                .put("policies.jwtAuth.location.queryParameter.name", "access_token");
        r.route("cookie-token").prefix("/ctoken").backend(origin)
                .jwt("strict", issuer, audience, "file", jwksFile.toString())
                .put("policies.jwtAuth.location.cookie.name", "session");
        r.route("header-token").prefix("/htoken").backend(origin)
                .jwt("strict", issuer, audience, "file", jwksFile.toString())
                .put("policies.jwtAuth.location.header.name", "x-api-token")
                .put("policies.jwtAuth.location.header.prefix", "");
        // WebSocket tunnels: behind a strict JWT (the token's subject set for the origin), and one that idles out.
        r.route("websocket").prefix("/ws").backend(origin)
                .jwt("strict", issuer, audience, "file", jwksFile.toString())
                .set("x-user-id", "jwt.sub")
                .put("websocket", "true");
        r.route("websocket-idle").prefix("/ws-idle").backend(origin)
                .put("websocket", "true")
                .put("limits.websocketIdleTimeout", "1s");
        Map<String, String> props = new LinkedHashMap<>(r.props);
        // Off by default; ExplainEndToEndTest needs it.
        props.put("gateway.explain.enabled", "true");
        // HTTP/2 bodies are tested over cleartext; the default (off) is tested on the packaged app.
        props.put("gateway.listener.h2c", "true");
        props.put("quarkus.management.port", String.valueOf(MANAGEMENT_PORT));
        props.put("quarkus.management.test-port", String.valueOf(MANAGEMENT_PORT));
        props.put("quarkus.log.handler.file.\"access\".enabled", "true");
        props.put("quarkus.log.handler.file.\"access\".path", ACCESS_LOG.toString());
        props.put("quarkus.log.handler.file.\"access\".format", "%s%n");
        props.put("quarkus.log.category.\"edgeproxy.access\".handlers", "access");
        props.put("quarkus.log.category.\"edgeproxy.access\".use-parent-handlers", "false");
        return props;
    }

    /** A port nothing listens on: bound once by us, then released. */
    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** Writes routes as the indexed properties Quarkus config understands. */
    private static final class Routes {
        final Map<String, String> props = new LinkedHashMap<>();
        int index = -1;
        int rules;

        Routes route(String name) {
            index++;
            rules = 0;
            put("name", name);
            return this;
        }

        Routes prefix(String prefix) {
            return put("matches[0].path.pathPrefix", prefix);
        }

        Routes exact(String path) {
            return put("matches[0].path.exact", path);
        }

        Routes host(String host) {
            return put("hostnames[0]", host);
        }

        Routes backend(String hostPort) {
            return put("backends[0].host", hostPort);
        }

        Routes jwt(String mode, String issuer, String audience, String jwksKind, String jwks) {
            put("policies.jwtAuth.mode", mode);
            put("policies.jwtAuth.issuer", issuer);
            put("policies.jwtAuth.audiences[0]", audience);
            return put("policies.jwtAuth.jwks." + jwksKind, jwks);
        }

        Routes rule(String kind, String expression) {
            return put("policies.authorization.rules[" + rules++ + "]." + kind, expression);
        }

        Routes set(String header, String expression) {
            return put("policies.transformations.request.set.\"" + header + "\"", expression);
        }

        Routes add(String header, String expression) {
            return put("policies.transformations.request.add.\"" + header + "\"", expression);
        }

        Routes remove(String header) {
            return put("policies.transformations.request.remove[0]", header);
        }

        Routes timeout(String duration) {
            return put("policies.timeout.requestTimeout", duration);
        }

        Routes put(String key, String value) {
            props.put("gateway.routes[" + index + "]." + key, value);
            return this;
        }
    }
}
