package dev.edgeproxy;

import dev.edgeproxy.testing.PackagedApp;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A valid configuration starts the packaged application and installs its routes. The configurations that
 * must stop startup are the table of {@link dev.edgeproxy.ops.ConfigRefusalIT}, which runs each one both as a
 * normal start and with {@code --validate-only}.
 */
class StartupFailureIT {

    private static final long WAIT_SECONDS = 60;

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
