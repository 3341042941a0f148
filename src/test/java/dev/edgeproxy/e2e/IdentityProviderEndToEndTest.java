package dev.edgeproxy.e2e;

import dev.edgeproxy.testing.TestKeys;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import org.jose4j.jwk.PublicJsonWebKey;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;
import org.junit.jupiter.api.Test;

import java.security.KeyPair;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * Identity providers as they really are, from the outside: keys published at a URL and rotated, tokens
 * in a query parameter, a cookie or a custom header, clock skew, and token headers that must never
 * make the proxy fetch or trust a key.
 */
@QuarkusTest
@QuarkusTestResource(GatewayTestResource.class)
class IdentityProviderEndToEndTest {

    @InjectGateway
    GatewayFixture gateway;

    private static JsonPath upstreamSaw(Response response) {
        return response.then().statusCode(200).extract().jsonPath();
    }

    // --- remote JWKS ----------------------------------------------------------------------------

    @Test
    void keysFetchedFromTheJwksUrlVerifyTokens() {
        JsonPath saw = upstreamSaw(given().header("Authorization", "Bearer " + gateway.token("alice")).get("/remote/x"));
        assertEquals(List.of("alice"), saw.getList("headers.x-user-id"));
        assertNull(saw.get("headers.authorization"));
    }

    @Test
    void aRotatedKeyIsPickedUpByRefetchingOnItsUnknownKid() throws Exception {
        KeyPair rotated = TestKeys.rsa2048();
        PublicJsonWebKey current = TestKeys.jwk(gateway.signingKey().getPublic(), gateway.kid(), null);
        PublicJsonWebKey next = TestKeys.jwk(rotated.getPublic(), "rotated-key", null);
        gateway.upstream().publishJwks(TestKeys.jwks(current, next));
        int hitsBefore = gateway.upstream().jwksHits();

        String token = gateway.sign(gateway.claims("rita"), rotated, "rotated-key");
        JsonPath saw = upstreamSaw(given().header("Authorization", "Bearer " + token).get("/remote/x"));

        assertEquals(List.of("rita"), saw.getList("headers.x-user-id"));
        assertEquals(hitsBefore + 1, gateway.upstream().jwksHits(), "exactly one refetch");
        // The old key still works; the new one no longer needs a fetch.
        upstreamSaw(given().header("Authorization", "Bearer " + gateway.token("alice")).get("/remote/x"));
        upstreamSaw(given().header("Authorization", "Bearer " + token).get("/remote/x"));
        assertEquals(hitsBefore + 1, gateway.upstream().jwksHits());
    }

    // --- token locations ------------------------------------------------------------------------

    @Test
    void tokenInQueryParameterIsTakenOutAndOtherParametersKept() {
        JsonPath saw = upstreamSaw(given().urlEncodingEnabled(false)
                .get("/qtoken/x?a=1&access_token=" + gateway.token("alice") + "&b=two%20words&flag"));
        assertEquals("/qtoken/x?a=1&b=two%20words&flag", saw.getString("uri"));
    }

    @Test
    void queryRouteIgnoresTheAuthorizationHeader() {
        given().header("Authorization", "Bearer " + gateway.token("alice")).get("/qtoken/x").then()
                .statusCode(401)
                .body(equalTo("authentication failure: missing token"));
    }

    @Test
    void tokenInCookieIsTakenOutAndOtherCookiesKept() {
        JsonPath saw = upstreamSaw(given()
                .header("Cookie", "theme=dark; session=" + gateway.token("alice") + "; lang=en")
                .get("/ctoken/x"));
        assertEquals(List.of("theme=dark; lang=en"), saw.getList("headers.cookie"));
    }

    @Test
    void invalidCookieTokenIs401() {
        given().header("Cookie", "session=" + gateway.forgedToken("mallory")).get("/ctoken/x").then()
                .statusCode(401)
                .body(equalTo("authentication failure: bad signature"));
    }

