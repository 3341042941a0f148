package dev.edgeproxy.e2e;

import dev.edgeproxy.ipaccess.IpAccessRoutes;
import dev.edgeproxy.ratelimit.RateLimitRoutes;
import dev.edgeproxy.testing.RawOrigin;
import dev.edgeproxy.testing.RouteProps;
import dev.edgeproxy.testing.TestCertificates;
import dev.edgeproxy.testing.TestKeys;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Starts the real parts the gateway talks to — an {@link EchoUpstream}, freshly generated RSA keys
 * and a JWKS file — and configures the routes under test. The same resource serves the in-process
 * {@code @QuarkusTest} and the packaged {@code @QuarkusIntegrationTest}.
 */
public class GatewayTestResource implements QuarkusTestResourceLifecycleManager {

    /**
     * The management port in both test modes: {@code @QuarkusTest} reads the test-port, the packaged
     * application under {@code @QuarkusIntegrationTest} reads the port. 9001 unless the system property
     * {@code edgeproxy.test.management-port} says otherwise (two checkouts testing on one machine).
     */
    public static final int MANAGEMENT_PORT = Integer.getInteger("edgeproxy.test.management-port", 9001);

    /**
     * Where the application under test writes its access log (category {@code edgeproxy.access}, one
     * message per line), in both test modes.
     */
    public static final Path ACCESS_LOG = Path.of("target", "access-test.log").toAbsolutePath();

    /**
     * Where the application under test writes the log of {@code dev.edgeproxy.proxy} (TLS failures with
     * origins), in both test modes.
     */
    public static final Path PROXY_LOG = Path.of("target", "proxy-test.log").toAbsolutePath();

    /**
     * Whether these tests run with the proxy port on the Netty data path (the surefire execution {@code
     * netty-data-path}), which refuses to start with what it does not serve yet: then the WebSocket routes, the
     * origins with TLS or HTTP/2 and h2c are left out (their test classes are not run there).
     */
    static final boolean NETTY_DATA_PATH = "netty".equalsIgnoreCase(System.getProperty("gateway.listener.dataPath"));

    /** The routes of each policy's own end-to-end tests, from the policy's test package: one line per policy. */
    private static final List<PolicyFixture> POLICY_FIXTURES = List.of(
            new RateLimitRoutes(),
            new IpAccessRoutes());

    private EchoUpstream upstream;
    private RawOrigin rawOrigin;
    private TraceCollector traces;
    private GatewayFixture fixture;
    private Path dir;
    private final List<AutoCloseable> origins = new ArrayList<>();

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
            traces = new TraceCollector();
            rawOrigin = new RawOrigin();
            fixture = new GatewayFixture(signing, kid, stranger, upstream, traces, rawOrigin);
            Files.deleteIfExists(ACCESS_LOG);
            Files.deleteIfExists(PROXY_LOG);
            Map<String, String> config = new LinkedHashMap<>(
                    routes(jwksFile, jwks, "127.0.0.1:" + upstream.port(), "127.0.0.1:" + closedPort(), tlsOrigins(dir),
                            "127.0.0.1:" + rawOrigin.port()));
            config.putAll(tracing(traces.port()));
            return config;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** How many routes the tests configure. */
    public static long routeCount() {
        return routes(Path.of("jwks.json"), "{}", "127.0.0.1:1", "127.0.0.1:2",
                new TlsOrigins(3, 4, 5, 6, Path.of("ca.pem"), Path.of("other-ca.pem"), Path.of("client.crt"),
                        Path.of("client.key")), "127.0.0.1:7").keySet().stream()
                .filter(key -> key.matches("gateway\\.routes\\[\\d+]\\.name"))
                .count();
    }

    @Override
    public void inject(TestInjector injector) {
        injector.injectIntoFields(fixture,
                new TestInjector.AnnotatedAndMatchesType(InjectGateway.class, GatewayFixture.class));
    }

    /**
     * Tracing on, every trace sampled, exported to the test's {@link TraceCollector} within 50 ms (Quarkus batches
     * for 5 s by default).
     */
    static Map<String, String> tracing(int collectorPort) {
        return Map.of(
                "quarkus.otel.exporter.otlp.traces.endpoint", "http://127.0.0.1:" + collectorPort,
                "quarkus.otel.exporter.otlp.traces.protocol", "http/protobuf",
                "quarkus.otel.bsp.schedule.delay", "50ms");
    }

