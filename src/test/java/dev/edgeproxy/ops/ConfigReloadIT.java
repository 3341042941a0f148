package dev.edgeproxy.ops;

import dev.edgeproxy.e2e.EchoUpstream;
import dev.edgeproxy.e2e.TlsUpstream;
import dev.edgeproxy.testing.PackagedApp;
import dev.edgeproxy.testing.TestCertificates;
import dev.edgeproxy.testing.TestKeys;
import dev.edgeproxy.testing.Tokens;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Hot reload on the packaged application: a changed route file, a Kubernetes-style symlink swap, a
 * changed JWKS file, an invalid change (refused, old routes stay), and a load of requests across
 * several reloads without a single failure.
 */
class ConfigReloadIT {

    private static final Duration STARTUP = Duration.ofSeconds(60);
    private static final Duration RELOAD = Duration.ofSeconds(15);

    @TempDir
    Path tmp;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private EchoUpstream upstream;
    private PackagedApp app;
    private int port;
    private int managementPort;

    @BeforeAll
    static void requireApplication() {
        assumeTrue(PackagedApp.exists(), "no packaged application at " + PackagedApp.APP.toAbsolutePath());
    }

    @BeforeEach
    void startUpstream() throws IOException {
        upstream = new EchoUpstream();
        port = PackagedApp.freePort();
        managementPort = PackagedApp.freePort();
    }

    @AfterEach
    void stopAll() throws InterruptedException {
        if (app != null) {
            app.close();
        }
        upstream.close();
    }

    private String route(String name, String prefix) {
        return """
                gateway:
                  routes:
                    - name: %s
                      matches:
                        - path: {pathPrefix: %s}
                      backends:
                        - host: 127.0.0.1:%d
                """.formatted(name, prefix, upstream.port());
    }

    private void start(Path config) throws Exception {
        app = PackagedApp.start(List.of(
                "quarkus.config.locations=" + config,
                "quarkus.http.port=" + port,
                "quarkus.management.port=" + managementPort));
        assertTrue(app.awaitOutput("Listening on", STARTUP), () -> "did not start:\n" + app.output());
        assertTrue(app.awaitOutput("watching", Duration.ofSeconds(5)), () -> "not watching:\n" + app.output());
    }

    private int status(String path) throws Exception {
        return status(path, null);
    }

