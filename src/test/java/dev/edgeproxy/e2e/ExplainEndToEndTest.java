package dev.edgeproxy.e2e;

import dev.edgeproxy.testing.TestKeys;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import io.vertx.core.json.JsonObject;
import org.jose4j.jwk.PublicJsonWebKey;
import org.jose4j.jwt.JwtClaims;
import org.junit.jupiter.api.Test;

import java.security.KeyPair;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code POST /explain} on the management port, against the routes, keys and origin of
 * {@link GatewayTestResource}: which route, the JWT outcome, every rule, the decision and what the origin
 * would receive, with nothing ever sent to the origin and the token never in the answer.
 */
@QuarkusTest
@QuarkusTestResource(GatewayTestResource.class)
class ExplainEndToEndTest {

    @InjectGateway
    GatewayFixture gateway;

    private static Response post(String body) {
        return given().port(GatewayTestResource.MANAGEMENT_PORT)
                .contentType("application/json")
                .body(body)
                .post("/explain");
    }

    /** Explains {@code path}, with {@code token} unless null; asserts the token never comes back. */
    private JsonPath explain(String method, String path, String token, Map<String, ?> headers) {
        JsonObject request = new JsonObject().put("method", method).put("path", path).put("host", "gw.test");
        if (token != null) {
            request.put("token", token);
        }
        if (headers != null) {
            request.put("headers", new JsonObject(Map.copyOf(headers)));
        }
        Response response = post(request.encode());
        response.then().statusCode(200).contentType("application/json");
        String body = response.asString();
        if (token != null && !token.isEmpty()) {
            assertFalse(body.contains(token), "the token is echoed: " + body);
        }
        return response.jsonPath();
    }

    private JsonPath explain(String path, String token) {
        return explain("GET", path, token, null);
    }

    // --- allow and deny -------------------------------------------------------------------------

    @Test
    void adminTokenOnAdminIsAllowedByTheAllowRule() {
        JsonPath e = explain("/admin", gateway.token("alice", "admins"));

        assertEquals("admin", e.getString("route.name"));
        assertEquals(0, e.getInt("route.match.index"));
        assertEquals("/admin", e.getString("route.match.path.exact"));

        assertEquals("strict", e.getString("jwt.mode"));
        assertEquals("verified", e.getString("jwt.outcome"));
        assertNull(e.get("jwt.reason"));
        assertEquals("alice", e.getString("jwt.claims.sub"));
        assertEquals(List.of("admins"), e.getList("jwt.claims.groups"));

        assertEquals(1, e.getList("rules").size());
        assertEquals("allow", e.getString("rules[0].kind"));
        assertEquals(0, e.getInt("rules[0].index"));
        assertEquals("request.path == \"/admin\" && jwt.groups.contains(\"admins\")", e.getString("rules[0].expression"));
        assertEquals(Boolean.TRUE, e.get("rules[0].result"));

        assertEquals(Boolean.TRUE, e.get("decision.allowed"));
        assertEquals(200, e.getInt("decision.status"));
        assertEquals(4, e.getInt("decision.step"));
        assertEquals(0, e.getInt("decision.rule"));

        // What the origin would get: forwarding headers, and no credential.
        assertNull(e.get("upstream.headers.authorization"));
        assertEquals(List.of("gw.test"), e.getList("upstream.headers.x-forwarded-host"));
        assertEquals(List.of("127.0.0.1"), e.getList("upstream.headers.x-forwarded-for"));
        assertEquals("/admin", e.getString("upstream.uri"));
    }

    @Test
    void theExplanationIsOfTheCanonicalRequest() {
        JsonPath e = explain("/open/%2e%2e/admin", gateway.token("alice", "admins"));
        assertEquals("admin", e.getString("route.name"));
        assertEquals(Boolean.TRUE, e.get("rules[0].result"));
        assertEquals("/admin", e.getString("upstream.uri"));

        JsonPath refused = explain("/open/..%2fadmin", null);
        assertNull(refused.get("route"));
        assertEquals(400, refused.getInt("decision.status"));
        assertEquals("bad request: encoded slash (%2F)", refused.getString("decision.reason"));
    }

    /** Step 1 is the proxy's own, head checks included: explain refuses what the proxy would refuse. */
    @Test
    void theHeadIsCheckedAsTheProxyChecksIt() {
        JsonPath invalid = explain("GET", "/open/x", null, Map.of("x-a", "v\u0001"));
        assertNull(invalid.get("route"));
        assertEquals("request", invalid.getString("decision.decidedBy"));
        assertEquals(400, invalid.getInt("decision.status"));
        assertEquals("bad request: invalid header field", invalid.getString("decision.reason"));

        JsonPath coding = explain("POST", "/open/x", null, Map.of("transfer-encoding", "gzip, chunked"));
        assertEquals("request", coding.getString("decision.decidedBy"));
        assertEquals(501, coding.getInt("decision.status"));
    }

