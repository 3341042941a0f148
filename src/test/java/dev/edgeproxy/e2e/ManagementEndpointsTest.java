package dev.edgeproxy.e2e;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

/** Health lives on the management port; on the proxy port every path belongs to the routes. */
@QuarkusTest
@QuarkusTestResource(GatewayTestResource.class)
class ManagementEndpointsTest {

    private static int managementPort() {
        return GatewayTestResource.MANAGEMENT_PORT;
    }

    @Test
    void healthProbesAreUpOnTheManagementPort() {
        for (String probe : new String[] {"live", "ready", "started"}) {
            given().port(managementPort()).get("/q/health/" + probe).then()
                    .statusCode(200)
                    .body("status", equalTo("UP"));
        }
    }

    @Test
    void readinessReportsTheCompiledRoutes() {
        given().port(managementPort()).get("/q/health/ready").then()
                .statusCode(200)
                .body("checks.find { it.name == 'routes' }.status", equalTo("UP"))
                .body("checks.find { it.name == 'routes' }.data.routes", equalTo((int) GatewayTestResource.routeCount()));
    }

    @Test
    void healthIsNotServedOnTheProxyPort() {
        given().get("/q/health/ready").then()
                .statusCode(404)
                .body(equalTo("route not found"));
    }
}
