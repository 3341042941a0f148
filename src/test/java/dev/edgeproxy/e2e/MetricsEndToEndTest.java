package dev.edgeproxy.e2e;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

import static dev.edgeproxy.testing.Eventually.assertEventually;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * What operators see: the Prometheus scrape on the management port and the access log, after requests
 * whose outcome we know. Counters are read before and after, so other tests' traffic does not matter.
 */
@QuarkusTest
@QuarkusTestResource(GatewayTestResource.class)
class MetricsEndToEndTest {

    @InjectGateway
    GatewayFixture gateway;

    private static String bearer(String token) {
        return "Bearer " + token;
    }

    // --- metrics ----------------------------------------------------------------------------------

    @Test
    void countersMoveByExactlyTheRequestsMade() {
        Scrape before = Scrape.now();

        given().header("Authorization", bearer(gateway.token("alice"))).get("/strict/x").then().statusCode(200);
        given().get("/strict/x").then().statusCode(401);
        given().header("Authorization", bearer(gateway.expiredToken("alice"))).get("/strict/x").then().statusCode(401);
        given().header("Authorization", bearer(gateway.token("bob", "users"))).get("/admin").then().statusCode(403);
        given().get("/metrics-test/nowhere").then().statusCode(404);
        given().get("/dead/x").then().statusCode(502);

        assertEventually(Duration.ofSeconds(5), () -> {
            Scrape after = Scrape.now();
            assertEquals(1, after.delta(before, "edgeproxy_requests_total", "route", "strict", "status", "200"));
            assertEquals(2, after.delta(before, "edgeproxy_requests_total", "route", "strict", "status", "401"));
            assertEquals(1, after.delta(before, "edgeproxy_requests_total", "route", "admin", "status", "403"));
            assertEquals(1, after.delta(before, "edgeproxy_requests_total", "route", "none", "status", "404"));
            assertEquals(1, after.delta(before, "edgeproxy_requests_total", "route", "dead", "status", "502"));

            assertEquals(1, after.delta(before, "edgeproxy_auth_failures_total",
                    "route", "strict", "reason", "missing_token"));
            assertEquals(1, after.delta(before, "edgeproxy_auth_failures_total",
                    "route", "strict", "reason", "expired"));
            assertEquals(1, after.delta(before, "edgeproxy_authz_denials_total", "route", "admin"));

            assertEquals(3, after.delta(before, "edgeproxy_request_duration_seconds_count", "route", "strict"));
            assertEquals(1, after.delta(before, "edgeproxy_request_duration_seconds_count", "route", "none"));
            // Only requests that reached the origin have an upstream part; a refused connection does.
            assertEquals(1, after.delta(before, "edgeproxy_upstream_duration_seconds_count", "route", "strict"));
            assertEquals(1, after.delta(before, "edgeproxy_upstream_duration_seconds_count", "route", "dead"));
            assertEquals(0, after.delta(before, "edgeproxy_upstream_duration_seconds_count", "route", "admin"));
        });
    }

    @Test
    void durationsArePublishedAsHistograms() {
        given().get("/open/histogram").then().statusCode(200);
        assertEventually(Duration.ofSeconds(5), () -> {
            Scrape scrape = Scrape.now();
            for (String timer : List.of("edgeproxy_request_duration_seconds", "edgeproxy_upstream_duration_seconds")) {
                double all = scrape.value(timer + "_bucket", "route", "open", "le", "+Inf");
                assertTrue(all >= 1, timer + " has a +Inf bucket counting the request");
                assertEquals(all, scrape.value(timer + "_count", "route", "open"));
                assertTrue(scrape.has(timer + "_bucket", "route", "open", "le", "0.005"), timer + " has a 5 ms bucket");
                assertTrue(scrape.has(timer + "_bucket", "route", "open", "le", "1.0"), timer + " has a 1 s bucket");
                assertTrue(scrape.has(timer + "_sum", "route", "open"), timer + " has a sum");
            }
        });
    }

    @Test
    void residentMemoryIsTheProcesssOwn() {
        // A process's figure (tens to hundreds of MiB), not a page count or a machine's memory.
        double resident = Scrape.now().value("edgeproxy_memory_resident_bytes");
        assertTrue(resident > 16.0 * 1024 * 1024 && resident < 4.0 * 1024 * 1024 * 1024, "resident " + resident);
    }

    @Test
    void reloadAndJwksCountersAreOperatorNamed() {
        // The counters exist from startup, so dashboards and alerts can refer to them before the first event.
        Scrape scrape = Scrape.now();
        for (String result : List.of("success", "failure")) {
            assertTrue(scrape.has("edgeproxy_config_reloads_total", "result", result));
            assertTrue(scrape.has("edgeproxy_jwks_fetches_total", "result", result));
        }
    }

    @Test
    void tagsNeverHoldPathsOrUsers() {
        given().header("Authorization", bearer(gateway.token("carol-the-user"))).get("/strict/carol-path").then()
                .statusCode(200);
        String text = scrapeText();
        assertFalse(text.contains("carol"), "a path or user became a tag");
        assertFalse(text.contains("http_server_requests"), "Quarkus' per-path HTTP metrics are off");
    }

    @Test
    void jvmMetricsAreKept() {
        assertTrue(Scrape.now().hasAny("jvm_memory_used_bytes"), "JVM memory metrics");
        assertTrue(Scrape.now().hasAny("process_cpu_usage"), "system metrics");
    }

