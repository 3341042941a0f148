package dev.edgeproxy.ipaccess;

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

/**
 * {@code policies.ipAccess} on the routes of {@link IpAccessRoutes}, from a client at 127.0.0.1: admitted where
 * loopback is allowed, refused with 403 before anything else where it is not (a strict JWT route answers 403,
 * not 401, to a request without a token), whatever forwarding headers the client sends; {@code /explain}
 * decides for the source address it is given.
 */
@QuarkusTest
@QuarkusTestResource(GatewayTestResource.class)
class IpAccessEndToEndTest {

    @InjectGateway
    GatewayFixture gateway;

    @Test
    void aClientInAnAllowedBlockIsForwarded() {
        given().get("/ipaccess-loopback/a").then().statusCode(200);
    }

    @Test
    void aClientOutsideEveryAllowedBlockIsRefused() {
        int before = gateway.upstream().requests();
        Response refused = given().get("/ipaccess-elsewhere/a");
        refused.then().statusCode(403).contentType("text/plain");
        assertEquals("client address not allowed", refused.asString());
        assertEquals(before, gateway.upstream().requests(), "a refused request never reaches the origin");
    }

    @Test
    void forwardingHeadersDoNotChangeWhoTheClientIs() {
        // The proxy is the edge: the address is the connection's, never one a client writes down.
        given().header("X-Forwarded-For", "192.0.2.7").header("X-Real-IP", "192.0.2.7")
                .header("Forwarded", "for=192.0.2.7")
                .get("/ipaccess-elsewhere/a").then().statusCode(403);
    }

    @Test
    void aDeniedClientIsRefusedBeforeItsTokenIsChecked() {
        given().get("/ipaccess-denied/a").then().statusCode(403);
        given().auth().oauth2(gateway.token("alice")).get("/ipaccess-denied/a").then().statusCode(403);
        given().auth().oauth2("not-a-token").get("/ipaccess-denied/a").then().statusCode(403);
    }

    @Test
    void explainDecidesForTheSourceItIsGiven() {
        JsonPath outside = explain("/ipaccess-elsewhere/x", "203.0.113.9");
        assertEquals(403, outside.getInt("decision.status"));
        assertEquals("limits", outside.getString("decision.decidedBy"));
        assertEquals("client address not allowed", outside.getString("decision.reason"));
        assertEquals(200, explain("/ipaccess-elsewhere/x", "192.0.2.9").getInt("decision.status"));
        assertEquals(200, explain("/ipaccess-loopback/x", "::1").getInt("decision.status"));
        assertEquals(403, explain("/ipaccess-loopback/x", "::2").getInt("decision.status"));
    }

    private static JsonPath explain(String path, String source) {
        JsonObject request = new JsonObject().put("path", path).put("source", source);
        Response response = given().port(GatewayTestResource.MANAGEMENT_PORT)
                .contentType("application/json").body(request.encode()).post("/explain");
        response.then().statusCode(200);
        return response.jsonPath();
    }
}
