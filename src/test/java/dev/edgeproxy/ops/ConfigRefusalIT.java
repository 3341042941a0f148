package dev.edgeproxy.ops;

import dev.edgeproxy.testing.PackagedApp;
import dev.edgeproxy.testing.TestCertificates;
import dev.edgeproxy.testing.TestKeys;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code --validate-only} and startup refuse the same configurations (docs/reference.md#configuration, "How
 * errors are reported"): each row of one table is run both ways on the packaged application (the jar, or the
 * native binary under {@code -Dnative}). {@code --validate-only} must exit 1 and a normal start must exit
 * non-zero before listening, both naming the route (or setting) and the field.
 */
class ConfigRefusalIT {

    private static final Duration EXIT = Duration.ofSeconds(60);

    private static final String OCT_JWKS = "{\"keys\": [{\"kty\": \"oct\", \"kid\": \"hmac\", "
            + "\"k\": \"c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LXNlY3JldA\"}]}";

    /** Valid on its own: the rows that use it are broken by a system property. */
    private static final String VALID = """
            gateway:
              routes:
                - name: fine
                  backends:
                    - host: 127.0.0.1:8081
            """;

    /** Named by quarkus.config.locations, never created. */
    private static final Path MISSING = Path.of("target", "config-refusal-it", "missing.yaml").toAbsolutePath();

    @TempDir
    Path tmp;

    @BeforeAll
    static void requireApplication() {
        assumeTrue(PackagedApp.exists(), "no packaged application at " + PackagedApp.APP.toAbsolutePath() + "; run ./mvnw verify");
    }

    /**
     * A broken configuration.
     *
     * @param yaml       the route file named by {@code quarkus.config.locations}, or {@code null} for none
     * @param properties further {@code name=value} system properties
     * @param expected   what both outputs must contain: route (or setting) and field
     * @param absent     what neither output may contain, or {@code null}
     */
    record Row(String description, String yaml, List<String> properties, List<String> expected, String absent) {

        static Row of(String description, String yaml, String... expected) {
            return new Row(description, yaml, List.of(), List.of(expected), null);
        }

        Row with(String... properties) {
            return new Row(description, yaml, List.of(properties), expected, absent);
        }

        Row without(String text) {
            return new Row(description, yaml, properties, expected, text);
        }

        @Override
        public String toString() {
            return description;
        }
    }