    @Test
    void tokenInCustomHeaderIsTakenOutAndAuthorizationKept() {
        JsonPath saw = upstreamSaw(given()
                .header("x-api-token", gateway.token("alice"))
                .header("Authorization", "Basic dXNlcjpwYXNz")
                .get("/htoken/x"));
        assertNull(saw.get("headers.x-api-token"));
        assertEquals(List.of("Basic dXNlcjpwYXNz"), saw.getList("headers.authorization"));
    }

    // --- clock skew, kid-less tokens, header tricks ---------------------------------------------

    @Test
    void expiredWithinTheDefaultSkewPasses() {
        JwtClaims claims = gateway.claims("sam");
        claims.setIssuedAt(NumericDate.fromSeconds(NumericDate.now().getValue() - 600));
        claims.setExpirationTime(NumericDate.fromSeconds(NumericDate.now().getValue() - 30));
        upstreamSaw(given().header("Authorization", "Bearer " + gateway.sign(claims, gateway.signingKey(), gateway.kid()))
                .get("/strict/x"));
    }

    @Test
    void expiredBeyondTheDefaultSkewIs401() {
        JwtClaims claims = gateway.claims("sam");
        claims.setIssuedAt(NumericDate.fromSeconds(NumericDate.now().getValue() - 600));
        claims.setExpirationTime(NumericDate.fromSeconds(NumericDate.now().getValue() - 120));
        given().header("Authorization", "Bearer " + gateway.sign(claims, gateway.signingKey(), gateway.kid()))
                .get("/strict/x").then()
                .statusCode(401)
                .body(equalTo("authentication failure: token expired"));
    }

    @Test
    void tokenWithoutKidIsVerifiedByTheProviderOfItsIssuer() {
        String token = gateway.sign(gateway.claims("nokid"), gateway.signingKey(), null);
        JsonPath saw = upstreamSaw(given().header("Authorization", "Bearer " + token).get("/strict/x"));
        assertEquals(List.of("nokid"), saw.getList("headers.x-user-id"));
    }

    @Test
    void jkuInATokenIsNeverFetched() {
        String trap = "/jku-trap-" + System.nanoTime();
        // A known kid, so that no refetch is involved: the only way to the stranger's key would be the jku.
        String token = gateway.signWithHeaders(gateway.claims("mallory", "admins"), gateway.strangerKey(), gateway.kid(),
                Map.of("jku", "http://127.0.0.1:" + gateway.upstream().port() + trap,
                        "x5u", "http://127.0.0.1:" + gateway.upstream().port() + trap + "-x5u"));
        given().header("Authorization", "Bearer " + token).get("/remote/x").then().statusCode(401);
        given().header("Authorization", "Bearer " + token).get("/strict/x").then().statusCode(401);
        assertFalse(gateway.upstream().paths().stream().anyMatch(p -> p.startsWith(trap)),
                "the proxy fetched a key URL named by the token");
    }

    @Test
    void jwkEmbeddedInATokenIsNeverTrusted() {
        PublicJsonWebKey embedded = TestKeys.jwk(gateway.strangerKey().getPublic(), gateway.kid(), null);
        String token = gateway.signWithHeaders(gateway.claims("mallory", "admins"), gateway.strangerKey(), gateway.kid(),
                Map.of("jwk", embedded.toParams(org.jose4j.jwk.JsonWebKey.OutputControlLevel.PUBLIC_ONLY)));
        given().header("Authorization", "Bearer " + token).get("/strict/x").then()
                .statusCode(401)
                .body(equalTo("authentication failure: bad signature"));
    }

    @Test
    void unknownCriticalHeaderIsRejected() {
        String token = gateway.signWithHeaders(gateway.claims("alice"), gateway.signingKey(), gateway.kid(),
                Map.of("crit", List.of("x-unknown-extension"), "x-unknown-extension", true));
        given().header("Authorization", "Bearer " + token).get("/strict/x").then().statusCode(401);
    }
}
