package dev.edgeproxy.accesslog;

import dev.edgeproxy.e2e.EchoUpstream;
import dev.edgeproxy.testing.PackagedApp;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
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
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The access log's default output on the packaged application (jar or native binary): lines on standard
 * output (a pipe here, as under a container runtime), whole, timed, and none lost when the process is stopped.
 */
class AccessLogOutputIT {

    private static final Duration STARTUP = Duration.ofSeconds(60);
    private static final String TIME = "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z";

    @TempDir
    Path tmp;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private EchoUpstream upstream;
    private PackagedApp app;
    private int port;

    @BeforeEach
    void startUpstream() throws IOException {
        upstream = new EchoUpstream();
        port = PackagedApp.freePort();
    }

    @AfterEach
    void stopAll() throws InterruptedException {
        if (app != null) {
            app.close();
        }
        upstream.close();
    }

    private void start(String... more) throws Exception {
        Path config = Files.writeString(tmp.resolve("gateway.yaml"), """
                gateway:
                  routes:
                    - name: logged
                      backends:
                        - host: 127.0.0.1:%d
                """.formatted(upstream.port()));
        List<String> properties = new ArrayList<>(List.of("quarkus.config.locations=" + config,
                "quarkus.http.port=" + port, "quarkus.management.port=" + PackagedApp.freePort()));
        properties.addAll(List.of(more));
        app = PackagedApp.start(properties);
        assertTrue(app.awaitOutput("Listening on", STARTUP), () -> "did not start:\n" + app.output());
    }

    private void get(String path) throws Exception {
        HttpResponse<Void> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.discarding());
        assertEquals(200, response.statusCode());
    }

    private List<String> accessLines(String marker) {
        return app.output().lines().filter(l -> l.contains(marker)).toList();
    }

    @Test
    void plainLinesOnStandardOutputStartWithTheTime() throws Exception {
        start();
        get("/plain/one?access_token=secret");
        assertTrue(app.awaitOutput("path=/plain/one ", Duration.ofSeconds(10)), app::output);
        List<String> lines = accessLines("path=/plain/one ");
        assertEquals(1, lines.size(), app::output);
        assertTrue(lines.get(0).matches("time=" + TIME + " route=logged method=GET path=/plain/one status=200 "
                + "duration_ms=\\d+\\.\\d{3} upstream_ms=\\d+\\.\\d{3} jwt\\.sub=- client=127\\.0\\.0\\.1"), lines.get(0));
    }

    @Test
    void jsonLinesAreWholeObjects() throws Exception {
        start("gateway.accessLog.format=json");
        get("/json/one");
        assertTrue(app.awaitOutput("\"path\":\"/json/one\"", Duration.ofSeconds(10)), app::output);
        JsonObject line = new JsonObject(accessLines("\"path\":\"/json/one\"").get(0));
        assertTrue(line.getString("time").matches(TIME), line::encode);
        assertEquals("logged", line.getString("route"));
        assertEquals(200, line.getInteger("status"));
    }

    @Test
    void stoppingTheProcessWritesEveryQueuedLine() throws Exception {
        start();
        int requests = 200;
        for (int i = 0; i < requests; i++) {
            get("/burst/" + i);
        }
        // SIGTERM at once: lines still queued must be written before the process ends
        assertNotNull(app.terminate(Duration.ofSeconds(30)), "still running 30 s after SIGTERM");
        assertTrue(app.output().contains("stopped in"), app::output);
        List<String> lines = accessLines("path=/burst/");
        assertEquals(requests, lines.size(), app::output);
        for (int i = 0; i < requests; i++) {
            assertTrue(lines.get(i).matches("time=" + TIME + " route=logged method=GET path=/burst/" + i
                    + " status=200 .* client=127\\.0\\.0\\.1"), lines.get(i));
        }
    }
}
