package dev.edgeproxy.e2e;

import dev.edgeproxy.testing.OnContext;
import dev.edgeproxy.testing.RawHttp;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static dev.edgeproxy.testing.Eventually.assertEventually;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * WebSocket tunnels (issue 12, point 4) against the echo upstream's WebSocket endpoint: the upgrade happens
 * only after the route's JWT policy passed, frames go both ways, closes travel with their code and reason,
 * an idle tunnel is closed, and a route without {@code websocket: true} never upgrades. Issue 20, point 8: an
 * upgrade from an {@code Origin} the route does not allow is refused before the origin is asked, and a tunnel
 * past its maximum lifetime is closed with 1008.
 */
@QuarkusTest
@QuarkusTestResource(GatewayTestResource.class)
class WebSocketEndToEndTest {

    /** Long enough for any machine; nothing here asserts on how long something took. */
    private static final long WAIT_SECONDS = 20;

    private static Vertx vertx;
    private static WebSocketClient client;

    @InjectGateway
    GatewayFixture gateway;

    @BeforeAll
    static void startClient() {
        vertx = Vertx.vertx();
        client = vertx.createWebSocketClient();
    }

    @AfterAll
    static void stopClient() {
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }

    private static String upgradeHead(String path, String extraHeaders) {
        return "GET " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n"
                + "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n" + extraHeaders + "\r\n";
    }

    // --- refused before any upgrade -------------------------------------------------------------

    @Test
    void withoutTokenTheAnswerIs401AndNothingIsUpgraded() {
        RawHttp.Response r = RawHttp.exchange(RestAssured.port, upgradeHead("/ws/no-token", ""));
        assertEquals(401, r.status());
        assertEquals("Bearer realm=\"websocket\"", r.header("www-authenticate"));
        assertNull(r.header("upgrade"));
        assertFalse(gateway.upstream().paths().contains("/ws/no-token"), "the origin must never be asked");
    }

    @Test
    void aForgedTokenIs401Too() {
        RawHttp.Response r = RawHttp.exchange(RestAssured.port, upgradeHead("/ws/forged",
                "Authorization: Bearer " + gateway.forgedToken("mallory") + "\r\n"));
        assertEquals(401, r.status());
        assertFalse(gateway.upstream().paths().contains("/ws/forged"));
    }

    @Test
    void anOriginRefusingTheUpgradeIs502() {
        RawHttp.Response r = RawHttp.exchange(RestAssured.port, upgradeHead("/ws/refuse",
                "Authorization: Bearer " + gateway.token("alice") + "\r\n"));
        assertEquals(502, r.status());
        assertEquals("bad gateway", r.bodyText());
        assertTrue(gateway.upstream().paths().contains("/ws/refuse"), "the origin was asked, and refused");
    }

    @Test
    void theVertxClientSeesTheRefusalAs401() {
        ExecutionException e = assertThrows(ExecutionException.class, () -> connect("/ws/client", null));
        UpgradeRejectedException rejected = assertInstanceOf(UpgradeRejectedException.class, e.getCause());
        assertEquals(401, rejected.getStatus());
    }

    // --- the tunnel -----------------------------------------------------------------------------

    @Test
    void theOriginSeesTheSameHeadersAsAPlainRequestWithoutTheCredential() throws Exception {
        Conversation c = connect("/ws/headers?room=1", gateway.token("alice"));
        JsonPath seen = JsonPath.from(c.nextText());
        assertEquals("/ws/headers?room=1", seen.getString("uri"));
        assertNotNull(seen.getList("headers.x-forwarded-for"), "X-Forwarded-For");
        assertEquals(List.of("http"), seen.getList("headers.x-forwarded-proto"));
        assertEquals(List.of("alice"), seen.getList("headers.x-user-id"), "the route's transformation");
        assertNull(seen.get("headers.authorization"), "the verified credential is removed");
        assertEquals("chat.v1", c.socket.subProtocol(), "the origin's choice of subprotocol reaches the client");
        c.socket.close();
    }

    @Test
    void textAndBinaryMessagesAreEchoedBothWays() throws Exception {
        Conversation c = connect("/ws/echo", gateway.token("alice"));
        c.nextText();
        c.socket.writeTextMessage("hello, origin");
        assertEquals("hello, origin", c.nextText());
        byte[] small = {0, 1, 2, (byte) 0xff};
        c.socket.writeBinaryMessage(Buffer.buffer(small));
        assertArrayEquals(small, c.nextBinary());
        // Larger than one frame (64 KiB): the message crosses as several frames and arrives whole.
        byte[] large = EchoUpstream.content(200_000);
        c.socket.writeBinaryMessage(Buffer.buffer(large));
        assertArrayEquals(large, c.nextBinary());
        c.socket.close();
    }

    @Test
    void aTlsBackendGetsTheTunnelOverTlsVerifiedByItsCa() throws Exception {
        Conversation c = connect("/wss/chat", null);
        JsonPath seen = JsonPath.from(c.nextText());
        assertEquals("/wss/chat", seen.getString("path"), "the origin is the HTTPS one");
        // The certificate (for localhost, of the test CA) was verified; a name without a dot is not sent as SNI.
        assertNull(seen.get("sni"));
        assertNull(seen.get("clientSubject"));
        c.socket.writeTextMessage("over tls");
        assertEquals("over tls", c.nextText());
        c.socket.close();
    }

