package dev.edgeproxy.e2e;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The proxy from the outside: real HTTP in, a real origin behind it, real keys. Every assertion is on
 * what the user agent got back or on what the origin reports it received.
 */
@QuarkusTest
@QuarkusTestResource(GatewayTestResource.class)
class ProxyEndToEndTest {

    @InjectGateway
    GatewayFixture gateway;

    private static String bearer(String token) {
        return "Bearer " + token;
    }

    /** What the echo origin reported receiving. */
    private static JsonPath upstreamSaw(Response response) {
        return response.then().statusCode(200).extract().jsonPath();
    }

    // --- routing ------------------------------------------------------------------------------

    @Test
    void unknownPathIs404RouteNotFound() {
        given().get("/nowhere").then()
                .statusCode(404)
                .contentType("text/plain")
                .body(equalTo("route not found"));
    }

    @Test
    void hostnameRouteIsChosenOnlyForItsHost() {
        JsonPath onHost = upstreamSaw(given().header("Host", "api.example.com:8443").get("/open/x"));
        assertEquals(List.of("open-on-host"), onHost.getList("headers.x-route"));
        JsonPath other = upstreamSaw(given().header("Host", "other.example.com").get("/open/x"));
        assertEquals(List.of("open"), other.getList("headers.x-route"));
    }

    @Test
    void pathAndQueryReachTheOriginUnchanged() {
        JsonPath saw = upstreamSaw(given().urlEncodingEnabled(false).get("/open/a%20b/c?x=1&y=two"));
        assertEquals("/open/a%20b/c?x=1&y=two", saw.getString("uri"));
        assertEquals("GET", saw.getString("method"));
    }

    // --- JWT modes ------------------------------------------------------------------------------

    @Test
    void strictWithoutTokenIs401WithChallenge() {
        given().get("/strict/x").then()
                .statusCode(401)
                .contentType("text/plain")
                .header("WWW-Authenticate", "Bearer realm=\"strict\"")
                .body(equalTo("authentication failure: missing token"));
    }

    @Test
    void strictWithValidTokenForwardsClaimsButNotTheCredential() {
        JsonPath saw = upstreamSaw(given().header("Authorization", bearer(gateway.token("alice", "users")))
                .get("/strict/x"));
        assertNull(saw.get("headers.authorization"));
        assertEquals(List.of("alice"), saw.getList("headers.x-user-id"));
    }

    @Test
    void strictWithExpiredTokenIs401InvalidToken() {
        String token = gateway.expiredToken("alice");
        String body = given().header("Authorization", bearer(token)).get("/strict/x").then()
                .statusCode(401)
                .header("WWW-Authenticate", "Bearer realm=\"strict\", error=\"invalid_token\"")
                .extract().asString();
        assertEquals("authentication failure: token expired", body);
        assertFalse(body.contains(token));
    }

    @Test
    void strictWithForgedSignatureIs401() {
        given().header("Authorization", bearer(gateway.forgedToken("mallory", "admins"))).get("/strict/x").then()
                .statusCode(401)
                .body(equalTo("authentication failure: bad signature"));
    }

    @Test
    void basicCredentialsCountAsNoToken() {
        given().header("Authorization", "Basic YWxhZGRpbjpvcGVuc2VzYW1l").get("/strict/x").then()
                .statusCode(401)
                .header("WWW-Authenticate", "Bearer realm=\"strict\"");
        JsonPath saw = upstreamSaw(given().header("Authorization", "Basic YWxhZGRpbjpvcGVuc2VzYW1l").get("/optional/x"));
        assertEquals(List.of("Basic YWxhZGRpbjpvcGVuc2VzYW1l"), saw.getList("headers.authorization"));
    }

    @Test
    void optionalWithoutTokenPassesAnonymously() {
        upstreamSaw(given().get("/optional/x"));
    }

    @Test
    void optionalWithInvalidTokenIs401() {
        given().header("Authorization", "Bearer not-a-jwt").get("/optional/x").then()
                .statusCode(401)
                .body(equalTo("authentication failure: malformed token"));
    }

    @Test
    void optionalWithValidTokenRemovesTheCredential() {
        JsonPath saw = upstreamSaw(given().header("Authorization", bearer(gateway.token("alice"))).get("/optional/x"));
        assertNull(saw.get("headers.authorization"));
    }

