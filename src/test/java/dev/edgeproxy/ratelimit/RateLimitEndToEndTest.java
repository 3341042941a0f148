package dev.edgeproxy.ratelimit;

import dev.edgeproxy.e2e.GatewayFixture;
import dev.edgeproxy.e2e.GatewayTestResource;
import dev.edgeproxy.e2e.InjectGateway;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code policies.localRateLimit} on the route of {@link RateLimitRoutes} (three tokens,
 * one more per hour, strict JWT): tokens are spent before the JWT is checked, an empty bucket answers 429 with
 * {@code Retry-After} even to a valid token, and {@code /explain} reports the limit without spending a token.
 */
@QuarkusTest
@QuarkusTestResource(GatewayTestResource.class)
class RateLimitEndToEndTest {

    @InjectGateway
    GatewayFixture gateway;

    @Test
    void threeRequestsPerHourThenTooManyRequests() {
        String token = gateway.token("alice");
        // Explaining spends nothing: it says the request would be forwarded, as often as it is asked.
        for (int i = 0; i < 5; i++) {
            assertEquals(200, explain(token).getInt("decision.status"));
        }

        given().auth().oauth2(token).get("/rate-limited/a").then().statusCode(200);
        // Without a token the route refuses with 401, but only after the request took its token.
        given().get("/rate-limited/b").then().statusCode(401);
        given().auth().oauth2(token).get("/rate-limited/c").then().statusCode(200);

        int before = gateway.upstream().requests();
        Response limited = given().auth().oauth2(token).get("/rate-limited/d");
        limited.then().statusCode(429).contentType("text/plain");
        assertEquals("rate limited", limited.asString());
        long retryAfter = Long.parseLong(limited.header("retry-after"));
        assertTrue(retryAfter >= 1 && retryAfter <= 3600, "retry-after " + retryAfter);
        assertEquals(before, gateway.upstream().requests(), "a limited request never reaches the origin");

        JsonPath e = explain(token);
        assertEquals(429, e.getInt("decision.status"));
        assertEquals("limits", e.getString("decision.decidedBy"));
        assertEquals("rate limited", e.getString("decision.reason"));
        assertEquals("skipped", e.getString("jwt.outcome"));
    }

    private static JsonPath explain(String token) {
        JsonObject request = new JsonObject().put("path", "/rate-limited/x").put("token", token);
        Response response = given().port(GatewayTestResource.MANAGEMENT_PORT)
                .contentType("application/json").body(request.encode()).post("/explain");
        response.then().statusCode(200);
        return response.jsonPath();
    }
}