    static Stream<Row> brokenConfigs() {
        return Stream.of(
                Row.of("unknown mode", """
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
                        """.formatted(rsaJwks()), "route 'moody': policies.jwtAuth.mode:"),
                Row.of("HMAC key", """
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
                        """.formatted(OCT_JWKS), "route 'hmac-route': policies.jwtAuth.jwks.inline:"),
                Row.of("rule not returning bool", """
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
                        """, "route 'rules': policies.authorization.rules[1].deny:"),
                Row.of("bad backend", """
                        gateway:
                          routes:
                            - name: nowhere
                              backends:
                                - host: just-a-host
                        """, "route 'nowhere': backends[0].host:"),
                Row.of("empty audiences list", """
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
                        """.formatted(rsaJwks()), "route 'no-audience': policies.jwtAuth.audiences:"),
                Row.of("empty lists judged by the gateway, not SmallRye", """
                        gateway:
                          routes:
                            - name: api
                              hostnames: []
                              backends:
                                - host: 127.0.0.1:9
                              policies:
                                authorization:
                                  rules: []
                        """, "route 'api': hostnames: is an empty list").without("SRCFG"),
                Row.of("regex with lookahead", """
                        gateway:
                          routes:
                            - name: look
                              matches:
                                - path: {regex: "/a(?=b)"}
                              backends:
                                - host: 127.0.0.1:8081
                        """, "route 'look': matches[0].path.regex:"),
                Row.of("duplicate name", """
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
                        """, "route 'twice': name:"),
                Row.of("bad limit", """
                        gateway:
                          limits:
                            requestHeadTimeout: soon
                          routes:
                            - name: fine
                              backends:
                                - host: 127.0.0.1:8081
                        """, "gateway: limits.requestHeadTimeout:"),
                Row.of("every error of two routes at once", """
                        gateway:
                          routes:
                            - name: moody
                              backends:
                                - host: nohost
                              policies:
                                jwtAuth:
                                  mode: sometimes
                                  issuer: x
                                  jwks: {inline: '{"keys":[{"kty":"oct","k":"AAAA","kid":"h"}]}'}
                                authorization:
                                  rules:
                                    - allow: 'request.path'
                            - name: moody
                              backends:
                                - host: 127.0.0.1:9
                        """, "route 'moody': backends[0].host:", "route 'moody': policies.jwtAuth.mode:",
                        "route 'moody': policies.jwtAuth.jwks.inline:", "route 'moody': policies.authorization.rules[0].allow:",
                        "route 'moody': name: is used by more than one route"),
                Row.of("misspelt key", """
                        gateway:
                          routes:
                            - name: typo
                              backends:
                                - hots: 127.0.0.1:9
                        """, "gateway.routes[0].backends[0].hots"),
                Row.of("no routes", null, "gateway.routes: no routes configured", "-Dgateway.sample.enabled=true"),
                Row.of("access log format", VALID, "gateway.accessLog.format: unknown format 'bogus'")
                        .with("gateway.accessLog.format=bogus"),
                Row.of("crypto provider", VALID, "edge-proxy.crypto.provider: must be auto or jdk, got 'bogus'")
                        .with("edge-proxy.crypto.provider=bogus"),
                Row.of("unreadable file", null, "quarkus.config.locations: cannot read " + MISSING)
                        .with("quarkus.config.locations=" + MISSING),
                Row.of("missing upstream CA file", """
                        gateway:
                          routes:
                            - name: upstream-tls
                              backends:
                                - host: 127.0.0.1:8443
                                  tls:
                                    caCertificates: %s
                        """.formatted(MISSING.resolveSibling("ca.pem")),
                        "route 'upstream-tls': backends[0].tls.caCertificates: cannot read"),
                Row.of("unknown upstream protocol", """
                        gateway:
                          routes:
                            - name: h3
                              backends:
                                - host: 127.0.0.1:8443
                                  protocol: h3
                        """, "route 'h3': backends[0].protocol: unknown protocol 'h3'"),
                Row.of("client certificate without key", """
                        gateway:
                          routes:
                            - name: half-mtls
                              backends:
                                - host: 127.0.0.1:8443
                                  tls:
                                    clientCertificate: %s
                        """.formatted(TlsFiles.CERTIFICATE),
                        "route 'half-mtls': backends[0].tls.clientKey: is required when clientCertificate is set"),
                Row.of("client key of another certificate", """
                        gateway:
                          routes:
                            - name: wrong-key
                              backends:
                                - host: 127.0.0.1:8443
                                  tls:
                                    clientCertificate: %s
                                    clientKey: %s
                        """.formatted(TlsFiles.CERTIFICATE, TlsFiles.OTHER_KEY),
                        "route 'wrong-key': backends[0].tls.clientKey: " + TlsFiles.OTHER_KEY
                                + " does not match the certificate's public key").without("BEGIN PRIVATE KEY"),
                Row.of("listener certificate file missing", VALID,
                        "quarkus.tls.key-store.pem.0.cert: cannot read " + TLS.resolve("missing.crt"))
                        .with("quarkus.tls.key-store.pem.0.cert=" + TLS.resolve("missing.crt"),
                                "quarkus.tls.key-store.pem.0.key=" + TLS.resolve("a.key")),
                Row.of("listener key of another certificate", VALID,
                        "quarkus.tls.key-store.pem.0.key: does not match its certificate")
                        .with("quarkus.tls.key-store.pem.0.cert=" + TLS.resolve("a.crt"),
                                "quarkus.tls.key-store.pem.0.key=" + TLS.resolve("b.key")),
                Row.of("client certificates without a CA to verify them", VALID,
                        "gateway: listener.clientAuth: request needs the CA certificates")
                        .with("gateway.listener.clientAuth=request"),
                Row.of("Quarkus' reload period on the listener", VALID,
                        "quarkus.tls.reload-period: not used for the proxy's listener")
                        .with("quarkus.tls.reload-period=1m"));
    }

