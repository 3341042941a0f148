package dev.edgeproxy.ops;

import dev.edgeproxy.testing.PackagedApp;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code --validate-only} on the packaged application for valid configurations: exit code, message, and no
 * port bound. What it refuses is the table of {@link ConfigRefusalIT}, run against startup as well.
 */
class ValidateOnlyIT {

    private static final Duration EXIT = Duration.ofSeconds(60);

    @TempDir
    Path tmp;

    @BeforeAll
    static void requireApplication() {
        assumeTrue(PackagedApp.exists(), "no packaged application at " + PackagedApp.APP.toAbsolutePath());
    }

    private record Result(int exit, String output) {
    }

    /**
     * Runs the validation while we hold the proxy port: binding it would fail, so none must be tried.
     *
     * @param yaml  the route file, or {@code null} for none
     * @param extra further {@code name=value} system properties
     */
    private Result validate(String yaml, String... extra) throws Exception {
        List<String> props = new ArrayList<>(List.of(extra));
        try (ServerSocket held = new ServerSocket(0)) {
            props.add("quarkus.http.port=" + held.getLocalPort());
            if (yaml != null) {
                Path config = tmp.resolve("gateway.yaml");
                Files.writeString(config, yaml);
                props.add("quarkus.config.locations=" + config);
            }
            try (PackagedApp app = PackagedApp.start(props, "--validate-only")) {
                Integer exit = app.awaitExit(EXIT);
                assertNotNull(exit, () -> "still running:\n" + app.output());
                assertFalse(app.output().contains("Listening on"), app::output);
                return new Result(exit, app.output());
            }
        }
    }

    @Test
    void validConfigurationExitsZero() throws Exception {
        Result r = validate("""
                gateway:
                  routes:
                    - name: api
                      matches:
                        - path: {pathPrefix: /api}
                      backends:
                        - host: 127.0.0.1:9
                      policies:
                        authorization:
                          rules:
                            - allow: 'request.method == "GET"'
                """);
        assertEquals(0, r.exit(), r.output());
        assertTrue(r.output().contains("configuration valid: 1 routes (api)"), r.output());
    }

    @Test
    void builtInSampleIsValidWhenEnabled() throws Exception {
        Result r = validate(null, "gateway.sample.enabled=true");
        assertEquals(0, r.exit(), r.output());
        assertTrue(r.output().contains("configuration valid: 4 routes (public, admin, api, hello) from the built-in sample"),
                r.output());
    }
}