    @Test
    void userTokenOnAdminIsDeniedBecauseTheAllowRuleIsFalse() {
        JsonPath e = explain("/admin", gateway.token("bob", "users"));

        assertEquals("verified", e.getString("jwt.outcome"));
        assertEquals("bob", e.getString("jwt.claims.sub"));
        assertEquals(Boolean.FALSE, e.get("rules[0].result"));
        assertEquals(Boolean.FALSE, e.get("decision.allowed"));
        assertEquals(403, e.getInt("decision.status"));
        assertEquals(5, e.getInt("decision.step"), "no allow rule was true");
        assertNull(e.get("upstream"));
    }

    @Test
    void aRuleErroringOnAnAbsentClaimIsReportedAndDenies() {
        // Route "rules": deny on x-block, allow on jwt.email; alice's token has no email claim.
        JsonPath e = explain("GET", "/rules/x", gateway.token("alice"), Map.of("x-block", "0"));

        assertEquals("rules", e.getString("route.name"));
        assertEquals("optional", e.getString("jwt.mode"));
        assertEquals("verified", e.getString("jwt.outcome"));
        assertEquals(Boolean.FALSE, e.get("rules[0].result"));
        assertEquals("deny", e.getString("rules[0].kind"));
        String error = e.getString("rules[1].result");
        assertTrue(error.startsWith("error: ") && error.contains("email"), error);
        assertEquals(Boolean.FALSE, e.get("decision.allowed"));
        assertEquals(403, e.getInt("decision.status"));
        assertEquals(4, e.getInt("decision.step"));
        assertEquals(1, e.getInt("decision.rule"));

        // With the claim present the same rule evaluates, and the deny rule still has its say.
        JwtClaims claims = gateway.claims("carol");
        claims.setClaim("email", "carol@example.com");
        String carol = gateway.sign(claims, gateway.signingKey(), gateway.kid());
        assertEquals(Boolean.TRUE, explain("/rules/x", carol).get("decision.allowed"));
        JsonPath blocked = explain("GET", "/rules/x", carol, Map.of("x-block", "1"));
        assertEquals(Boolean.TRUE, blocked.get("rules[0].result"));
        assertEquals(Boolean.TRUE, blocked.get("rules[1].result"));
        assertEquals(2, blocked.getInt("decision.step"));
        assertEquals(403, blocked.getInt("decision.status"));
    }

    @Test
    void transformationsShowInTheHeadersTheOriginWouldReceive() {
        JsonPath e = explain("GET", "/strict/x?a=1", gateway.token("alice"), Map.of("x-user-id", "forged"));
        assertEquals(List.of("alice"), e.getList("upstream.headers.x-user-id"));
        assertEquals("/strict/x?a=1", e.getString("upstream.uri"));
        assertEquals(List.of("127.0.0.1:" + gateway.upstream().port()), e.getList("upstream.backends"));
        assertEquals(1, e.getInt("decision.step"), "no rules");
    }

    // --- each JWT failure -------------------------------------------------------------------------

    @Test
    void eachJwtFailureIsRejectedWithItsReason() {
        JwtClaims otherAudience = gateway.claims("alice", "admins");
        otherAudience.setAudience("someone-else");
        Map<String, String> cases = new java.util.LinkedHashMap<>();
        cases.put("token expired", gateway.expiredToken("alice"));
        cases.put("bad signature", gateway.forgedToken("alice", "admins"));
        cases.put("malformed token", "not-a-jwt");
        cases.put("wrong audience", gateway.sign(otherAudience, gateway.signingKey(), gateway.kid()));
        cases.put("missing token", null);
        cases.forEach((reason, token) -> {
            JsonPath e = explain("/admin", token);
            assertEquals("admin", e.getString("route.name"), reason);
            assertEquals("rejected", e.getString("jwt.outcome"), reason);
            assertEquals(reason, e.getString("jwt.reason"));
            assertEquals(Map.of(), e.getMap("jwt.claims"), reason);
            assertEquals(Boolean.FALSE, e.get("decision.allowed"), reason);
            assertEquals(401, e.getInt("decision.status"), reason);
            assertEquals("jwt", e.getString("decision.decidedBy"), reason);
            assertEquals("authentication failure: " + reason, e.getString("decision.reason"));
            assertTrue(e.getString("rules[0].result").startsWith("skipped"), reason);
            assertNull(e.get("upstream"), reason);
        });
    }

    @Test
    void permissiveRouteForwardsARejectedTokenButTheAnswerNeverShowsIt() {
        String forged = gateway.forgedToken("mallory");
        JsonPath e = explain("/permissive/x", forged);
        assertEquals("anonymous", e.getString("jwt.outcome"));
        assertEquals("bad signature", e.getString("jwt.reason"));
        assertEquals(Boolean.TRUE, e.get("decision.allowed"));
        assertEquals(List.of("anonymous"), e.getList("upstream.headers.x-user"));
        assertEquals(List.of("Bearer [redacted]"), e.getList("upstream.headers.authorization"));
    }

    // --- the token goes where the route expects it -------------------------------------------------