    /** Certificates and keys of the TLS rows, made by a test CA when the table is built. */
    private static final Path TLS = Path.of("target", "config-refusal-it", "tls").toAbsolutePath();

    static {
        TestCertificates pki = TestCertificates.authority("config-refusal CA");
        pki.server("a.example").write(TLS, "a");
        pki.server("b.example").write(TLS, "b");
    }

    /** A client certificate and a key that is not its own, generated once for the TLS rows. */
    private static final class TlsFiles {
        static final Path DIR = MISSING.getParent();
        static final Path CERTIFICATE = DIR.resolve("client.crt");
        static final Path OTHER_KEY = DIR.resolve("other.key");

        static {
            try {
                Files.createDirectories(DIR);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            TestCertificates ca = TestCertificates.authority("refusal-ca");
            ca.client("CN=refusal-client").writeCertificate(CERTIFICATE);
            ca.client("CN=someone-else").writeKey(OTHER_KEY);
        }
    }

    /** A public-only JWKS of a fresh RSA-2048 key, so that the row's mistake is the only one. */
    private static String rsaJwks() {
        return TestKeys.jwks(TestKeys.rsa2048().getPublic(), "it-key");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("brokenConfigs")
    void validateOnlyAndStartupRefuseAlike(Row row) throws Exception {
        List<String> properties = new ArrayList<>(row.properties());
        if (row.yaml() != null) {
            Path config = tmp.resolve("gateway.yaml");
            Files.writeString(config, row.yaml());
            properties.add("quarkus.config.locations=" + config.toAbsolutePath());
        }

        // Both runs at once (two processes, one core each), to halve the wait: --validate-only while we hold the
        // proxy port (binding it would fail, so none must be tried), and a normal start that must stop before the
        // HTTP server listens.
        String validation;
        String startup;
        try (ServerSocket held = new ServerSocket(0)) {
            List<String> validateProps = new ArrayList<>(properties);
            validateProps.add("quarkus.http.port=" + held.getLocalPort());
            List<String> startProps = new ArrayList<>(properties);
            startProps.addAll(List.of("quarkus.http.port=0", "quarkus.management.port=0"));
            try (PackagedApp validate = PackagedApp.start(validateProps, "--validate-only");
                    PackagedApp start = PackagedApp.start(startProps)) {
                Integer validateExit = validate.awaitExit(EXIT);
                validation = validate.output();
                assertNotNull(validateExit, () -> "--validate-only still running:\n" + validate.output());
                assertEquals(1, validateExit, () -> "--validate-only exit code:\n" + validate.output());
                Integer startExit = start.awaitExit(EXIT);
                startup = start.output();
                assertNotNull(startExit, () -> "still running after " + EXIT.toSeconds() + " s:\n" + start.output());
                assertNotEquals(0, startExit, () -> "startup exit code 0:\n" + start.output());
            }
        }
        check("--validate-only", row, validation);
        check("startup", row, startup);
    }

    private static void check(String how, Row row, String output) {
        assertFalse(output.contains("Listening on"), () -> how + " started the HTTP server:\n" + output);
        for (String expected : row.expected()) {
            assertTrue(output.contains(expected), () -> how + " does not say \"" + expected + "\":\n" + output);
        }
        if (row.absent() != null) {
            assertFalse(output.contains(row.absent()), () -> how + " says \"" + row.absent() + "\":\n" + output);
        }
    }
}
