package dev.edgeproxy.e2e;

import dev.edgeproxy.testing.PackagedApp;
import dev.edgeproxy.testing.TestKeys;
import dev.edgeproxy.testing.Tokens;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The packaged application, jar and native binary alike, runs on Netty's epoll transport and checks token
 * signatures with ACCP on Linux x86-64: the log says so (ACCP loads in the background just after startup, and
 * only after its known-answer checks passed through it, in this very process), and fresh RS256, ES256 and
 * EdDSA tokens verify, a forged one does not.
 */
class NativeLibrariesIT {

    private static final Duration STARTUP = Duration.ofSeconds(60);
    private static final String ISSUER = "https://issuer.test";
    private static final boolean LINUX_X86_64 = System.getProperty("os.name").equals("Linux")
            && List.of("amd64", "x86_64").contains(System.getProperty("os.arch"));

    private static final KeyPair RSA = TestKeys.rsa2048();
    private static final KeyPair P256 = TestKeys.ecP256();
    private static final KeyPair ED25519 = TestKeys.ed25519();

    private static EchoUpstream upstream;
    private static PackagedApp app;
    private static int port;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        assumeTrue(PackagedApp.exists(), "no packaged application at " + PackagedApp.APP.toAbsolutePath() + "; run ./mvnw verify");
        upstream = new EchoUpstream();
        Path dir = Files.createTempDirectory("native-libraries-it");
        Path jwks = Files.writeString(dir.resolve("jwks.json"), TestKeys.jwks(
                TestKeys.jwk(RSA.getPublic(), "rsa", null),
                TestKeys.jwk(P256.getPublic(), "p256", null),
                TestKeys.jwk(ED25519.getPublic(), "ed", null)));
        Path config = Files.writeString(dir.resolve("gateway.yaml"), """
                gateway:
                  routes:
                    - name: secured
                      backends:
                        - host: 127.0.0.1:%d
                      policies:
                        jwtAuth:
                          mode: strict
                          issuer: %s
                          jwks: {file: %s}
                """.formatted(upstream.port(), ISSUER, jwks));
        port = PackagedApp.freePort();
        app = PackagedApp.start(List.of(
                "quarkus.config.locations=" + config,
                "quarkus.http.port=" + port,
                "quarkus.management.port=" + PackagedApp.freePort()));
        assertTrue(app.awaitOutput("Listening on", STARTUP), () -> "did not start:\n" + app.output());
    }

    @AfterAll
    static void stop() throws Exception {
        if (app != null) {
            app.close();
        }
        if (upstream != null) {
            upstream.close();
        }
    }

    @Test
    void theStartupLogNamesEpollAndAccp() throws InterruptedException {
        assumeTrue(LINUX_X86_64, "ACCP and epoll ship for Linux x86-64 only");
        assertTrue(app.output().contains("network transport: native (epoll)"), app::output);
        assertTrue(app.awaitOutput("token signatures are checked by", Duration.ofSeconds(10)), app::output);
        assertTrue(app.output().contains("token signatures are checked by AmazonCorrettoCryptoProvider 2.5.0 (native)"),
                app::output);
    }

    @ParameterizedTest
    @ValueSource(strings = {"RS256", "ES256", "EdDSA"})
    void freshTokensVerifyAndForgedOnesDoNot(String alg) throws Exception {
        KeyPair pair = alg.equals("RS256") ? RSA : alg.equals("ES256") ? P256 : ED25519;
        String kid = alg.equals("RS256") ? "rsa" : alg.equals("ES256") ? "p256" : "ed";
        KeyPair forger = alg.equals("RS256") ? TestKeys.rsa2048() : alg.equals("ES256") ? TestKeys.ecP256()
                : TestKeys.ed25519();
        for (int i = 0; i < 3; i++) {
            assertEquals(200, status(Tokens.sign(pair.getPrivate(), alg, kid, Tokens.claims(ISSUER, null))));
        }
        assertEquals(401, status(Tokens.sign(forger.getPrivate(), alg, kid, Tokens.claims(ISSUER, null))));
    }

    private static int status(String token) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/x"))
                .header("Authorization", "Bearer " + token)
                .timeout(Duration.ofSeconds(10))
                .build();
        return HTTP.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    }
}