    private int status(String path, String bearer) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10));
        if (bearer != null) {
            request.header("Authorization", "Bearer " + bearer);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    /** Polls until {@code path} answers {@code expected}; the reload is asynchronous to the file write. */
    private boolean eventually(String path, String bearer, int expected) throws Exception {
        long deadline = System.nanoTime() + RELOAD.toNanos();
        while (System.nanoTime() < deadline) {
            if (status(path, bearer) == expected) {
                return true;
            }
            Thread.sleep(100);
        }
        return false;
    }

    @Test
    void changedRouteFileTakesEffectWithoutRestart() throws Exception {
        Path config = tmp.resolve("gateway.yaml");
        Files.writeString(config, route("first", "/a"));
        start(config);
        assertEquals(200, status("/a/x"));
        assertEquals(404, status("/b/x"));

        Files.writeString(config, route("second", "/b"));

        assertTrue(eventually("/b/x", null, 200), () -> "new route not in force:\n" + app.output());
        assertEquals(404, status("/a/x"), "the old route is gone");
        assertTrue(app.output().contains("configuration reloaded: 1 routes"), app::output);
    }

    @Test
    void symlinkSwapLikeAConfigMapUpdateIsPickedUp() throws Exception {
        // Kubernetes' layout: gateway.yaml -> ..data/gateway.yaml, ..data -> ..<timestamp>
        Path v1 = Files.createDirectory(tmp.resolve("..2026_11_28_v1"));
        Files.writeString(v1.resolve("gateway.yaml"), route("first", "/a"));
        Files.createSymbolicLink(tmp.resolve("..data"), v1.getFileName());
        Files.createSymbolicLink(tmp.resolve("gateway.yaml"), Path.of("..data", "gateway.yaml"));
        start(tmp.resolve("gateway.yaml"));
        assertEquals(200, status("/a/x"));

        Path v2 = Files.createDirectory(tmp.resolve("..2026_11_28_v2"));
        Files.writeString(v2.resolve("gateway.yaml"), route("second", "/b"));
        Path next = Files.createSymbolicLink(tmp.resolve("..data_tmp"), v2.getFileName());
        Files.move(next, tmp.resolve("..data"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);

        assertTrue(eventually("/b/x", null, 200), () -> "symlink swap not picked up:\n" + app.output());
        assertEquals(404, status("/a/x"));
    }

    @Test
    void fileEmptiedOfRoutesIsRefusedAsAtStartup() throws Exception {
        Path config = tmp.resolve("gateway.yaml");
        Files.writeString(config, route("first", "/a"));
        start(config);

        Files.writeString(config, "gateway:\n  routes: []\n");

        assertTrue(app.awaitOutput("configuration change refused", RELOAD), app::output);
        assertTrue(app.output().contains("gateway.routes: no routes left in"), app::output);
        assertEquals(200, status("/a/x"), "the previous routes stay in force");
    }

    @Test
    void invalidChangeIsRefusedAndTheRoutesInForceStay() throws Exception {
        Path config = tmp.resolve("gateway.yaml");
        Files.writeString(config, route("first", "/a"));
        start(config);

        Files.writeString(config, route("broken", "/b") + """
                      policies:
                        jwtAuth:
                          mode: sometimes
                          issuer: x
                          jwks: {inline: '{"keys":[]}'}
                """);

        assertTrue(app.awaitOutput("configuration change refused", RELOAD), app::output);
        assertTrue(app.output().contains("route 'broken': policies.jwtAuth.mode"), app::output);
        assertEquals(200, status("/a/x"), "the previous routes stay in force");
        assertEquals(404, status("/b/x"));
        assertTrue(app.isAlive());

        assertTrue(metrics().contains("edgeproxy_config_reloads_total{result=\"failure\"} 1.0"), this::metrics);

        Files.writeString(config, route("fixed", "/b"));
        assertTrue(eventually("/b/x", null, 200), app::output);
        assertTrue(metrics().contains("edgeproxy_config_reloads_total{result=\"success\"} 1.0"), this::metrics);
    }

    private String metrics() {
        try {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managementPort + "/q/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
        } catch (IOException | InterruptedException e) {
            return "cannot scrape: " + e;
        }
    }

    @Test
    void changedJwksFileTakesEffect() throws Exception {
        KeyPair oldKey = TestKeys.rsa2048();
        KeyPair newKey = TestKeys.rsa2048();
        Path jwks = tmp.resolve("jwks.json");
        Files.writeString(jwks, TestKeys.jwks(oldKey.getPublic(), "k1"));
        Path config = tmp.resolve("gateway.yaml");
        Files.writeString(config, route("secured", "/s") + """
                      policies:
                        jwtAuth:
                          mode: strict
                          issuer: https://issuer.test
                          jwks: {file: %s}
                """.formatted(jwks));
        start(config);
        String oldToken = Tokens.sign(oldKey.getPrivate(), "RS256", "k1", Tokens.claims("https://issuer.test", "any"));
        String newToken = Tokens.sign(newKey.getPrivate(), "RS256", "k2", Tokens.claims("https://issuer.test", "any"));
        assertEquals(200, status("/s/x", oldToken));
        assertEquals(401, status("/s/x", newToken));

        Files.writeString(jwks, TestKeys.jwks(newKey.getPublic(), "k2"));

        assertTrue(eventually("/s/x", newToken, 200), () -> "new key not in force:\n" + app.output());
        assertEquals(401, status("/s/x", oldToken), "the removed key no longer verifies");
    }

    @Test
    void requestsAcrossReloadsAllSucceed() throws Exception {
        Path config = tmp.resolve("gateway.yaml");
        Files.writeString(config, route("v0", "/a"));
        start(config);

        AtomicBoolean running = new AtomicBoolean(true);
        AtomicInteger ok = new AtomicInteger();
        ConcurrentHashMap<String, Integer> failures = new ConcurrentHashMap<>();
        ExecutorService load = Executors.newFixedThreadPool(4);
        List<Future<?>> workers = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            workers.add(load.submit(() -> {
                for (int i = 0; i < 20_000 && running.get(); i++) {
                    try {
                        int status = status("/a/x");
                        if (status == 200) {
                            ok.incrementAndGet();
                        } else {
                            failures.merge("status " + status, 1, Integer::sum);
                        }
                    } catch (Exception e) {
                        failures.merge(e.getClass().getSimpleName(), 1, Integer::sum);
                    }
                }
                return null;
            }));
        }
        int reloads = 10;
        for (int version = 1; version <= reloads; version++) {
            // Let a few hundred requests through between reloads, so each reload lands mid-load.
            int before = ok.get();
            long until = System.nanoTime() + RELOAD.toNanos();
            while (ok.get() - before < 300 && System.nanoTime() < until && failures.isEmpty()) {
                Thread.sleep(20);
            }
            Files.writeString(config, route("v" + version, "/a"));
            int expected = version;
            assertTrue(app.awaitOutput("configuration reloaded", RELOAD), app::output);
            long deadline = System.nanoTime() + RELOAD.toNanos();
            while (countOf(app.output(), "configuration reloaded") < expected && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertEquals(expected, countOf(app.output(), "configuration reloaded"), app::output);
        }
        running.set(false);
        for (Future<?> worker : workers) {
            worker.get();
        }
        load.shutdown();

        assertTrue(ok.get() > 0, "the load ran");
        assertEquals(java.util.Map.of(), failures, "requests failed across " + reloads + " reloads (" + ok.get() + " succeeded)");
        System.out.printf("reload under load: %d requests, %d failures, %d reloads%n", ok.get(), failures.size(), reloads);
    }

    @Test
    void rotatedUpstreamClientCertificateIsUsedAfterTheChange() throws Exception {
        TestCertificates ca = TestCertificates.authority("reload-ca");
        try (TlsUpstream origin = new TlsUpstream(ca.server("localhost"), ca.ca())) {
            Path caFile = ca.ca().writeCertificate(tmp.resolve("ca.pem"));
            Path certificate = tmp.resolve("client.crt");
            Path key = tmp.resolve("client.key");
            TestCertificates.Issued first = ca.client("CN=client-one");
            first.writeCertificate(certificate);
            first.writeKey(key);
            Path config = tmp.resolve("gateway.yaml");
            Files.writeString(config, """
                    gateway:
                      routes:
                        - name: mtls
                          backends:
                            - host: 127.0.0.1:%d
                              tls:
                                caCertificates: %s
                                sni: localhost
                                clientCertificate: %s
                                clientKey: %s
                    """.formatted(origin.port(), caFile, certificate, key));
            start(config);
            assertTrue(body("/x").contains("CN=client-one"), () -> body("/x"));

            TestCertificates.Issued second = ca.client("CN=client-two");
            second.writeKey(key);
            second.writeCertificate(certificate);

            long deadline = System.nanoTime() + RELOAD.toNanos();
            while (!body("/x").contains("CN=client-two") && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertTrue(body("/x").contains("CN=client-two"), () -> "new client certificate not in use:\n" + app.output());
        }
    }

    private String body(String path) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString()).body();
        } catch (IOException | InterruptedException e) {
            return "cannot fetch: " + e;
        }
    }

    private static int countOf(String text, String needle) {
        int count = 0;
        for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
            count++;
        }
        return count;
    }
}