    @Test
    void metricsAreNotServedOnTheProxyPort() {
        given().get("/q/metrics").then()
                .statusCode(404)
                .body(equalTo("route not found"));
    }

    // --- access log -------------------------------------------------------------------------------

    /** Whether this run can read the application's access log file (the packaged app may run elsewhere). */
    protected boolean accessLogReadable() {
        return true;
    }

    @Test
    void accessLogHasOneLinePerRequestWithoutCredentials() throws Exception {
        assumeTrue(accessLogReadable(), "the access log file of the application under test is not readable here");
        String marker = "al-" + UUID.randomUUID();
        String token = gateway.token("alice");
        String queryToken = gateway.token("quentin");
        String expired = gateway.expiredToken("eve");

        given().header("Authorization", bearer(token)).header("Cookie", "session=" + token)
                .get("/strict/" + marker + "?access_token=" + queryToken).then().statusCode(200);
        given().urlEncodingEnabled(false).get("/qtoken/" + marker + "?access_token=" + queryToken + "&a=1").then()
                .statusCode(200);
        given().header("Authorization", bearer(expired)).get("/strict/" + marker + "-expired").then().statusCode(401);
        given().post("/" + marker).then().statusCode(404);

        assertEventually(Duration.ofSeconds(5), () -> {
            List<String> lines = accessLines(marker);
            assertEquals(4, lines.size(), "one line per request: " + lines);
            assertLine(lines.get(0), "route=strict method=GET path=/strict/" + marker + " status=200 duration_ms=",
                    " jwt.sub=alice client=127.0.0.1");
            assertTrue(lines.get(0).matches(".* upstream_ms=\\d+\\.\\d{3} .*"), lines.get(0));
            assertLine(lines.get(1), "route=query-token method=GET path=/qtoken/" + marker + " status=200 ",
                    " jwt.sub=quentin client=127.0.0.1");
            assertLine(lines.get(2), "route=strict method=GET path=/strict/" + marker + "-expired status=401 ",
                    " upstream_ms=- jwt.sub=- client=127.0.0.1");
            assertLine(lines.get(3), "route=- method=POST path=/" + marker + " status=404 ",
                    " upstream_ms=- jwt.sub=- client=127.0.0.1");
            for (String line : lines) {
                for (String secret : List.of(token, queryToken, expired, "access_token", "session=", "Bearer", "?")) {
                    assertFalse(line.contains(secret), "access log line leaks '" + secret + "': " + line);
                }
            }
        });
    }

    private static void assertLine(String line, String start, String end) {
        assertTrue(line.startsWith(start), "expected a line starting with '" + start + "': " + line);
        assertTrue(line.endsWith(end), "expected a line ending with '" + end + "': " + line);
    }

    private static List<String> accessLines(String marker) {
        Path log = GatewayTestResource.ACCESS_LOG;
        try {
            return Files.exists(log)
                    ? Files.readAllLines(log).stream().filter(line -> line.contains(marker)).toList()
                    : List.of();
        } catch (IOException e) {
            throw new AssertionError("cannot read " + log, e);
        }
    }

    // --- helpers ----------------------------------------------------------------------------------

    private static String scrapeText() {
        return given().port(GatewayTestResource.MANAGEMENT_PORT).get("/q/metrics").then()
                .statusCode(200)
                .extract().asString();
    }

    /** One Prometheus text-format scrape: every sample by name and labels. */
    record Scrape(Map<String, Double> samples) {

        static Scrape now() {
            return parse(scrapeText());
        }

        static Scrape parse(String text) {
            Map<String, Double> samples = new HashMap<>();
            for (String line : text.split("\n")) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                int space = line.lastIndexOf(' ');
                String series = line.substring(0, space);
                String name = series;
                Map<String, String> labels = new TreeMap<>();
                int brace = series.indexOf('{');
                if (brace >= 0) {
                    name = series.substring(0, brace);
                    for (String pair : series.substring(brace + 1, series.lastIndexOf('}')).split(",")) {
                        if (!pair.isBlank()) {
                            int eq = pair.indexOf('=');
                            labels.put(pair.substring(0, eq).strip(), pair.substring(eq + 2, pair.length() - 1));
                        }
                    }
                }
                samples.put(key(name, labels), Double.parseDouble(line.substring(space + 1)));
            }
            return new Scrape(samples);
        }

        private static String key(String name, Map<String, String> labels) {
            return name + labels;
        }

        private static String key(String name, String... labels) {
            Map<String, String> map = new TreeMap<>();
            for (int i = 0; i < labels.length; i += 2) {
                map.put(labels[i], labels[i + 1]);
            }
            return key(name, map);
        }

        /** Whether any series of that name exists, whatever its labels. */
        boolean hasAny(String name) {
            return samples.keySet().stream().anyMatch(key -> key.startsWith(name + "{"));
        }

        boolean has(String name, String... labels) {
            return samples.containsKey(key(name, labels));
        }

        /** The sample's value; 0 when the series does not exist (yet). */
        double value(String name, String... labels) {
            return samples.getOrDefault(key(name, labels), 0.0);
        }

        double delta(Scrape before, String name, String... labels) {
            return value(name, labels) - before.value(name, labels);
        }
    }
}
