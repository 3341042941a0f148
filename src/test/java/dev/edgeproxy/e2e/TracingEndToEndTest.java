package dev.edgeproxy.e2e;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import org.jose4j.jwt.JwtClaims;
import org.junit.jupiter.api.Test;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static dev.edgeproxy.e2e.TraceCollector.CLIENT;
import static dev.edgeproxy.e2e.TraceCollector.SERVER;
import static dev.edgeproxy.e2e.TraceCollector.STATUS_ERROR;
import static dev.edgeproxy.e2e.TraceCollector.STATUS_UNSET;
import static dev.edgeproxy.testing.Eventually.assertEventually;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Tracing from the outside (docs/operations.md#tracing): requests carry W3C trace context in, the echo origin
 * reports the context it received, and Quarkus' OTLP exporter sends the spans to a real receiver
 * ({@link TraceCollector}). Every test uses trace ids of its own, so other tests' traffic does not matter.
 */
@QuarkusTest
@QuarkusTestResource(GatewayTestResource.class)
class TracingEndToEndTest {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Duration EXPORTED = Duration.ofSeconds(10);

    /** Every attribute key a span or event of the proxy may carry; anything else fails the hygiene test. */
    private static final Set<String> ALLOWED_ATTRIBUTES = Set.of(
            "http.request.method", "http.response.status_code", "url.scheme", "url.path", "network.protocol.version",
            "client.address", "server.address", "server.port", "error.type", "enduser.id", "edgeproxy.route",
            "edgeproxy.backend", "edgeproxy.auth.outcome", "edgeproxy.auth.reason", "edgeproxy.auth.provider",
            "edgeproxy.auth.cache_hit", "edgeproxy.authz.decision", "edgeproxy.authz.step",
            "edgeproxy.authz.rule.kind", "edgeproxy.authz.rule.index");

    @InjectGateway
    GatewayFixture gateway;

    private static String hex(int bytes) {
        byte[] b = new byte[bytes];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    /** A W3C traceparent; {@code sampled} sets the flags. */
    private static String traceparent(String traceId, String parentId, boolean sampled) {
        return "00-" + traceId + "-" + parentId + (sampled ? "-01" : "-00");
    }

    private static String unique(String prefix) {
        return prefix + "-" + hex(6);
    }

    private static JsonPath get(String path, Map<String, String> headers, int status) {
        var request = given();
        headers.forEach(request::header);
        return request.get(path).then().statusCode(status).extract().jsonPath();
    }

    private List<TraceCollector.Span> exported(String traceId, int spans) {
        List<List<TraceCollector.Span>> found = new ArrayList<>();
        assertEventually(EXPORTED, () -> {
            List<TraceCollector.Span> trace = gateway.traces().trace(traceId);
            assertEquals(spans, trace.size(), "spans of trace " + traceId + ": " + trace);
            found.add(trace);
        });
        return found.get(found.size() - 1);
    }

    private static TraceCollector.Span only(List<TraceCollector.Span> spans, int kind) {
        List<TraceCollector.Span> ofKind = spans.stream().filter(s -> s.kind() == kind).toList();
        assertEquals(1, ofKind.size(), "spans of kind " + kind + ": " + spans);
        return ofKind.get(0);
    }

    @Test
    void continuesTheClientsTraceAndHandsTheOriginItsOwnSpan() {
        String traceId = hex(16);
        String parent = hex(8);
        String sub = unique("alice");
        JsonPath saw = get("/strict/traced", Map.of(
                "Authorization", "Bearer " + gateway.token(sub, "admins"),
                "traceparent", traceparent(traceId, parent, true),
                "tracestate", "vendor=opaque"), 200);

        List<String> received = saw.getList("headers.traceparent");
        assertEquals(1, received.size(), "the origin gets exactly one traceparent: " + received);
        String[] parts = received.get(0).split("-");
        assertEquals(traceId, parts[1], "same trace");
        assertNotEquals(parent, parts[2], "the origin's parent is the proxy's span, not the client's");
        assertEquals("01", parts[3]);
        assertEquals(List.of("vendor=opaque"), saw.getList("headers.tracestate"));

        List<TraceCollector.Span> trace = exported(traceId, 2);
        TraceCollector.Span server = only(trace, SERVER);
        TraceCollector.Span client = only(trace, CLIENT);
        assertEquals("strict", server.name(), "the server span is named after the route");
        assertEquals(parent, server.parentSpanId());
        assertEquals("dev.edgeproxy", server.scope());
        assertEquals("GET", server.attributes().get("http.request.method"));
        assertEquals("/strict/traced", server.attributes().get("url.path"));
        assertEquals(200L, server.attributes().get("http.response.status_code"));
        assertEquals("strict", server.attributes().get("edgeproxy.route"));
        assertEquals(sub, server.attributes().get("enduser.id"));
        assertEquals(STATUS_UNSET, server.statusCode());

        TraceCollector.Event authentication = server.event("authentication");
        assertNotNull(authentication, "authentication event: " + server.events());
        assertEquals("verified", authentication.attributes().get("edgeproxy.auth.outcome"));
        assertEquals(GatewayFixture.ISSUER, authentication.attributes().get("edgeproxy.auth.provider"));
        assertEquals(false, authentication.attributes().get("edgeproxy.auth.cache_hit"));
        TraceCollector.Event authorization = server.event("authorization");
        assertEquals("allow", authorization.attributes().get("edgeproxy.authz.decision"));
        assertEquals(1L, authorization.attributes().get("edgeproxy.authz.step"), "no rules: step 1");

        assertEquals(server.spanId(), client.parentSpanId());
        assertEquals(parts[2], client.spanId(), "the origin's parent is the client span");
        assertEquals("upstream 127.0.0.1:" + gateway.upstream().port(), client.name());
        assertEquals("127.0.0.1", client.attributes().get("server.address"));
        assertEquals((long) gateway.upstream().port(), client.attributes().get("server.port"));
        assertEquals(200L, client.attributes().get("http.response.status_code"));
        assertEquals("vendor=opaque", client.traceState());
    }

    @Test
    void aTokenVerifiedBeforeIsACacheHit() {
        String token = gateway.token(unique("bob"));
        given().header("Authorization", "Bearer " + token).get("/strict/warm").then().statusCode(200);
        String traceId = hex(16);
        get("/strict/again", Map.of("Authorization", "Bearer " + token,
                "traceparent", traceparent(traceId, hex(8), true)), 200);
        TraceCollector.Span server = only(exported(traceId, 2), SERVER);
        assertEquals(true, server.event("authentication").attributes().get("edgeproxy.auth.cache_hit"));
    }

    @Test
    void aRequestWithoutTraceContextStartsATrace() {
        JsonPath saw = get("/open/fresh", Map.of(), 200);
        List<String> received = saw.getList("headers.traceparent");
        assertEquals(1, received.size());
        String traceId = received.get(0).split("-")[1];
        TraceCollector.Span server = only(exported(traceId, 2), SERVER);
        assertEquals("", server.parentSpanId(), "a root span");
        assertEquals("open", server.name());
        assertNull(server.event("authentication"), "the route has no jwtAuth");
    }

    @Test
    void refusalsAreTracedWithTheirReasonAndNeverReachAnOrigin() {
        String missing = hex(16);
        given().header("traceparent", traceparent(missing, hex(8), true)).get("/strict/x").then().statusCode(401);
        TraceCollector.Span unauthenticated = only(exported(missing, 1), SERVER);
        assertEquals("strict", unauthenticated.name());
        assertEquals(401L, unauthenticated.attributes().get("http.response.status_code"));
        assertEquals("Unauthenticated", unauthenticated.attributes().get("error.type"));
        assertEquals(STATUS_UNSET, unauthenticated.statusCode(), "a 4xx is the client's error, not the server's");
        Map<String, Object> authentication = unauthenticated.event("authentication").attributes();
        assertEquals("refused", authentication.get("edgeproxy.auth.outcome"));
        assertEquals("missing_token", authentication.get("edgeproxy.auth.reason"));

        String blocked = hex(16);
        given().header("traceparent", traceparent(blocked, hex(8), true))
                .header("x-block", "1").get("/rules/x").then().statusCode(403);
        TraceCollector.Span denied = only(exported(blocked, 1), SERVER);
        Map<String, Object> authorization = denied.event("authorization").attributes();
        assertEquals("deny", authorization.get("edgeproxy.authz.decision"));
        assertEquals(2L, authorization.get("edgeproxy.authz.step"));
        assertEquals("deny", authorization.get("edgeproxy.authz.rule.kind"));
        assertEquals(0L, authorization.get("edgeproxy.authz.rule.index"));
        assertEquals("anonymous", denied.event("authentication").attributes().get("edgeproxy.auth.outcome"));

        String unrouted = hex(16);
        given().header("traceparent", traceparent(unrouted, hex(8), true)).get("/nowhere/traced").then().statusCode(404);
        TraceCollector.Span notFound = only(exported(unrouted, 1), SERVER);
        assertEquals("GET", notFound.name(), "no route: named after the method");
        assertNull(notFound.attributes().get("edgeproxy.route"));
    }

    @Test
    void aDeadOriginMarksBothSpansAsErrors() {
        String traceId = hex(16);
        given().header("traceparent", traceparent(traceId, hex(8), true)).get("/dead/x").then().statusCode(502);
        List<TraceCollector.Span> trace = exported(traceId, 2);
        TraceCollector.Span server = only(trace, SERVER);
        assertEquals(STATUS_ERROR, server.statusCode());
        assertEquals("BadGateway", server.attributes().get("error.type"));
        TraceCollector.Span client = only(trace, CLIENT);
        assertEquals(STATUS_ERROR, client.statusCode());
        assertEquals("no response", client.attributes().get("error.type"));
        assertNull(client.attributes().get("http.response.status_code"));
    }

    @Test
    void anUnsampledTraceIsCarriedOnButNotExported() {
        String unsampled = hex(16);
        JsonPath saw = get("/open/unsampled", Map.of("traceparent", traceparent(unsampled, hex(8), false)), 200);
        String[] parts = saw.getList("headers.traceparent").get(0).toString().split("-");
        assertEquals(unsampled, parts[1]);
        assertEquals("00", parts[3], "the client's decision travels on");

        // Spans are exported in the order they end: once a later sampled request is in, the unsampled one
        // would have been too.
        String sampled = hex(16);
        get("/open/sampled", Map.of("traceparent", traceparent(sampled, hex(8), true)), 200);
        exported(sampled, 2);
        assertEquals(List.of(), gateway.traces().trace(unsampled));
    }

    @Test
    void twoTraceparentsContinueNeither() {
        String first = hex(16);
        String second = hex(16);
        var response = given()
                .header("traceparent", traceparent(first, hex(8), true))
                .header("traceparent", traceparent(second, hex(8), true))
                .get("/open/two").then().statusCode(200).extract().jsonPath();
        List<String> received = response.getList("headers.traceparent");
        assertEquals(1, received.size(), "one traceparent reaches the origin: " + received);
        String traceId = received.get(0).split("-")[1];
        assertNotEquals(first, traceId);
        assertNotEquals(second, traceId);
        assertEquals("", only(exported(traceId, 2), SERVER).parentSpanId());
    }

    @Test
    void noCredentialCookieQueryOrClaimOtherThanSubReachesASpan() {
        String traceId = hex(16);
        String sub = unique("carol");
        JwtClaims claims = gateway.claims(sub, "secret-group-" + hex(4));
        claims.setClaim("email", "secret-mail-" + hex(4) + "@example.com");
        String token = gateway.sign(claims, gateway.signingKey(), gateway.kid());
        String query = "secret-query-" + hex(4);
        String cookie = "secret-cookie-" + hex(4);
        given().header("traceparent", traceparent(traceId, hex(8), true))
                .header("Cookie", "pref=" + cookie)
                .queryParam("access_token", token)
                .queryParam("q", query)
                .get("/qtoken/hygiene").then().statusCode(200);

        List<String> secrets = new ArrayList<>(List.of(query, cookie, "secret-group-", "secret-mail-"));
        secrets.addAll(List.of(token.split("\\.")));
        List<TraceCollector.Span> trace = exported(traceId, 2);
        for (TraceCollector.Span span : trace) {
            List<Map<String, Object>> attributeSets = new ArrayList<>();
            attributeSets.add(span.attributes());
            span.events().forEach(e -> attributeSets.add(e.attributes()));
            for (Map<String, Object> attributes : attributeSets) {
                for (var attribute : attributes.entrySet()) {
                    assertTrue(ALLOWED_ATTRIBUTES.contains(attribute.getKey()),
                            "unexpected attribute " + attribute.getKey() + " on " + span.name());
                    String value = String.valueOf(attribute.getValue());
                    for (String secret : secrets) {
                        assertFalse(value.contains(secret), attribute.getKey() + " carries " + secret);
                    }
                }
            }
            assertFalse(span.name().contains(query) || span.name().contains("access_token"), span.name());
        }
        TraceCollector.Span server = only(trace, SERVER);
        assertEquals("/qtoken/hygiene", server.attributes().get("url.path"), "the path, never the query");
        assertEquals(sub, server.attributes().get("enduser.id"));
    }
}
