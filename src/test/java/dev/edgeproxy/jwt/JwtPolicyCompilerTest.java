package dev.edgeproxy.jwt;

import com.sun.net.httpserver.HttpServer;
import dev.edgeproxy.config.GatewayConfig;
import dev.edgeproxy.config.InvalidConfigException;
import dev.edgeproxy.config.Problems;
import dev.edgeproxy.config.ProxyLimits;
import dev.edgeproxy.jwt.jwks.JwksFetcher;
import dev.edgeproxy.route.Route;
import dev.edgeproxy.testing.Authn;
import dev.edgeproxy.testing.Configs;
import dev.edgeproxy.testing.HeaderCarrier;
import io.vertx.core.MultiMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static dev.edgeproxy.testing.Configs.assertOnlyProblem;
import static dev.edgeproxy.testing.Configs.assertReported;
import static dev.edgeproxy.testing.Configs.compile;
import static dev.edgeproxy.testing.Configs.compileFails;
import static dev.edgeproxy.testing.Configs.jwksOf;
import static dev.edgeproxy.testing.Configs.jwtRoute;
import static dev.edgeproxy.testing.Configs.route;
import static dev.edgeproxy.testing.Configs.token;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code policies.jwtAuth}, bound from YAML the real way: each mistake (mode, location, issuer, each kind of
 * {@code jwks}) is one problem naming the field, reported by the compiler through its scoped sink and read
 * the same way through the whole configuration path; each valid location makes the compiled route read its
 * token from there.
 */
class JwtPolicyCompilerTest {

    private static final String ISSUER = "test.issuer";
    private static final String KID = "test-key";

    /** Replaced in the YAML of a case by {@link #keyDir} (absolute). */
    private static final String DIR = "@DIR@";

    static KeyPair rsa;
    static String jwks;
    /** Holds {@code jwks.json} ({@link #jwks}), {@code empty.json}, {@code blank.json} and {@code nokeys.json}. */
    @TempDir
    static Path keyDir;
    static Path jwksFile;
    /** Serves {@link #jwks} at {@code /jwks.json}. */
    static HttpServer idp;