    @Test
    void permissiveWithInvalidTokenPassesAndForwardsItUnchanged() {
        String forged = gateway.forgedToken("mallory", "admins");
        JsonPath saw = upstreamSaw(given().header("Authorization", bearer(forged)).get("/permissive/x"));
        assertEquals(List.of(bearer(forged)), saw.getList("headers.authorization"));
        assertEquals(List.of("anonymous"), saw.getList("headers.x-user"));
    }

    @Test
    void permissiveWithValidTokenSetsClaimsAndRemovesTheCredential() {
        JsonPath saw = upstreamSaw(given().header("Authorization", bearer(gateway.token("alice"))).get("/permissive/x"));
        assertNull(saw.get("headers.authorization"));
        assertEquals(List.of("alice"), saw.getList("headers.x-user"));
    }

    // --- authorization --------------------------------------------------------------------------

    @Test
    void seedRuleAllowsAdmins() {
        upstreamSaw(given().header("Authorization", bearer(gateway.token("alice", "admins"))).get("/admin"));
    }

    @Test
    void seedRuleDeniesNonAdminsWith403() {
        given().header("Authorization", bearer(gateway.token("bob", "users"))).get("/admin").then()
                .statusCode(403)
                .contentType("text/plain")
                .body(equalTo("authorization failed"));
    }

    @Test
    void ruleOnAbsentClaimDenies() {
        // No email claim: the allow rule cannot be evaluated, and an evaluation error denies.
        given().header("Authorization", bearer(gateway.token("alice"))).get("/rules/x").then().statusCode(403);
        given().get("/rules/x").then().statusCode(403);
    }

    @Test
    void allowRulePassesAndDenyRuleWins() {
        var claims = gateway.claims("carol");
        claims.setClaim("email", "carol@example.com");
        String token = gateway.sign(claims, gateway.signingKey(), gateway.kid());
        upstreamSaw(given().header("Authorization", bearer(token)).get("/rules/x"));
        given().header("Authorization", bearer(token)).header("x-block", "1").get("/rules/x").then().statusCode(403);
    }

    // --- forwarding -----------------------------------------------------------------------------

    @Test
    void forwardedHeadersAreAppendedAndHostIsKept() {
        JsonPath saw = upstreamSaw(given()
                .header("Host", "shop.example.com:8443")
                .header("X-Forwarded-For", "203.0.113.9")
                .header("X-Forwarded-Proto", "ftp")
                .get("/open/x"));
        assertEquals(List.of("shop.example.com:8443"), saw.getList("headers.host"));
        assertEquals(List.of("203.0.113.9, 127.0.0.1"), saw.getList("headers.x-forwarded-for"));
        assertEquals(List.of("http"), saw.getList("headers.x-forwarded-proto"));
        assertEquals(List.of("shop.example.com:8443"), saw.getList("headers.x-forwarded-host"));
    }

    @Test
    void transformationsRemoveAndAddHeaders() {
        JsonPath saw = upstreamSaw(given().header("x-debug", "1").header("x-route", "spoofed").get("/open/x"));
        assertNull(saw.get("headers.x-debug"));
        // A header some route adds is never taken from the client: only the route's own value arrives.
        assertEquals(List.of("open"), saw.getList("headers.x-route"));
    }

    @Test
    void headerSetFromClaimCannotBeSpoofed() {
        JsonPath saw = upstreamSaw(given()
                .header("Authorization", bearer(gateway.token("alice")))
                .header("x-user-id", "root")
                .get("/strict/x"));
        assertEquals(List.of("alice"), saw.getList("headers.x-user-id"));
    }

    @Test
    void tenMegabyteRequestBodyArrivesIntact() throws Exception {
        byte[] body = EchoUpstream.content(10 * 1024 * 1024);
        JsonPath saw = upstreamSaw(given().contentType("application/octet-stream").body(body).post("/open/upload"));
        assertEquals(body.length, saw.getLong("bodyBytes"));
        assertEquals(sha256(body), saw.getString("bodySha256"));
        assertEquals(List.of(String.valueOf(body.length)), saw.getList("headers.content-length"));
    }