    @Override
    public void stop() {
        if (upstream != null) {
            upstream.close();
        }
        if (traces != null) {
            traces.close();
        }
        if (rawOrigin != null) {
            rawOrigin.close();
        }
        for (AutoCloseable origin : origins) {
            try {
                origin.close();
            } catch (Exception e) {
                // the test is over; nothing depends on it
            }
        }
    }

    /**
     * The TLS and gRPC origins and the PEM files of their routes: one test CA signs the origins' certificates
     * (for {@code localhost} only) and the proxy's client certificate; another CA is the wrong one.
     */
    record TlsOrigins(int https, int mtls, int grpcH2c, int grpcTls, Path ca, Path otherCa, Path clientCertificate,
            Path clientKey) {
    }

    private TlsOrigins tlsOrigins(Path dir) {
        TestCertificates ca = TestCertificates.authority("edge-test-ca");
        TestCertificates other = TestCertificates.authority("some-other-ca");
        TestCertificates.Issued server = ca.server("localhost");
        TestCertificates.Issued client = ca.client("CN=edge-proxy-client");
        TlsUpstream https = new TlsUpstream(server, null);
        origins.add(https);
        TlsUpstream mtls = new TlsUpstream(server, ca.ca());
        origins.add(mtls);
        GrpcUpstream grpcH2c = new GrpcUpstream(null);
        origins.add(grpcH2c);
        GrpcUpstream grpcTls = new GrpcUpstream(server);
        origins.add(grpcTls);
        return new TlsOrigins(https.port(), mtls.port(), grpcH2c.port(), grpcTls.port(),
                ca.ca().writeCertificate(dir.resolve("ca.pem")), other.ca().writeCertificate(dir.resolve("other-ca.pem")),
                client.writeCertificate(dir.resolve("client.crt")), client.writeKey(dir.resolve("client.key")));
    }

    /** HTTPS and gRPC origins (UpstreamTlsEndToEndTest, GrpcEndToEndTest). */
    private static void tlsRoutes(RouteProps r, TlsOrigins o, Path jwksFile) {
        String https = "127.0.0.1:" + o.https();
        String mtls = "127.0.0.1:" + o.mtls();
        r.route("tls-ok").prefix("/tls-ok").backend(https)
                .put("backends[0].tls.caCertificates", o.ca().toString())
                .put("backends[0].tls.sni", "localhost");
        r.route("tls-wrong-ca").prefix("/tls-wrong-ca").backend(https)
                .put("backends[0].tls.caCertificates", o.otherCa().toString())
                .put("backends[0].tls.sni", "localhost");
        // No sni: the name verified is 127.0.0.1, which the certificate (localhost only) does not have.
        r.route("tls-mismatch").prefix("/tls-mismatch").backend(https)
                .put("backends[0].tls.caCertificates", o.ca().toString());
        r.route("tls-insecure").prefix("/tls-insecure").backend(https)
                .put("backends[0].tls.insecureSkipVerify", "true");
        r.route("tls-http2").prefix("/tls-http2").backend(https)
                .put("backends[0].tls.caCertificates", o.ca().toString())
                .put("backends[0].tls.sni", "localhost")
                .put("backends[0].protocol", "http2");
        r.route("tls-mtls").prefix("/tls-mtls").backend(mtls)
                .put("backends[0].tls.caCertificates", o.ca().toString())
                .put("backends[0].tls.sni", "localhost")
                .put("backends[0].tls.clientCertificate", o.clientCertificate().toString())
                .put("backends[0].tls.clientKey", o.clientKey().toString());
        r.route("tls-mtls-anonymous").prefix("/tls-mtls-anonymous").backend(mtls)
                .put("backends[0].tls.caCertificates", o.ca().toString())
                .put("backends[0].tls.sni", "localhost");
        // wss:// to the origins: the host is the certificate's name (a websocket route verifies the host).
        r.route("wss").prefix("/wss").backend("localhost:" + o.https())
                .put("backends[0].tls.caCertificates", o.ca().toString())
                .put("websocket", "true");
        r.route("wss-mtls").prefix("/wss-mtls").backend("localhost:" + o.mtls())
                .put("backends[0].tls.caCertificates", o.ca().toString())
                .put("backends[0].tls.clientCertificate", o.clientCertificate().toString())
                .put("backends[0].tls.clientKey", o.clientKey().toString())
                .put("websocket", "true");
        r.route("wss-wrong-ca").prefix("/wss-wrong-ca").backend("localhost:" + o.https())
                .put("backends[0].tls.caCertificates", o.otherCa().toString())
                .put("websocket", "true");
        String issuer = GatewayFixture.ISSUER;
        String audience = GatewayFixture.AUDIENCE;
        r.route("grpc-h2c").prefix("/h2c.Echo").backend("127.0.0.1:" + o.grpcH2c())
                .put("backends[0].protocol", "http2")
                .jwt("strict", issuer, audience, "file", jwksFile.toString())
                .rule("allow", "jwt.groups.contains(\"grpc\")")
                .set("x-user-id", "jwt.sub");
        r.route("grpc-tls").prefix("/tls.Echo").backend("127.0.0.1:" + o.grpcTls())
                .put("backends[0].protocol", "http2")
                .put("backends[0].tls.caCertificates", o.ca().toString())
                .put("backends[0].tls.sni", "localhost")
                .jwt("strict", issuer, audience, "file", jwksFile.toString())
                .rule("allow", "jwt.groups.contains(\"grpc\")")
                .set("x-user-id", "jwt.sub");
    }

