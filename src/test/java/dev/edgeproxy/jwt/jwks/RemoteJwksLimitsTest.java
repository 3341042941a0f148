package dev.edgeproxy.jwt.jwks;

import com.sun.net.httpserver.HttpServer;
import dev.edgeproxy.cel.CelEnvironment;
import dev.edgeproxy.compile.RouteCompiler;
import dev.edgeproxy.config.InvalidConfigException;
import dev.edgeproxy.jwt.AuthFailure;
import dev.edgeproxy.jwt.Authentication;
import dev.edgeproxy.jwt.JwtAuthenticator;
import dev.edgeproxy.jwt.JwtMode;
import dev.edgeproxy.jwt.TokenLocation;
import dev.edgeproxy.jwt.TokenVerifier;
import dev.edgeproxy.testing.Authn;
import dev.edgeproxy.testing.Configs;
import dev.edgeproxy.testing.JwksServer;
import dev.edgeproxy.testing.TestKeys;
import dev.edgeproxy.testing.Tokens;
import io.vertx.core.MultiMap;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.time.Duration;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a JWKS URL may make the proxy do: read a body no larger than {@code gateway.limits.jwksMaxBytes}
 * (whether the size is announced or only found while reading), and never follow a redirect. Both fail
 * the fetch like any other failure: the first load (startup) fails, a refresh keeps the old keys.
 */
class RemoteJwksLimitsTest {

    private static final String ISSUER = "https://idp.example.test";
    private static final String AUDIENCE = "orders-api";
    private static final Duration TIMEOUT = Duration.ofSeconds(2);
    private static final int MAX_BYTES = 4096;
    private static final KeyPair KEY_1 = TestKeys.ecP256();
    private static final KeyPair KEY_2 = TestKeys.ecP256();

    private final JwksFetcher fetcher = new JwksFetcher(MAX_BYTES);
    private final JwksServer server = new JwksServer(TestKeys.jwks(KEY_1.getPublic(), "k1"));
    private HttpServer raw;

    @AfterEach
    void tearDown() {
        fetcher.close();
        server.close();
        if (raw != null) {
            raw.stop(0);
        }
    }

    /** A valid key set, padded with an ignored member to {@code size} bytes or more. */
    private static String padded(KeyPair key, String kid, int size) {
        String jwks = TestKeys.jwks(key.getPublic(), kid);
        return jwks.substring(0, jwks.lastIndexOf('}')) + ", \"padding\": \"" + "p".repeat(size) + "\"}";
    }

    @Test
    void documentWithinTheCapLoads() {
        server.serve(padded(KEY_1, "k1", MAX_BYTES - 1_000));
        JwksSources.remote(server.url(), TIMEOUT, fetcher, "test route");
        assertEquals(1, server.hits());
    }

    @Test
    void firstLoadFailsWhenContentLengthExceedsTheCap() {
        server.serve(padded(KEY_1, "k1", MAX_BYTES));
        assertFirstLoadFails(server.url(), "larger than " + MAX_BYTES + " bytes");
    }

    @Test
    void firstLoadFailsWhenAChunkedBodyGrowsBeyondTheCap() throws IOException {
        // No Content-Length: the limit can only be found while reading.
        byte[] body = padded(KEY_1, "k1", MAX_BYTES * 4).getBytes(StandardCharsets.UTF_8);
        URI url = rawServer(exchange -> {
            exchange.sendResponseHeaders(200, 0);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            } catch (IOException clientGaveUp) {
                // expected: the fetcher stops reading
            }
        });
        assertFirstLoadFails(url, "larger than " + MAX_BYTES + " bytes");
    }

    @Test
    void redirectIsNotFollowed() throws IOException {
        URI url = rawServer(exchange -> {
            exchange.getResponseHeaders().add("location", server.url().toString());
            exchange.sendResponseHeaders(302, -1);
            exchange.close();
        });
        assertFirstLoadFails(url, "HTTP 302 redirect to " + server.url() + " not followed");
        assertEquals(0, server.hits(), "the redirect target was fetched");
    }

    @Test
    void oversizedRefreshKeepsTheOldKeys() throws Exception {
        JwksSource source = JwksSources.remote(server.url(), TIMEOUT, fetcher, "test route");
        TokenVerifier verifier = TokenVerifier.create(
                List.of(new TokenVerifier.ProviderSpec(ISSUER, Set.of(AUDIENCE), source)), Duration.ofSeconds(60));
        JwtAuthenticator auth = new JwtAuthenticator("route", JwtMode.STRICT, TokenLocation.DEFAULT, verifier, TIMEOUT);
        // The provider rotates to a key set that is too big: the unknown kid's refetch fails ...
        server.serve(padded(KEY_2, "k2", MAX_BYTES));
        Authentication refusal = Authn.refused(auth, bearer(token(KEY_2, "k2")));
        assertEquals(AuthFailure.UNKNOWN_KEY, refusal.failure());
        assertEquals(2, server.hits(), "the refetch happened");
        // ... and the keys loaded before still verify.
        assertEquals("alice", Authn.accepted(auth, bearer(token(KEY_1, "k1"))).claims().get("sub"));
    }

    @Test
    void atStartupTheCapIsAConfigErrorNamingRouteAndField() {
        server.serve(padded(KEY_1, "k1", 200));
        var config = Configs.bind("""
                gateway:
                  limits:
                    jwksMaxBytes: 100
                  routes:
                    - name: idp
                      backends: [{host: "127.0.0.1:1"}]
                      policies:
                        jwtAuth:
                          issuer: %s
                          jwks: {url: "%s"}
                """.formatted(ISSUER, server.url()));
        InvalidConfigException e = assertThrows(InvalidConfigException.class,
                () -> RouteCompiler.compile(config, new CelEnvironment()));
        assertEquals(1, e.errors().size(), e.getMessage());
        String error = e.errors().get(0);
        assertTrue(error.startsWith("route 'idp': policies.jwtAuth.jwks.url: "), error);
        assertTrue(error.contains("larger than 100 bytes"), error);
    }

    private URI rawServer(com.sun.net.httpserver.HttpHandler handler) throws IOException {
        raw = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        raw.createContext("/", handler);
        raw.start();
        return URI.create("http://127.0.0.1:" + raw.getAddress().getPort() + "/jwks.json");
    }

    private void assertFirstLoadFails(URI url, String reason) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> JwksSources.remote(url, TIMEOUT, fetcher, "test route"));
        assertTrue(e.getMessage().contains(url.toString()), "names the URL: " + e.getMessage());
        assertTrue(e.getMessage().contains(reason), "names the reason '" + reason + "': " + e.getMessage());
    }

    private static MultiMap bearer(String token) {
        return MultiMap.caseInsensitiveMultiMap().add("authorization", "Bearer " + token);
    }

    private static String token(KeyPair key, String kid) {
        return Tokens.sign(key.getPrivate(), AlgorithmIdentifiers.ECDSA_USING_P256_CURVE_AND_SHA256, kid,
                Tokens.claims(ISSUER, AUDIENCE));
    }
}
