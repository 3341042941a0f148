package dev.edgeproxy;

import dev.edgeproxy.testing.PackagedApp;
import dev.edgeproxy.testing.TestKeys;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * docs/reference.md#configuration ("How errors are reported") on the packaged application: a configuration error
 * stops startup with a non-zero exit and a message naming the route and the field; a valid configuration starts.
 */
class StartupFailureIT {

    private static final long WAIT_SECONDS = 60;

    private static final String OCT_JWKS = "{\"keys\": [{\"kty\": \"oct\", \"kid\": \"hmac\", "
            + "\"k\": \"c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LXNlY3JldA\"}]}";

    @TempDir
    Path tmp;

    private final List<PackagedApp> started = new ArrayList<>();

    @BeforeAll
    static void requireApplication() {
        assumeTrue(PackagedApp.exists(), "no packaged application at " + PackagedApp.APP.toAbsolutePath() + "; run ./mvnw verify");
    }

    @AfterEach
    void stopProcesses() throws InterruptedException {
        for (PackagedApp app : started) {
            app.close();
        }
    }

    static Stream<Arguments> brokenConfigs() {
        return Stream.of(
                Arguments.of("unknown mode", """
                        gateway:
                          routes:
                            - name: moody
                              backends:
                                - host: 127.0.0.1:8081
                              policies:
                                jwtAuth:
                                  mode: sometimes
                                  issuer: test.issuer
                                  jwks:
                                    inline: '%s'
                        """.formatted(rsaJwks()), "route 'moody'", "policies.jwtAuth.mode"),
                Arguments.of("HMAC key", """
                        gateway:
                          routes:
                            - name: hmac-route
                              backends:
                                - host: 127.0.0.1:8081
                              policies:
                                jwtAuth:
                                  mode: strict
                                  issuer: test.issuer
                                  jwks:
                                    inline: '%s'
                        """.formatted(OCT_JWKS), "route 'hmac-route'", "policies.jwtAuth.jwks.inline"),
                Arguments.of("rule not returning bool", """
                        gateway:
                          routes:
                            - name: rules
                              backends:
                                - host: 127.0.0.1:8081
                              policies:
                                authorization:
                                  rules:
                                    - allow: 'request.path == "/ok"'
                                    - deny: 'request.method'
                        """, "route 'rules'", "policies.authorization.rules[1].deny"),
                Arguments.of("bad backend", """
                        gateway:
                          routes:
                            - name: nowhere
                              backends:
                                - host: just-a-host
                        """, "route 'nowhere'", "backends[0].host"),
                Arguments.of("empty audiences list", """
                        gateway:
                          routes:
                            - name: no-audience
                              backends:
                                - host: 127.0.0.1:8081
                              policies:
                                jwtAuth:
                                  issuer: test.issuer
                                  audiences: []
                                  jwks:
                                    inline: '%s'
                        """.formatted(rsaJwks()), "route 'no-audience'", "policies.jwtAuth.audiences"),
                Arguments.of("regex with lookahead", """
                        gateway:
                          routes:
                            - name: look
                              matches:
                                - path: {regex: "/a(?=b)"}
                              backends:
                                - host: 127.0.0.1:8081
                        """, "route 'look'", "matches[0].path.regex"),
                Arguments.of("duplicate name", """
                        gateway:
                          routes:
                            - name: twice
                              matches:
                                - path: {pathPrefix: /a}
                              backends:
                                - host: 127.0.0.1:8081
                            - name: twice
                              matches:
                                - path: {pathPrefix: /b}
                              backends:
                                - host: 127.0.0.1:8082
                        """, "route 'twice'", "name"),
                Arguments.of("bad limit", """
                        gateway:
                          limits:
                            requestHeadTimeout: soon
                          routes:
                            - name: fine
                              backends:
                                - host: 127.0.0.1:8081
                        """, "gateway", "limits.requestHeadTimeout"));
    }

    /** A public-only JWKS of a fresh RSA-2048 key, so that the unknown mode is the only mistake. */
    private static String rsaJwks() {
        return TestKeys.jwks(TestKeys.rsa2048().getPublic(), "it-key");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("brokenConfigs")
    void brokenConfigurationStopsStartup(String description, String yaml, String route, String field) throws Exception {
        PackagedApp app = start(yaml);
        Integer exit = app.awaitExit(Duration.ofSeconds(WAIT_SECONDS));
        if (exit == null) {
            fail("still running after " + WAIT_SECONDS + " s with a broken configuration (" + description + "):\n" + app.output());
        }
        assertNotEquals(0, exit, () -> "exit code 0 for " + description + ":\n" + app.output());
        String text = app.output();
        assertTrue(text.contains(route + ": " + field + ":"),
                () -> "output does not name \"" + route + ": " + field + "\" (exit " + exit + "):\n" + text);
        assertTrue(!text.contains("Listening on"), () -> "the HTTP server was started:\n" + text);
    }

    @Test
    void validConfigurationStarts() throws Exception {
        PackagedApp app = start("""
                gateway:
                  routes:
                    - name: fine
                      matches:
                        - path: {pathPrefix: /api}
                      backends:
                        - host: 127.0.0.1:8081
                      policies:
                        authorization:
                          rules:
                            - allow: 'request.method == "GET"'
                """);
        boolean startedUp = app.awaitOutput("Listening on", Duration.ofSeconds(WAIT_SECONDS));
        String text = app.output();
        assertTrue(startedUp, () -> "no startup message within " + WAIT_SECONDS + " s:\n" + text);
        assertTrue(app.isAlive(), () -> "not running after startup:\n" + text);
        assertTrue(text.contains("route fine"), () -> "route 'fine' was not installed:\n" + text);
    }

    private PackagedApp start(String yaml) throws IOException {
        Path config = tmp.resolve("gateway.yaml");
        Files.writeString(config, yaml);
        PackagedApp app = PackagedApp.start(List.of(
                "quarkus.config.locations=" + config.toAbsolutePath(),
                "quarkus.http.port=0",
                "quarkus.management.port=0"));
        started.add(app);
        return app;
    }
}
