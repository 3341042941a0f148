package dev.edgeproxy.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Grafana dashboard and the Prometheus alert rules under {@code observability/} ask only for series that a
 * running edge-proxy serves: every {@code edgeproxy_*}, {@code jvm_*} and {@code process_*} name in their
 * expressions must be in a real scrape, after one request of each outcome. (Their PromQL is checked by
 * {@code promtool} where it is installed: observability/README.md.)
 */
@QuarkusTest
@QuarkusTestResource(GatewayTestResource.class)
class ObservabilityAssetsTest {

    private static final Path DASHBOARD = Path.of("observability/grafana/dashboards/edge-proxy.json");
    private static final Path ALERTS = Path.of("observability/prometheus/alerts.yaml");
    private static final Pattern OWN_SERIES = Pattern.compile("\\b((?:edgeproxy|jvm|process)_[a-z_]+)\\b");

    @InjectGateway
    GatewayFixture gateway;

    @Test
    void everySeriesTheDashboardAndAlertsUseIsServed() throws IOException {
        // One request of each outcome, so that the series that appear with their first event exist.
        given().header("Authorization", "Bearer " + gateway.token("dash", "admins")).get("/admin").then().statusCode(200);
        given().header("Authorization", "Bearer " + gateway.token("dash", "users")).get("/admin").then().statusCode(403);
        given().get("/strict/dash").then().statusCode(401);
        given().get("/nowhere/dash").then().statusCode(404);
        given().get("/dead/dash").then().statusCode(502);
        given().urlEncodingEnabled(false).get("/open/a%2Fb").then().statusCode(400);

        Set<String> served = new HashSet<>();
        for (String line : given().port(GatewayTestResource.MANAGEMENT_PORT).get("/q/metrics").then().statusCode(200)
                .extract().asString().split("\n")) {
            if (!line.isBlank() && !line.startsWith("#")) {
                served.add(line.split("[{ ]", 2)[0]);
            }
        }

        Set<String> used = new TreeSet<>();
        for (String expression : expressions()) {
            Matcher m = OWN_SERIES.matcher(expression);
            while (m.find()) {
                used.add(m.group(1));
            }
        }
        assertTrue(used.size() >= 10, "the dashboard and alerts use the proxy's series: " + used);
        Set<String> missing = new TreeSet<>(used);
        missing.removeAll(served);
        assertEquals(Set.of(), missing, "series the dashboard or alerts ask for that the proxy does not serve");
    }

    @Test
    void theDashboardIsProvisionable() throws IOException {
        JsonNode dashboard = new ObjectMapper().readTree(DASHBOARD.toFile());
        assertEquals("edge-proxy", dashboard.get("uid").asText());
        Set<String> variables = new HashSet<>();
        dashboard.get("templating").get("list").forEach(v -> variables.add(v.get("name").asText()));
        assertEquals(Set.of("datasource", "job", "route"), variables);
        Set<Integer> ids = new HashSet<>();
        int targets = 0;
        for (JsonNode panel : dashboard.get("panels")) {
            assertTrue(ids.add(panel.get("id").asInt()), "panel ids are unique: " + panel.get("id"));
            if (panel.get("type").asText().equals("row")) {
                continue;
            }
            assertFalse(panel.get("title").asText().isBlank());
            assertEquals("${datasource}", panel.get("datasource").get("uid").asText(), panel.get("title").asText());
            for (JsonNode target : panel.get("targets")) {
                assertFalse(target.get("expr").asText().isBlank());
                targets++;
            }
        }
        assertTrue(targets >= 15, "targets: " + targets);
    }

    private static List<String> expressions() throws IOException {
        List<String> expressions = new ArrayList<>();
        JsonNode dashboard = new ObjectMapper().readTree(DASHBOARD.toFile());
        for (JsonNode panel : dashboard.get("panels")) {
            if (panel.has("targets")) {
                panel.get("targets").forEach(t -> expressions.add(t.get("expr").asText()));
            }
        }
        JsonNode rules = new ObjectMapper(new YAMLFactory()).readTree(ALERTS.toFile());
        for (JsonNode group : rules.get("groups")) {
            group.get("rules").forEach(rule -> expressions.add(rule.get("expr").asText()));
        }
        assertTrue(expressions.size() >= 20, "expressions found: " + expressions.size());
        return expressions;
    }
}