    @Test
    void aTlsBackendRequiringAClientCertificateGetsTheConfiguredOne() throws Exception {
        Conversation c = connect("/wss-mtls/chat", null);
        assertEquals("CN=edge-proxy-client", JsonPath.from(c.nextText()).getString("clientSubject"));
        c.socket.close();
    }

    @Test
    void aTlsBackendWhoseCertificateDoesNotVerifyIs502BeforeAnyUpgrade() {
        RawHttp.Response r = RawHttp.exchange(RestAssured.port, upgradeHead("/wss-wrong-ca/chat", ""));
        assertEquals(502, r.status());
        assertEquals("bad gateway", r.bodyText());
        assertNull(r.header("upgrade"));
    }

    @Test
    void aCloseFromTheClientReachesTheOriginWithItsCodeAndReason() throws Exception {
        Conversation c = connect("/ws/client-close", gateway.token("alice"));
        c.nextText();
        c.socket.close((short) 4000, "client says bye");
        assertEventually(Duration.ofSeconds(WAIT_SECONDS),
                () -> assertEquals("4000 client says bye", gateway.upstream().lastWebSocketClose()));
        assertEquals("4000 client says bye", c.closed.get(WAIT_SECONDS, TimeUnit.SECONDS));
    }

    @Test
    void aCloseFromTheOriginReachesTheClientWithItsCodeAndReason() throws Exception {
        Conversation c = connect("/ws/origin-close", gateway.token("alice"));
        c.nextText();
        c.socket.writeTextMessage("close-me");
        assertEquals("4001 origin says bye", c.closed.get(WAIT_SECONDS, TimeUnit.SECONDS));
    }

    @Test
    void anIdleTunnelIsClosedOnBothSides() throws Exception {
        Conversation c = connect("/ws-idle/quiet", null);
        c.nextText();
        // The route's limits.websocketIdleTimeout is 1s: nothing more is sent, so the proxy closes.
        assertEquals("1001 idle timeout", c.closed.get(WAIT_SECONDS, TimeUnit.SECONDS));
        assertEventually(Duration.ofSeconds(WAIT_SECONDS),
                () -> assertEquals("1001 idle timeout", gateway.upstream().lastWebSocketClose()));
    }

    @Test
    void sessionsAreCountedAndLoggedAs101WhenTheyEnd() throws Exception {
        MetricsEndToEndTest.Scrape before = MetricsEndToEndTest.Scrape.now();
        Conversation c = connect("/ws/metrics", gateway.token("alice"));
        c.nextText();
        assertEventually(Duration.ofSeconds(WAIT_SECONDS), () -> {
            MetricsEndToEndTest.Scrape during = MetricsEndToEndTest.Scrape.now();
            assertEquals(1, during.delta(before, "edgeproxy_websocket_sessions_total", "route", "websocket"));
            assertEquals(1, during.delta(before, "edgeproxy_websocket_open"));
        });
        c.socket.close();
        c.closed.get(WAIT_SECONDS, TimeUnit.SECONDS);
        assertEventually(Duration.ofSeconds(WAIT_SECONDS), () -> {
            MetricsEndToEndTest.Scrape after = MetricsEndToEndTest.Scrape.now();
            assertEquals(0, after.delta(before, "edgeproxy_websocket_open"));
            assertEquals(1, after.delta(before, "edgeproxy_requests_total", "route", "websocket", "status", "101"));
        });
    }

    // --- allowed origins and the lifetime (websocket-origins) ------------------------------------

    @Test
    void anUpgradeFromAForeignOriginIs403AndTheOriginNeverSeesIt() {
        RawHttp.Response r = RawHttp.exchange(RestAssured.port, upgradeHead("/ws-origins/foreign",
                "Origin: https://evil.example\r\n"));
        assertEquals(403, r.status());
        assertEquals("origin not allowed", r.bodyText());
        assertNull(r.header("upgrade"));
        // The same origin on another scheme or port is another origin.
        assertEquals(403, RawHttp.exchange(RestAssured.port, upgradeHead("/ws-origins/foreign",
                "Origin: http://app.example.com\r\n")).status());
        assertEquals(403, RawHttp.exchange(RestAssured.port, upgradeHead("/ws-origins/foreign",
                "Origin: http://localhost:3001\r\n")).status());
        assertFalse(gateway.upstream().paths().contains("/ws-origins/foreign"), "the origin must never be asked");
    }

    @Test
    void twoOriginHeadersAre403() {
        RawHttp.Response r = RawHttp.exchange(RestAssured.port, upgradeHead("/ws-origins/two",
                "Origin: https://app.example.com\r\nOrigin: https://evil.example\r\n"));
        assertEquals(403, r.status());
        assertFalse(gateway.upstream().paths().contains("/ws-origins/two"));
    }