    private static Map<String, String> routes(Path jwksFile, String inlineJwks, String origin, String deadOrigin,
            TlsOrigins tls, String rawOrigin) {
        RouteProps r = new RouteProps();
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
        if (!NETTY_DATA_PATH) {
            // WebSocket tunnels: behind a strict JWT (the token's subject set for the origin), and one that idles out.
            r.route("websocket").prefix("/ws").backend(origin)
                    .jwt("strict", issuer, audience, "file", jwksFile.toString())
                    .set("x-user-id", "jwt.sub")
                    .put("websocket", "true");
            r.route("websocket-idle").prefix("/ws-idle").backend(origin)
                    .put("websocket", "true")
                    .put("limits.websocketIdleTimeout", "1s");
            // Upgrades from two origins only, and tunnels that last two seconds whatever their traffic.
            r.route("websocket-origins").prefix("/ws-origins").backend(origin)
                    .put("websocket", "true")
                    .put("websocketAllowedOrigins[0]", "https://app.example.com")
                    .put("websocketAllowedOrigins[1]", "http://localhost:3000")
                    .put("limits.websocketMaxLifetime", "2s");
            tlsRoutes(r, tls, jwksFile);
        }
        // The raw-socket origin, which keeps the exact bytes of every request (Http2AttackEndToEndTest): a plain
        // route, and one that sets a header from a verified claim.
        r.route("raw-claim").prefix("/raw-claim").backend(rawOrigin)
                .jwt("strict", issuer, audience, "file", jwksFile.toString())
                .set("x-user", "jwt.sub");
        r.route("raw").prefix("/raw").backend(rawOrigin);
        PolicyFixture.Parts parts = new PolicyFixture.Parts(origin, jwksFile);
        POLICY_FIXTURES.forEach(fixture -> fixture.addRoutes(r, parts));
        Map<String, String> props = new LinkedHashMap<>(r.properties());
        // Off by default; ExplainEndToEndTest needs it.
        props.put("gateway.explain.enabled", "true");
        // HTTP/2 bodies are tested over cleartext; the default (off) is tested on the packaged app.
        if (!NETTY_DATA_PATH) {
            props.put("gateway.listener.h2c", "true");
        }
        props.put("quarkus.management.port", String.valueOf(MANAGEMENT_PORT));
        props.put("quarkus.management.test-port", String.valueOf(MANAGEMENT_PORT));
        // The access log through a log handler of its own (output logger); the default output, standard
        // output, is read by AccessLogOutputIT from the packaged application.
        props.put("gateway.accessLog.output", "logger");
        props.put("quarkus.log.handler.file.\"access\".enabled", "true");
        props.put("quarkus.log.handler.file.\"access\".path", ACCESS_LOG.toString());
        props.put("quarkus.log.handler.file.\"access\".format", "%s%n");
        props.put("quarkus.log.category.\"edgeproxy.access\".handlers", "access");
        props.put("quarkus.log.category.\"edgeproxy.access\".use-parent-handlers", "false");
        props.put("quarkus.log.handler.file.\"proxy\".enabled", "true");
        props.put("quarkus.log.handler.file.\"proxy\".path", PROXY_LOG.toString());
        props.put("quarkus.log.category.\"dev.edgeproxy.proxy\".handlers", "proxy");
        return props;
    }

    /** A port nothing listens on: bound once by us, then released. */
    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
