package dev.edgeproxy;

import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.PublicJsonWebKey;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * CONTRACT §1 on the packaged application: a configuration error stops startup with a non-zero exit
 * and a message naming the route and the field; a valid configuration starts.
 */
class StartupFailureIT {

    private static final Path JAR = Path.of("target", "quarkus-app", "quarkus-run.jar");
    /** Under {@code -Dnative} the packaged application is the native binary. */
    private static final boolean NATIVE = Boolean.getBoolean("quarkus.native.enabled");
    private static final Path APP = NATIVE ? Path.of(System.getProperty("native.image.path", "")) : JAR;
    private static final long WAIT_SECONDS = 60;

    private static final String OCT_JWKS = "{\"keys\": [{\"kty\": \"oct\", \"kid\": \"hmac\", "
            + "\"k\": \"c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LXNlY3JldA\"}]}";

    @TempDir
    Path tmp;

    private final List<Process> started = new ArrayList<>();

    @BeforeAll
    static void requireApplication() {
        assumeTrue(Files.isRegularFile(APP), "no packaged application at " + APP.toAbsolutePath() + "; run ./mvnw verify");
    }

    @AfterEach
    void stopProcesses() throws InterruptedException {
        for (Process p : started) {
            if (p.isAlive()) {
                p.destroy();
                if (!p.waitFor(10, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            }
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
                        """, "route 'twice'", "name"));
    }

    /** A public-only JWKS of a fresh RSA-2048 key, so that the unknown mode is the only mistake. */
    private static String rsaJwks() {
        try {
            KeyPairGenerator gen = KeyPairGenerator.getInstance("RSA");
            gen.initialize(2048);
            PublicJsonWebKey jwk = PublicJsonWebKey.Factory.newPublicJwk(gen.generateKeyPair().getPublic());
            jwk.setKeyId("it-key");
            return "{\"keys\": [" + jwk.toJson(JsonWebKey.OutputControlLevel.PUBLIC_ONLY) + "]}";
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("brokenConfigs")
    void brokenConfigurationStopsStartup(String description, String yaml, String route, String field) throws Exception {
        Output out = new Output();
        Process p = start(yaml, out);
        if (!p.waitFor(WAIT_SECONDS, TimeUnit.SECONDS)) {
            fail("still running after " + WAIT_SECONDS + " s with a broken configuration (" + description + "):\n" + out);
        }
        out.awaitEnd();
        int exit = p.exitValue();
        assertNotEquals(0, exit, () -> "exit code 0 for " + description + ":\n" + out);
        String text = out.toString();
        assertTrue(text.contains(route + ": " + field + ":"),
                () -> "output does not name \"" + route + ": " + field + "\" (exit " + exit + "):\n" + text);
        assertTrue(!text.contains("Listening on"), () -> "the HTTP server was started:\n" + text);
    }

    @Test
    void validConfigurationStarts() throws Exception {
        Output out = new Output();
        Process p = start("""
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
                """, out);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        while (System.nanoTime() < deadline && !out.toString().contains("started in")
                && !out.toString().contains("Listening on")) {
            if (!p.isAlive()) {
                out.awaitEnd();
                fail("exited with " + p.exitValue() + " on a valid configuration:\n" + out);
            }
            Thread.sleep(200);
        }
        String text = out.toString();
        assertTrue(text.contains("started in") || text.contains("Listening on"),
                () -> "no startup message within " + WAIT_SECONDS + " s:\n" + text);
        assertTrue(p.isAlive(), () -> "not running after startup:\n" + text);
        assertTrue(text.contains("route fine"), () -> "route 'fine' was not installed:\n" + text);
    }

    private Process start(String yaml, Output out) throws IOException {
        Path config = tmp.resolve("gateway.yaml");
        Files.writeString(config, yaml);
        List<String> command = new ArrayList<>();
        if (!NATIVE) {
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        }
        command.addAll(List.of(
                "-Dquarkus.config.locations=" + config.toAbsolutePath(),
                "-Dquarkus.http.port=0",
                "-Dquarkus.management.port=0"));
        if (NATIVE) {
            command.add(0, APP.toAbsolutePath().toString());
        } else {
            command.addAll(List.of("-jar", JAR.toAbsolutePath().toString()));
        }
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().remove("QUARKUS_CONFIG_LOCATIONS");
        Process p = pb.start();
        started.add(p);
        out.drain(p.getInputStream());
        return p;
    }

    /** Collects a process's combined output on a background thread. */
    private static final class Output {
        private final StringBuffer text = new StringBuffer();
        private Thread reader;

        void drain(InputStream in) {
            reader = new Thread(() -> {
                char[] buffer = new char[8192];
                try (Reader r = new InputStreamReader(in, StandardCharsets.UTF_8)) {
                    int n;
                    while ((n = r.read(buffer)) >= 0) {
                        text.append(buffer, 0, n);
                    }
                } catch (IOException ignored) {
                    // the process went away
                }
            }, "process-output");
            reader.setDaemon(true);
            reader.start();
        }

        void awaitEnd() throws InterruptedException {
            reader.join(TimeUnit.SECONDS.toMillis(10));
        }

        @Override
        public String toString() {
            return text.toString();
        }
    }
}