    @Test
    void theTokenIsPlacedAtTheRoutesLocation() {
        String token = gateway.token("alice");
        JsonPath query = explain("/qtoken/x?a=1", token);
        assertEquals("query parameter access_token", query.getString("jwt.location"));
        assertEquals("verified", query.getString("jwt.outcome"));
        assertEquals("/qtoken/x?a=1", query.getString("upstream.uri"), "the verified credential is taken out");

        JsonPath cookie = explain("GET", "/ctoken/x", token, Map.of("cookie", "theme=dark"));
        assertEquals("cookie session", cookie.getString("jwt.location"));
        assertEquals("verified", cookie.getString("jwt.outcome"));
        assertEquals(List.of("theme=dark"), cookie.getList("upstream.headers.cookie"));

        JsonPath header = explain("/htoken/x", token);
        assertEquals("header x-api-token", header.getString("jwt.location"));
        assertEquals("verified", header.getString("jwt.outcome"));
        assertNull(header.get("upstream.headers.x-api-token"));
    }

    @Test
    void anUnknownKidWaitsForTheRemoteJwksRefetchWithoutForwarding() throws Exception {
        KeyPair rotated = TestKeys.rsa2048();
        PublicJsonWebKey current = TestKeys.jwk(gateway.signingKey().getPublic(), gateway.kid(), null);
        PublicJsonWebKey next = TestKeys.jwk(rotated.getPublic(), "explain-rotated", null);
        gateway.upstream().publishJwks(TestKeys.jwks(current, next));
        String token = gateway.sign(gateway.claims("rita"), rotated, "explain-rotated");
        int before = gateway.upstream().paths().size();

        // Refetches are limited to one per 10 s per provider: should this one have just been used, wait.
        JsonPath e = explain("/remote-explain/x", token);
        for (int i = 0; i < 12 && !"verified".equals(e.getString("jwt.outcome")); i++) {
            assertEquals("unknown key", e.getString("jwt.reason"));
            Thread.sleep(1_000);
            e = explain("/remote-explain/x", token);
        }
        assertEquals("verified", e.getString("jwt.outcome"));
        assertEquals("rita", e.getString("jwt.claims.sub"));
        assertEquals(List.of("rita"), e.getList("upstream.headers.x-user-id"));
        List<String> fetched = gateway.upstream().paths().subList(before, gateway.upstream().paths().size());
        assertTrue(fetched.stream().allMatch("/jwks.json"::equals), "only keys were fetched: " + fetched);
    }

    // --- no route, nothing forwarded, management port only -----------------------------------------

    @Test
    void noRouteIs404() {
        JsonPath e = explain("/nowhere", gateway.token("alice"));
        assertNull(e.get("route"));
        assertEquals("none", e.getString("jwt.outcome"));
        assertEquals(List.of(), e.getList("rules"));
        assertEquals(Boolean.FALSE, e.get("decision.allowed"));
        assertEquals(404, e.getInt("decision.status"));
        assertEquals("route not found", e.getString("decision.reason"));
    }

    @Test
    void hostAndRouteMatchAsForTheProxy() {
        JsonPath onHost = explain("GET", "/open/x", null, Map.of("host", "ignored.example"));
        assertEquals("open", onHost.getString("route.name"), "the host field wins over a host header");
        JsonObject request = new JsonObject().put("path", "/open/x").put("host", "api.example.com:8443");
        JsonPath e = post(request.encode()).then().statusCode(200).extract().jsonPath();
        assertEquals("open-on-host", e.getString("route.name"));
        assertEquals("none", e.getString("jwt.outcome"));
        assertNull(e.get("jwt.mode"));
        assertEquals(List.of("open-on-host"), e.getList("upstream.headers.x-route"));
    }

    @Test
    void nothingIsEverForwarded() {
        int before = gateway.upstream().requests();
        explain("/admin", gateway.token("alice", "admins"));
        explain("/strict/x", gateway.token("alice"));
        explain("/open/x", null);
        explain("/permissive/x", "garbage");
        explain("/nowhere", null);
        assertEquals(before, gateway.upstream().requests());
    }

    @Test
    void badInputIs400WithAShortReason() {
        post("{not json").then().statusCode(400).contentType("text/plain")
                .body(equalTo("invalid JSON: the body must be a JSON object"));
        post("[1, 2]").then().statusCode(400).contentType("text/plain");
        post("").then().statusCode(400).contentType("text/plain");
        post("{\"method\": \"GET\"}").then().statusCode(400).contentType("text/plain").body(equalTo("missing path"));
        post("{\"path\": \"admin\"}").then().statusCode(400).body(equalTo("path must start with /"));
        post("{\"path\": \"/admin\", \"token\": 5}").then().statusCode(400).body(equalTo("token must be a string"));
        post("{\"path\": \"/admin\", \"headers\": {\"x\": 1}}").then().statusCode(400)
                .body(equalTo("headers.x must be a string or an array of strings"));
        post("{\"path\": \"/admin\", \"tokn\": \"x\"}").then().statusCode(400);
    }

    @Test
    void explainIsNotServedOnTheProxyPort() {
        given().contentType("application/json").body("{\"path\": \"/admin\"}").post("/explain").then()
                .statusCode(404)
                .body(equalTo("route not found"));
    }
}