    @BeforeAll
    static void keysAndServer() throws Exception {
        rsa = dev.edgeproxy.testing.TestKeys.rsa2048();
        jwks = jwksOf(rsa, KID);
        jwksFile = keyDir.resolve("jwks.json");
        Files.writeString(jwksFile, jwks);
        Files.writeString(keyDir.resolve("empty.json"), "");
        Files.writeString(keyDir.resolve("blank.json"), "  \n");
        Files.writeString(keyDir.resolve("nokeys.json"), "{\"keys\": []}");
        idp = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        idp.createContext("/jwks.json", exchange -> {
            byte[] body = jwks.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("content-type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        idp.start();
    }

    @AfterAll
    static void stop() throws IOException {
        idp.stop(0);
    }

    static String idpUrl() {
        return "http://127.0.0.1:" + idp.getAddress().getPort() + "/jwks.json";
    }

    /** A URL on a port that was just free: nothing listens there. */
    static String deadUrl() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return "http://127.0.0.1:" + socket.getLocalPort() + "/jwks.json";
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Route {@code r} with a strict jwtAuth policy: issuer, {@code jwks} (YAML, unindented) and {@code extra}. */
    static String fileJwks() {
        return "file: \"" + jwksFile + "\"\n";
    }

    static String locationRoute(String location) {
        return jwtRoute(fileJwks(), "location:\n" + location.indent(2));
    }

    /** Route {@code r} whose {@code policies.jwtAuth} is {@code jwtAuth} (YAML, unindented, {@code @DIR@} for {@link #keyDir}). */
    static String policyRoute(String jwtAuth) {
        return Configs.policyRoute("jwtAuth:\n" + jwtAuth.indent(2)).replace(DIR, keyDir.toString());
    }

    /** An optional policy with issuer {@code test.issuer} whose keys are {@code @DIR@/file}. */
    static String issuerWithFile(String file) {
        return """
                issuer: test.issuer
                jwks:
                  file: "@DIR@/%s"
                """.formatted(file);
    }

    // --- configuration errors --------------------------------------------------------------------

    static Stream<Arguments> configurationErrors() {
        return Stream.of(
                Arguments.of("location with header and cookie", locationRoute("""
                        header: {name: x-api-token}
                        cookie: {name: session}
                        """), "policies.jwtAuth.location", "found 2"),
                Arguments.of("location with all three kinds", locationRoute("""
                        header: {name: x-api-token}
                        queryParameter: {name: access_token}
                        cookie: {name: session}
                        """), "policies.jwtAuth.location", "found 3"),
                Arguments.of("queryParameter with a blank name", locationRoute("""
                        queryParameter: {name: "  "}
                        """), "policies.jwtAuth.location.queryParameter.name", "is required"),
                Arguments.of("queryParameter without name", locationRoute("""
                        queryParameter: {name: ""}
                        """), "policies.jwtAuth.location.queryParameter.name", "is required"),
                Arguments.of("cookie without name", locationRoute("""
                        cookie: {name: ""}
                        """), "policies.jwtAuth.location.cookie.name", "is required"),
                Arguments.of("cookie with a blank name", locationRoute("""
                        cookie: {name: " "}
                        """), "policies.jwtAuth.location.cookie.name", "is required"),
                Arguments.of("invalid header name (space)", locationRoute("""
                        header: {name: "x api token"}
                        """), "policies.jwtAuth.location.header.name", "'x api token' is not a valid header name"),
                Arguments.of("invalid header name (colon)", locationRoute("""
                        header: {name: "x-token:", prefix: "Bearer "}
                        """), "policies.jwtAuth.location.header.name", "'x-token:' is not a valid header name"),
                Arguments.of("invalid cookie name", locationRoute("""
                        cookie: {name: "a=b"}
                        """), "policies.jwtAuth.location.cookie.name", "'a=b' is not a valid cookie name"),
                Arguments.of("jwks.url with ftp scheme", jwtRoute("url: ftp://x\n", ""),
                        "policies.jwtAuth.jwks.url", "'ftp://x' is not an http(s) URL"),
                Arguments.of("jwks.url that is not a URL", jwtRoute("url: not a url\n", ""),
                        "policies.jwtAuth.jwks.url", "'not a url' is not a URL"),
                Arguments.of("jwks.url without scheme", jwtRoute("url: idp.example.com/jwks.json\n", ""),
                        "policies.jwtAuth.jwks.url", "is not an http(s) URL"),
                Arguments.of("jwks.timeout on a file source", jwtRoute(fileJwks() + "timeout: 2s\n", ""),
                        "policies.jwtAuth.jwks.timeout", "applies to url only"),
                Arguments.of("jwks.timeout on an inline source", jwtRoute("inline: '" + jwks + "'\ntimeout: 2s\n", ""),
                        "policies.jwtAuth.jwks.timeout", "applies to url only"),
                Arguments.of("bad jwks.timeout duration", jwtRoute("url: \"" + idpUrl() + "\"\ntimeout: 5 fortnights\n", ""),
                        "policies.jwtAuth.jwks.timeout", "'5 fortnights' is not a duration"),
                Arguments.of("zero jwks.timeout", jwtRoute("url: \"" + idpUrl() + "\"\ntimeout: 0s\n", ""),
                        "policies.jwtAuth.jwks.timeout", "greater than zero"),
                Arguments.of("unknown mode", policyRoute("mode: sometimes\n" + issuerWithFile("jwks.json")),
                        "policies.jwtAuth.mode", "unknown mode 'sometimes'"),
                Arguments.of("unreadable JWKS file (missing)", policyRoute(issuerWithFile("does-not-exist.json")),
                        "policies.jwtAuth.jwks.file", "cannot read"),
                Arguments.of("unreadable JWKS file (a directory)", policyRoute("""
                        issuer: test.issuer
                        jwks:
                          file: "@DIR@"
                        """),
                        "policies.jwtAuth.jwks.file", "cannot read"),
                Arguments.of("empty JWKS file", policyRoute(issuerWithFile("empty.json")),
                        "policies.jwtAuth.jwks.file", "key document is empty"),
                Arguments.of("blank JWKS file", policyRoute(issuerWithFile("blank.json")),
                        "policies.jwtAuth.jwks.file", "key document is empty"),
                Arguments.of("JWKS with no keys", policyRoute(issuerWithFile("nokeys.json")),
                        "policies.jwtAuth.jwks.file", "no signature verification keys"),
                Arguments.of("HMAC (oct) key", policyRoute("""
                        issuer: test.issuer
                        jwks:
                          inline: '{"keys": [{"kty": "oct", "kid": "h", "k": "c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LXNlY3JldA"}]}'
                        """),
                        "policies.jwtAuth.jwks.inline", "symmetric (oct)"),
                Arguments.of("jwks with both file and inline", policyRoute("""
                        issuer: test.issuer
                        jwks:
                          file: "@DIR@/jwks.json"
                          inline: '{"keys": []}'
                        """),
                        "policies.jwtAuth.jwks", "found 2"),
                Arguments.of("missing issuer", policyRoute("""
                        mode: strict
                        jwks:
                          file: "@DIR@/jwks.json"
                        """),
                        "policies.jwtAuth.issuer", "is required"),
                Arguments.of("missing issuer in a provider", policyRoute("""
                        providers:
                          - issuer: a.issuer
                            jwks: {file: "@DIR@/jwks.json"}
                          - jwks: {file: "@DIR@/jwks.json"}
                        """),
                        "policies.jwtAuth.providers[1].issuer", "is required"));
    }

    /**
     * Compiles route {@code r}'s jwtAuth in {@code yaml} as the route compiler does, with a sink scoped to the
     * policy, then stops whatever key refreshes it started.
     */
    private static List<String> problemsOf(String yaml) throws Exception {
        GatewayConfig.JwtAuth config = Configs.policiesOf(yaml).jwtAuth().orElseThrow();
        Problems problems = new Problems();
        List<JwksFetcher> fetchers = new ArrayList<>();
        JwtPolicyCompiler compiler = new JwtPolicyCompiler(() -> {
            JwksFetcher fetcher = new JwksFetcher(ProxyLimits.DEFAULTS.jwksMaxBytes());
            fetchers.add(fetcher);
            return fetcher;
        });
        try {
            compiler.compile("r", config, problems.scope("route 'r'", "policies.jwtAuth"));
        } finally {
            for (AutoCloseable started : compiler.started()) {
                started.close();
            }
            for (JwksFetcher fetcher : fetchers) {
                fetcher.close();
            }
        }
        return problems.all();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("configurationErrors")
    void theCompilerReportsTheField(String description, String yaml, String field, String reason) throws Exception {
        assertOnlyProblem(problemsOf(yaml), field, reason);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("configurationErrors")
    void theWholeConfigurationPathReportsTheSameLine(String description, String yaml, String field, String reason)
            throws Exception {
        InvalidConfigException e = compileFails(yaml);
        assertReported(e, "route 'r'", field);
        assertEquals(problemsOf(yaml), e.errors());
    }

    @Test
    void jwksUrlNothingListensOnIsAnErrorNamingTheUrl() {
        String url = deadUrl();
        InvalidConfigException e = compileFails(jwtRoute("url: \"" + url + "\"\ntimeout: 2s\n", ""));
        assertReported(e, "route 'r'", "policies.jwtAuth.jwks.url");
        assertEquals(1, e.errors().size(), e.errors()::toString);
        assertTrue(e.errors().get(0).contains(url), () -> "the error names the URL: " + e.errors());
        assertTrue(e.errors().get(0).contains("cannot load JWKS"), e.errors()::toString);
    }

    @Test
    void theErrorCasesAreValidWithoutTheMistake() {
        // The same routes compile when the mistake is left out: the errors above are about the mistake.
        assertInstanceOf(JwtAuthenticator.class, route(compile(jwtRoute(fileJwks(), "")), "r").policies().find(JwtAuthenticator.class));
        assertInstanceOf(JwtAuthenticator.class,
                route(compile(jwtRoute("url: \"" + idpUrl() + "\"\ntimeout: 2s\n", "")), "r").policies().find(JwtAuthenticator.class));
        JwtAuthenticator optional = route(compile(policyRoute(issuerWithFile("jwks.json"))), "r").policies().find(JwtAuthenticator.class);
        assertEquals(JwtMode.OPTIONAL, optional.mode());
    }

    // --- valid locations -------------------------------------------------------------------------

    /** Where a request carries its token; the location YAML that expects it there. */
    enum Where {
        DEFAULT_BEARER(null) {
            @Override
            CredentialCarrier carry(String t) {
                return carrier(null, "Authorization", "Bearer " + t);
            }
        },
        EXPLICIT_AUTHORIZATION_DEFAULT_PREFIX("header: {name: Authorization}") {
            @Override
            CredentialCarrier carry(String t) {
                return carrier(null, "Authorization", "bearer " + t);
            }
        },
        CUSTOM_HEADER("header: {name: x-api-token}") {
            @Override
            CredentialCarrier carry(String t) {
                return carrier(null, "X-Api-Token", t);
            }
        },
        CUSTOM_PREFIX("header: {name: authorization, prefix: \"Token \"}") {
            @Override
            CredentialCarrier carry(String t) {
                return carrier(null, "Authorization", "Token " + t);
            }
        },
        QUERY_PARAMETER("queryParameter: {name: access_token}") {
            @Override
            CredentialCarrier carry(String t) {
                return carrier("page=1&access_token=" + t);
            }
        },
        COOKIE("cookie: {name: session}") {
            @Override
            CredentialCarrier carry(String t) {
                return carrier(null, "Cookie", "theme=dark; session=" + t);
            }
        };

        final String location;

        Where(String location) {
            this.location = location;
        }

        abstract CredentialCarrier carry(String token);
    }

    static Stream<Arguments> validLocations() {
        return Stream.of(Where.values()).map(w -> Arguments.of(w.name().toLowerCase(), w));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("validLocations")
    void validLocationCompilesAndTheRouteReadsTheTokenFromThere(String name, Where where) throws Exception {
        String yaml = where.location == null ? jwtRoute(fileJwks(), "") : locationRoute(where.location);
        Route route = route(compile(yaml), "r");
        String valid = token(rsa, KID, ISSUER);

        CredentialCarrier request = where.carry(valid);
        Identity identity = Authn.accepted(route.policies().find(JwtAuthenticator.class), request);
        assertTrue(identity.verified(), "the token is read from " + where);
        assertEquals("alice", identity.claims().get("sub"));
        assertFalse(String.valueOf(request.rawQuery()).contains(valid), "removed from the query");
        request.requestHeaders().forEach(h -> assertFalse(h.getValue().contains(valid), () -> "left in " + h));

        // A valid token anywhere else is no token: the strict route refuses it as missing.
        for (Where elsewhere : Where.values()) {
            if (elsewhere == where || sameLocationKind(where, elsewhere)) {
                continue;
            }
            CredentialCarrier misplaced = elsewhere.carry(valid);
            Authentication refusal = Authn.refused(route.policies().find(JwtAuthenticator.class), misplaced);
            assertEquals(AuthFailure.MISSING_TOKEN, refusal.failure(), () -> where + " route, token in " + elsewhere);
        }
    }

    /** The default and the explicit Authorization location both read {@code Authorization: Bearer}. */
    private static boolean sameLocationKind(Where a, Where b) {
        boolean aBearer = a == Where.DEFAULT_BEARER || a == Where.EXPLICIT_AUTHORIZATION_DEFAULT_PREFIX;
        boolean bBearer = b == Where.DEFAULT_BEARER || b == Where.EXPLICIT_AUTHORIZATION_DEFAULT_PREFIX;
        return aBearer && bBearer;
    }

    @Test
    void jwksUrlIsLoadedAndItsKeysVerify() throws Exception {
        Route route = route(compile(jwtRoute("url: \"" + idpUrl() + "\"\n", "location:\n  cookie: {name: session}\n")), "r");
        CredentialCarrier request = carrier(null, "Cookie", "session=" + token(rsa, KID, ISSUER) + "; a=1");
        assertTrue(Authn.accepted(route.policies().find(JwtAuthenticator.class), request).verified());
        assertEquals("a=1", request.requestHeaders().get("cookie"));

        KeyPair other = dev.edgeproxy.testing.TestKeys.rsa2048();
        CredentialCarrier forged = carrier(null, "Cookie", "session=" + token(other, KID, ISSUER));
        Authentication refusal = Authn.refused(route.policies().find(JwtAuthenticator.class), forged);
        assertEquals(AuthFailure.BAD_SIGNATURE, refusal.failure());
    }

    // --- helpers ---------------------------------------------------------------------------------

    static CredentialCarrier carrier(String query, String... nameValue) {
        MultiMap headers = MultiMap.caseInsensitiveMultiMap();
        for (int i = 0; i < nameValue.length; i += 2) {
            headers.add(nameValue[i], nameValue[i + 1]);
        }
        CredentialCarrier carrier = HeaderCarrier.of(headers);
        carrier.rawQuery(query);
        return carrier;
    }
}