    @Test
    void tenMegabyteResponseBodyArrivesIntact() throws Exception {
        int size = 10 * 1024 * 1024;
        byte[] received = given().get("/open/download?bytes=" + size).then().statusCode(200)
                .extract().asByteArray();
        assertEquals(size, received.length);
        assertEquals(sha256(EchoUpstream.content(size)), sha256(received));
    }

    @Test
    void hopByHopResponseHeadersAreDropped() {
        Response response = given().get("/open/hop");
        response.then().statusCode(200)
                .header("x-end-to-end", "kept")
                .header("x-internal", nullValue())
                .header("keep-alive", nullValue())
                .header("proxy-connection", nullValue())
                .header("upgrade", nullValue())
                .header("trailer", nullValue());
    }

    @Test
    void hopByHopRequestHeadersAreDropped() throws IOException {
        String raw = "GET /open/raw HTTP/1.1\r\n"
                + "Host: raw.example.com\r\n"
                + "Connection: keep-alive, X-Secret-Hop\r\n"
                + "connection: x-other-hop\r\n"
                + "X-Secret-Hop: 1\r\n"
                + "X-Other-Hop: 2\r\n"
                + "Keep-Alive: timeout=5\r\n"
                + "Proxy-Connection: keep-alive\r\n"
                + "TE: trailers\r\n"
                + "Trailer: x-checksum\r\n"
                + "Upgrade: websocket\r\n"
                + "X-End-To-End: kept\r\n"
                + "\r\n";
        String body = rawExchange(raw);
        JsonPath saw = JsonPath.from(body);
        for (String hop : List.of("connection", "x-secret-hop", "x-other-hop", "keep-alive", "proxy-connection",
                "te", "trailer", "upgrade")) {
            assertNull(saw.get("headers." + hop), hop + " must not reach the origin");
        }
        assertEquals(List.of("kept"), saw.getList("headers.x-end-to-end"));
    }

    @Test
    void upstreamConnectionsAreKeptAlive() {
        upstreamSaw(given().get("/open/warm"));
        int connectionsBefore = gateway.upstream().connections();
        int requestsBefore = gateway.upstream().requests();
        for (int i = 0; i < 20; i++) {
            upstreamSaw(given().get("/open/keepalive"));
        }
        assertEquals(20, gateway.upstream().requests() - requestsBefore);
        int opened = gateway.upstream().connections() - connectionsBefore;
        assertTrue(opened <= 1, "20 sequential requests opened " + opened + " upstream connections");
    }

    // --- failures -------------------------------------------------------------------------------

    @Test
    void deadUpstreamIs502() {
        given().get("/dead/x").then()
                .statusCode(502)
                .contentType("text/plain")
                .body(equalTo("bad gateway"));
    }

    @Test
    void upstreamResetIs502() {
        given().get("/open/reset").then().statusCode(502).body(equalTo("bad gateway"));
    }

    @Test
    void upstreamSilenceBeyondRequestTimeoutIs504() {
        given().get("/slow/hang").then()
                .statusCode(504)
                .contentType("text/plain")
                .body(equalTo("gateway timeout"));
    }

    @Test
    void proxyKeepsServingAfterFailures() {
        given().get("/dead/x").then().statusCode(502);
        given().header("Authorization", "Bearer x.y.z").get("/optional/x").then().statusCode(401);
        upstreamSaw(given().get("/open/after"));
    }

    // --- helpers --------------------------------------------------------------------------------

    private static String rawExchange(String request) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", RestAssured.port)) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.ISO_8859_1));
            String status = reader.readLine();
            assertTrue(status != null && status.startsWith("HTTP/1.1 200"), "status line: " + status);
            int length = -1;
            String line;
            while (!(line = reader.readLine()).isEmpty()) {
                if (line.toLowerCase().startsWith("content-length:")) {
                    length = Integer.parseInt(line.substring(15).strip());
                }
            }
            assertTrue(length >= 0, "origin answer carries a content-length");
            char[] body = new char[length];
            int read = 0;
            while (read < length) {
                int n = reader.read(body, read, length - read);
                if (n < 0) {
                    break;
                }
                read += n;
            }
            return new String(body, 0, read);
        }
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}