    @Test
    void anAllowedOriginIsUpgradedAndSeenByTheOrigin() throws Exception {
        // Scheme and host compared without regard to case, the default port the same as none.
        Conversation c = connect(new WebSocketConnectOptions().setURI("/ws-origins/allowed")
                .addHeader("Origin", "HTTPS://App.Example.com:443"));
        assertEquals(List.of("HTTPS://App.Example.com:443"), JsonPath.from(c.nextText()).getList("headers.origin"),
                "the origin sees the Origin as sent");
        c.socket.writeTextMessage("hello");
        assertEquals("hello", c.nextText());
        c.socket.close();
        c.closed.get(WAIT_SECONDS, TimeUnit.SECONDS);
    }

    @Test
    void anUpgradeWithoutOriginIsNotABrowserAndPasses() throws Exception {
        // Vert.x' client adds an Origin of its own unless told not to.
        Conversation c = connect(new WebSocketConnectOptions().setURI("/ws-origins/no-origin").setAllowOriginHeader(false));
        assertNull(JsonPath.from(c.nextText()).get("headers.origin"), "the proxy invents none for the origin");
        c.socket.close();
        c.closed.get(WAIT_SECONDS, TimeUnit.SECONDS);
    }

    @Test
    void aTunnelPastItsMaxLifetimeIsClosedOnBothSidesWith1008() throws Exception {
        Conversation c = connect(new WebSocketConnectOptions().setURI("/ws-origins/lifetime")
                .addHeader("Origin", "http://localhost:3000"));
        c.nextText();
        // Busy all along (the idle timeout would never fire): the route's 2s lifetime ends it.
        long chatter = vertx.setPeriodic(200, id -> {
            if (!c.socket.isClosed()) {
                c.socket.writeTextMessage("still here");
            }
        });
        try {
            assertEquals("1008 lifetime exceeded", c.closed.get(WAIT_SECONDS, TimeUnit.SECONDS));
        } finally {
            vertx.cancelTimer(chatter);
        }
        assertEventually(Duration.ofSeconds(WAIT_SECONDS),
                () -> assertEquals("1008 lifetime exceeded", gateway.upstream().lastWebSocketClose()));
    }

    // --- what is not a tunnel -------------------------------------------------------------------

    @Test
    void anUpgradeOnARouteWithoutWebsocketIsForwardedAsAPlainRequest() {
        RawHttp.Response r = RawHttp.exchange(RestAssured.port, upgradeHead("/open/not-a-tunnel", "Connection: close\r\n"));
        assertEquals(200, r.status(), "no 101: the route does not upgrade");
        JsonPath seen = JsonPath.from(r.bodyText());
        assertEquals("GET", seen.getString("method"));
        assertNull(seen.get("headers.upgrade"), "Upgrade is hop-by-hop and removed");
        assertNull(seen.get("headers.connection"));
    }

    @Test
    void aPlainRequestOnAWebsocketRouteIsForwardedAsUsual() {
        given().header("Authorization", "Bearer " + gateway.token("alice")).get("/ws/plain")
                .then().statusCode(200);
        given().get("/ws/plain").then().statusCode(401);
    }

    // --- helpers --------------------------------------------------------------------------------

    /** One client WebSocket: what it received, in order, and how it was closed ({@code code reason}). */
    private static final class Conversation {
        final WebSocket socket;
        final BlockingQueue<Object> received = new LinkedBlockingQueue<>();
        final CompletableFuture<String> closed = new CompletableFuture<>();

        Conversation(WebSocket socket) {
            this.socket = socket;
            socket.textMessageHandler(received::add);
            socket.binaryMessageHandler(b -> received.add(b.getBytes()));
            socket.closeHandler(v -> closed.complete(socket.closeStatusCode() + " " + socket.closeReason()));
        }

        String nextText() throws InterruptedException {
            Object next = received.poll(WAIT_SECONDS, TimeUnit.SECONDS);
            assertInstanceOf(String.class, next, "a text message");
            return (String) next;
        }

        byte[] nextBinary() throws InterruptedException {
            Object next = received.poll(WAIT_SECONDS, TimeUnit.SECONDS);
            assertInstanceOf(byte[].class, next, "a binary message");
            return (byte[]) next;
        }
    }

    private static Conversation connect(String uri, String token) throws Exception {
        WebSocketConnectOptions options = new WebSocketConnectOptions().setURI(uri);
        if (token != null) {
            options.addHeader("Authorization", "Bearer " + token);
        }
        return connect(options);
    }

    /** {@code options} (URI, headers) completed with the proxy's address and the echo origin's subprotocol. */
    private static Conversation connect(WebSocketConnectOptions options) throws Exception {
        options.setHost("localhost").setPort(RestAssured.port).addSubProtocol("chat.v1");
        // Connected from an event-loop context and its handlers set there at once, so no message can slip past
        // them. (Connected from the test's thread, Vert.x resumes the socket on one context and completes the
        // future on another: a message arriving with the 101 was then delivered before any handler was set.)
        return OnContext.await(vertx, Duration.ofSeconds(WAIT_SECONDS), () -> client.connect(options).map(Conversation::new));
    }
}
