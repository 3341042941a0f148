package dev.edgeproxy;

import dev.edgeproxy.e2e.EchoUpstream;
import dev.edgeproxy.testing.PackagedApp;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * What the packaged application does by default, outside dev mode: without routes it refuses to start
 * and says how to give them; the built-in sample runs only when asked for; {@code POST /explain} is
 * not served unless enabled; empty YAML lists that mean "none" start like keys left out.
 */
class StartupDefaultsIT {

    private static final Duration WAIT = Duration.ofSeconds(60);

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final List<PackagedApp> started = new ArrayList<>();

    @TempDir
    Path tmp;

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

    private PackagedApp start(List<String> properties) throws IOException {
        PackagedApp app = PackagedApp.start(properties);
        started.add(app);
        return app;
    }

    private PackagedApp startWith(String yaml, String... properties) throws IOException {
        Path config = tmp.resolve("gateway.yaml");
        Files.writeString(config, yaml);
        List<String> props = new ArrayList<>(List.of(properties));
        props.add("quarkus.config.locations=" + config);
        return start(props);
    }

    private static void assertRefused(PackagedApp app, String... expected) throws InterruptedException {
        Integer exit = app.awaitExit(WAIT);
        assertNotNull(exit, () -> "still running without routes:\n" + app.output());
        assertNotEquals(0, exit, app::output);
        String text = app.output();
        assertFalse(text.contains("Listening on"), () -> "the HTTP server was started:\n" + text);
        for (String part : expected) {
            assertTrue(text.contains(part), () -> "output does not say \"" + part + "\":\n" + text);
        }
    }

    private static void assertStarted(PackagedApp app) throws InterruptedException {
        assertTrue(app.awaitOutput("Listening on", WAIT), () -> "did not start:\n" + app.output());
        assertTrue(app.isAlive(), app::output);
    }

    private HttpResponse<String> get(int port, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void noRoutesRefusesToStartAndSaysHowToGiveThem() throws Exception {
        PackagedApp app = start(List.of("quarkus.http.port=0", "quarkus.management.port=0"));
        assertRefused(app, "gateway.routes: no routes configured",
                "-Dquarkus.config.locations=/path/gateway.yaml", "QUARKUS_CONFIG_LOCATIONS",
                "-Dgateway.sample.enabled=true");
        assertFalse(app.output().contains("serving the built-in SAMPLE"), app::output);
    }

    @Test
    void aRouteFileWithoutRoutesRefusesToStart() throws Exception {
        PackagedApp app = startWith("""
                gateway:
                  accessLog:
                    enabled: false
                """, "quarkus.http.port=0", "quarkus.management.port=0");
        assertRefused(app, "gateway.routes: no routes configured in the files named by quarkus.config.locations");
    }

    @Test
    void theSampleRunsWhenExplicitlyEnabled() throws Exception {
        int port = PackagedApp.freePort();
        PackagedApp app = start(List.of("gateway.sample.enabled=true", "quarkus.http.port=" + port,
                "quarkus.management.port=" + PackagedApp.freePort()));
        assertStarted(app);
        assertTrue(app.output().contains("serving the built-in SAMPLE routes"), app::output);

        HttpResponse<String> open = get(port, "/public/hello");
        assertEquals(200, open.statusCode(), open::body);
        assertTrue(open.body().contains("\"upstream\" : \"edge-proxy demo\""), open::body);
        HttpResponse<String> admin = get(port, "/admin");
        assertEquals(401, admin.statusCode(), "the sample's strict route wants a token: " + admin.body());
    }

    @ParameterizedTest(name = "gateway.explain.enabled={0}: {1}")
    @CsvSource({"'', 404", "false, 404", "true, 200"})
    void explainIsServedOnlyWhenEnabled(String enabled, int status) throws Exception {
        int management = PackagedApp.freePort();
        List<String> props = new ArrayList<>(List.of("quarkus.http.port=0", "quarkus.management.port=" + management));
        if (!enabled.isEmpty()) {
            props.add("gateway.explain.enabled=" + enabled);
        }
        PackagedApp app = startWith("""
                gateway:
                  routes:
                    - name: api
                      backends: [{host: "127.0.0.1:9"}]
                """, props.toArray(String[]::new));
        assertStarted(app);
        HttpResponse<String> health = get(management, "/q/health/live");
        assertEquals(200, health.statusCode(), "the management port serves: " + health.body());
        HttpResponse<String> explain = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + management + "/explain"))
                .timeout(Duration.ofSeconds(10))
                .header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"path\": \"/\"}")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(status, explain.statusCode(), explain::body);
    }

    @Test
    void emptyListsThatMeanNoneStartLikeKeysLeftOut() throws Exception {
        try (EchoUpstream origin = new EchoUpstream()) {
            int port = PackagedApp.freePort();
            PackagedApp app = startWith("""
                    gateway:
                      routes:
                        - name: open
                          matches:
                            - path: {pathPrefix: /open}
                              headers: []
                              query: []
                          backends: [{host: "127.0.0.1:%d"}]
                          policies:
                            authorization:
                              rules: []
                            transformations:
                              request:
                                remove: []
                    """.formatted(origin.port()), "quarkus.http.port=" + port, "quarkus.management.port=0");
            assertStarted(app);
            assertFalse(app.output().contains("SRCFG"), app::output);
            HttpResponse<String> response = get(port, "/open/x");
            assertEquals(200, response.statusCode(), response::body);
            assertEquals(List.of("/open/x"), origin.paths());
        }
    }

    @ParameterizedTest(name = "gateway.listener.h2c={0}: HTTP/2 by prior knowledge {1}")
    @CsvSource({"'', refused", "true, served"})
    void cleartextHttp2IsOffUnlessEnabled(String h2c, String outcome) throws Exception {
        try (EchoUpstream origin = new EchoUpstream()) {
            int port = PackagedApp.freePort();
            List<String> props = new ArrayList<>(List.of("quarkus.http.port=" + port, "quarkus.management.port=0"));
            if (!h2c.isEmpty()) {
                props.add("gateway.listener.h2c=" + h2c);
            }
            PackagedApp app = startWith("""
                    gateway:
                      routes:
                        - name: open
                          backends: [{host: "127.0.0.1:%d"}]
                    """.formatted(origin.port()), props.toArray(String[]::new));
            assertStarted(app);
            // HTTP/1.1 is served either way.
            assertEquals(200, get(port, "/x").statusCode());
            Vertx vertx = Vertx.vertx();
            try {
                io.vertx.core.http.HttpClient h2 = vertx.createHttpClient(new HttpClientOptions()
                        .setProtocolVersion(HttpVersion.HTTP_2).setHttp2ClearTextUpgrade(false));
                CompletableFuture<Integer> status = h2
                        .request(HttpMethod.GET, port, "127.0.0.1", "/x")
                        .compose(r -> r.send()).map(HttpClientResponse::statusCode)
                        .toCompletionStage().toCompletableFuture();
                if (outcome.equals("served")) {
                    assertEquals(200, status.get(20, TimeUnit.SECONDS));
                } else {
                    ExecutionException e = assertThrows(
                            ExecutionException.class,
                            () -> status.get(20, TimeUnit.SECONDS));
                    assertNotNull(e.getCause());
                }
            } finally {
                vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            }
        }
    }
}
