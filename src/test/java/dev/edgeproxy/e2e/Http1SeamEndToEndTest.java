package dev.edgeproxy.e2e;

import dev.edgeproxy.testing.RawHttp;
import dev.edgeproxy.testing.RawOrigin;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * HTTP/1.1's own framing across the proxy, over raw sockets on both sides (a {@link RawOrigin} answers with exactly
 * the bytes scripted here): pipelined requests answered in order, answers without a body (HEAD, 204, 304), 1xx
 * answers, {@code Expect: 100-continue}, HTTP/1.0, origins that close their connection or end a body by closing,
 * trailers, and origin answers the proxy must not pass on. Each test sends more on the same connection afterwards
 * where that proves the framing stayed in step, and after each every origin connection is back
 * ({@code edgeproxy_upstream_leased} is 0).
 */
@QuarkusTest
@QuarkusTestResource(GatewayTestResource.class)
class Http1SeamEndToEndTest {

    @InjectGateway
    GatewayFixture gateway;

    @BeforeEach
    void scripts() {
        RawOrigin origin = gateway.rawOrigin();
        origin.script("/seam-204", "HTTP/1.1 204 No Content\r\nX-Seam: 204\r\n\r\n", false);
        origin.script("/seam-304", "HTTP/1.1 304 Not Modified\r\nETag: \"v1\"\r\n\r\n", false);
        origin.script("/seam-103", "HTTP/1.1 103 Early Hints\r\nLink: </style.css>; rel=preload\r\n\r\n"
                + "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nfinal", false);
        origin.script("/seam-close", "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 6\r\n\r\nclosed", true);
        origin.script("/seam-eof", "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nbody until the origin closes", true);
        origin.script("/seam-trailers", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nTrailer: X-Checksum\r\n\r\n"
                + "5\r\nhello\r\n0\r\nX-Checksum: 5d41\r\n\r\n", false);
        origin.script("/seam-badfield", "HTTP/1.1 200 OK\r\nX-Bad: a\u0001b\r\nContent-Length: 2\r\n\r\nok", true);
    }

    @AfterEach
    void everyOriginConnectionIsBack() {
        Http2AttackEndToEndTest.awaitLeased(0);
    }

    private static String base() {
        return "/raw/seam/" + UUID.randomUUID();
    }

    private static String get(String method, String path) {
        return method + " " + path + " HTTP/1.1\r\nHost: localhost\r\n\r\n";
    }

    /** A connection to the proxy port, read with a bound so a hang fails rather than blocks. */
    private static Socket connect() throws IOException {
        Socket socket = new Socket("127.0.0.1", RestAssured.port);
        socket.setSoTimeout(10_000);
        return socket;
    }

    private static void send(Socket socket, String bytes) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(bytes.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    @Test
    void pipelinedRequestsAreAnsweredInTheirOrder() throws IOException {
        String base = base();
        try (Socket socket = connect()) {
            // Three requests in one write: the later ones arrive while the first is still with the origin.
            send(socket, get("GET", base + "/seam-trailers") + get("HEAD", base + "/plain") + get("GET", base + "/seam-204"));
            InputStream in = socket.getInputStream();
            RawHttp.Response first = RawHttp.read(in, "GET");
            RawHttp.Response second = RawHttp.read(in, "HEAD");
            RawHttp.Response third = RawHttp.read(in, "GET");
            assertEquals(List.of(200, 200, 204), List.of(first.status(), second.status(), third.status()));
            assertEquals("hello", first.bodyText());
            assertEquals("2", second.header("content-length"));
            assertEquals("204", third.header("x-seam"));
        }
        List<String> seen = gateway.rawOrigin().requests().stream().map(RawOrigin.Received::requestLine)
                .filter(line -> line.contains(base)).toList();
        assertEquals(List.of("GET " + base + "/seam-trailers HTTP/1.1", "HEAD " + base + "/plain HTTP/1.1",
                "GET " + base + "/seam-204 HTTP/1.1"), seen);
    }

    @Test
    void answersWithoutABodyKeepTheConnectionInStep() throws IOException {
        String base = base();
        try (Socket socket = connect()) {
            InputStream in = socket.getInputStream();
            send(socket, get("HEAD", base + "/plain"));
            RawHttp.Response head = RawHttp.read(in, "HEAD");
            assertEquals(200, head.status());
            assertEquals("2", head.header("content-length"));
            send(socket, get("GET", base + "/seam-204"));
            RawHttp.Response noContent = RawHttp.read(in, "GET");
            assertEquals(204, noContent.status());
            assertNull(noContent.header("transfer-encoding"), "a 204 has no body, so no framing for one");
            assertNull(noContent.header("content-length"));
            send(socket, get("GET", base + "/seam-304"));
            RawHttp.Response notModified = RawHttp.read(in, "GET");
            assertEquals(304, notModified.status());
            assertEquals("\"v1\"", notModified.header("etag"));
            assertNull(notModified.header("transfer-encoding"));
            // Had any of them carried a body (or a terminating chunk), this answer would be read out of step.
            send(socket, get("GET", base + "/plain"));
            RawHttp.Response after = RawHttp.read(in, "GET");
            assertEquals(200, after.status());
            assertEquals("ok", after.bodyText());
        }
    }

    @Test
    void theProxysOwnAnswerToHeadHasNoBody() throws IOException {
        try (Socket socket = connect()) {
            InputStream in = socket.getInputStream();
            send(socket, get("HEAD", "/no-route-here") + get("GET", base() + "/after-head"));
            RawHttp.Response refused = RawHttp.read(in, "HEAD");
            assertEquals(404, refused.status());
            // Had a body followed the head, this answer would be read out of step.
            assertEquals("ok", RawHttp.read(in, "GET").bodyText(), "no body was sent after the HEAD answer");
        }
    }

    @Test
    void aRefusedRequestsBodyIsDroppedAndTheConnectionServesTheNext() throws IOException {
        String next = base() + "/after-refusal";
        try (Socket socket = connect()) {
            InputStream in = socket.getInputStream();
            send(socket, "POST /strict/x HTTP/1.1\r\nHost: localhost\r\nContent-Length: 11\r\n\r\nnot-for-you"
                    + get("GET", next));
            assertEquals(401, RawHttp.read(in, "POST").status());
            assertEquals("ok", RawHttp.read(in, "GET").bodyText());
        }
        assertEquals("GET " + next + " HTTP/1.1", received(next).requestLine(), "the body was not read as a request");
    }

    @Test
    void aPipelinedRequestAfterAnExpectationKeepsItsOwnFraming() throws IOException {
        String base = base();
        try (Socket socket = connect()) {
            InputStream in = socket.getInputStream();
            // The body goes with the head (allowed), a HEAD right behind: the 100 Continue in between must not put
            // the answers out of step with their requests.
            send(socket, "POST " + base + "/expecting HTTP/1.1\r\nHost: localhost\r\nExpect: 100-continue\r\n"
                    + "Content-Length: 4\r\n\r\ndata" + get("HEAD", base + "/headed") + get("GET", base + "/last"));
            assertEquals(100, RawHttp.read(in, "POST").status());
            RawHttp.Response posted = RawHttp.read(in, "POST");
            assertEquals(200, posted.status());
            assertEquals("ok", posted.bodyText());
            RawHttp.Response headed = RawHttp.read(in, "HEAD");
            assertEquals(200, headed.status());
            assertEquals("ok", RawHttp.read(in, "GET").bodyText());
        }
    }

    @Test
    void informationalAnswersOfTheOriginAreNotRelayed() throws IOException {
        try (Socket socket = connect()) {
            send(socket, get("GET", base() + "/seam-103"));
            RawHttp.Response r = RawHttp.read(socket.getInputStream(), "GET");
            assertEquals(200, r.status());
            assertEquals("final", r.bodyText());
        }
    }

    @Test
    void expectContinueIsAnsweredByTheProxyAndNotForwarded() throws IOException {
        String path = base() + "/continue";
        try (Socket socket = connect()) {
            InputStream in = socket.getInputStream();
            send(socket, "POST " + path + " HTTP/1.1\r\nHost: localhost\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\n");
            assertEquals(100, RawHttp.read(in, "POST").status());
            send(socket, "data");
            RawHttp.Response r = RawHttp.read(in, "POST");
            assertEquals(200, r.status());
        }
        RawOrigin.Received seen = received(path);
        assertNull(seen.header("expect"), "the origin got the expectation the proxy answered");
        assertEquals("data", seen.bodyText());
    }

    @Test
    void http10RequestIsAnsweredAndItsConnectionClosed() throws IOException {
        String path = base() + "/ten";
        try (Socket socket = connect()) {
            send(socket, "GET " + path + " HTTP/1.0\r\nHost: localhost\r\n\r\n");
            InputStream in = socket.getInputStream();
            RawHttp.Response r = RawHttp.read(in, "GET");
            assertEquals(200, r.status());
            assertEquals("ok", r.bodyText());
            assertEquals(-1, in.read(), "an HTTP/1.0 connection without keep-alive ends after its answer");
        }
        assertTrue(received(path).requestLine().endsWith(" HTTP/1.1"), "origins are spoken to in HTTP/1.1");
    }

    @Test
    void anOriginConnectionTheOriginClosesIsNotUsedAgain() throws IOException {
        String base = base();
        try (Socket socket = connect()) {
            InputStream in = socket.getInputStream();
            send(socket, get("GET", base + "/seam-close"));
            RawHttp.Response closed = RawHttp.read(in, "GET");
            assertEquals("closed", closed.bodyText());
            assertNull(closed.header("connection"), "the origin's Connection concerns its own hop");
            send(socket, get("GET", base + "/next"));
            assertEquals("ok", RawHttp.read(in, "GET").bodyText());
        }
        assertTrue(received(base + "/seam-close").connection() != received(base + "/next").connection(),
                "the request after a Connection: close answer went on a new origin connection");
    }

    @Test
    void aBodyThatEndsWithTheOriginsConnectionArrivesWholeAndFramed() throws IOException {
        try (Socket socket = connect()) {
            InputStream in = socket.getInputStream();
            send(socket, get("GET", base() + "/seam-eof"));
            RawHttp.Response r = RawHttp.read(in, "GET");
            assertEquals(200, r.status());
            assertEquals("chunked", r.header("transfer-encoding"), "framed for the user agent, whose connection stays");
            assertTrue(r.complete());
            assertEquals("body until the origin closes", r.bodyText());
            send(socket, get("GET", base() + "/after-eof"));
            assertEquals("ok", RawHttp.read(in, "GET").bodyText());
        }
    }

    @Test
    void trailersOfTheOriginReachTheUserAgent() throws IOException {
        try (Socket socket = connect()) {
            send(socket, get("GET", base() + "/seam-trailers"));
            RawHttp.Response r = RawHttp.read(socket.getInputStream(), "GET");
            assertEquals("hello", r.bodyText());
            assertEquals("5d41", r.trailers().get("x-checksum"));
        }
    }

    @Test
    void trailerFieldsOfTheUserAgentAreNotForwarded() throws IOException {
        String path = base() + "/with-trailers";
        try (Socket socket = connect()) {
            send(socket, "POST " + path + " HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "5\r\nhello\r\n0\r\nX-User-Id: admin\r\n\r\n");
            assertEquals(200, RawHttp.read(socket.getInputStream(), "POST").status());
        }
        RawOrigin.Received seen = received(path);
        assertEquals("hello", seen.bodyText());
        String raw = new String(seen.rawBody(), StandardCharsets.ISO_8859_1).toLowerCase(java.util.Locale.ROOT);
        assertTrue(!raw.contains("x-user-id"), "no step checked the trailer fields, so none reaches the origin: " + raw);
    }

    @Test
    void aChunkedBodyWithBrokenFramingNeverReachesTheOriginAsWhole() throws IOException {
        String path = base() + "/broken-chunks";
        try (Socket socket = connect()) {
            send(socket, "POST " + path + " HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "5\r\nhello\r\nzz\r\n");
            // The Netty path answers 400, the Vert.x path closes without an answer: either way no 200, and the end.
            try {
                RawHttp.Response r = RawHttp.read(socket.getInputStream(), "POST");
                assertEquals(400, r.status());
                assertEquals("bad request: request body broken off", r.bodyText());
            } catch (IOException closedWithoutAnswer) {
                // as the Vert.x path does
            }
            assertEquals(-1, socket.getInputStream().read(), "nothing after broken framing can be read as a request");
        }
        gateway.rawOrigin().awaitRequests(1, Duration.ofSeconds(1)).stream().filter(seen -> seen.target().equals(path))
                .forEach(seen -> assertTrue(!new String(seen.rawBody(), StandardCharsets.ISO_8859_1).endsWith("0\r\n\r\n"),
                        "the origin got the part that came as a whole body"));
    }

    // --- every ending gives the origin connection back (checked after each test: edgeproxy_upstream_leased is 0) ---

    @Test
    void anOriginThatNeverAnswersIs504() {
        // The route "slow" times out after 500 ms; its origin holds the request for ever.
        RawHttp.Response r = RawHttp.exchange(RestAssured.port, get("GET", "/slow/seam/hang"));
        assertEquals(504, r.status());
    }

    @Test
    void aUserAgentThatLeavesMidAnswerLeavesNoConnectionHeld() throws IOException {
        try (Socket socket = connect()) {
            send(socket, get("GET", "/open/seam/download?bytes=20000000"));
            InputStream in = socket.getInputStream();
            byte[] some = new byte[65536];
            assertTrue(in.read(some) > 0, "the answer began");
        }
    }

    @Test
    void aBodyPastTheRouteLimitMidStreamIs413() throws IOException {
        try (Socket socket = connect()) {
            send(socket, "POST /limited/seam HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\n");
            OutputStream out = socket.getOutputStream();
            byte[] chunk = ("10000\r\n" + "x".repeat(65536) + "\r\n").getBytes(StandardCharsets.ISO_8859_1);
            try {
                for (int i = 0; i < 32; i++) {
                    out.write(chunk);
                }
                out.flush();
            } catch (IOException closedWhileSending) {
                // the proxy may close once it has answered
            }
            assertEquals(413, RawHttp.read(socket.getInputStream(), "POST").status());
        }
    }

    @Test
    void anOriginAnswerWithAnInvalidFieldIs502() {
        RawHttp.Response r = RawHttp.exchange(RestAssured.port, get("GET", base() + "/seam-badfield"));
        assertEquals(502, r.status());
        assertEquals("bad gateway", r.bodyText());
    }

    @Test
    void switchingProtocolsToAPlainRequestIs502() {
        RawHttp.Response r = RawHttp.exchange(RestAssured.port, get("GET", base() + "/101"));
        assertEquals(502, r.status());
    }

    private RawOrigin.Received received(String path) {
        return gateway.rawOrigin().awaitRequests(1, Duration.ofSeconds(5)).stream()
                .filter(seen -> seen.target().equals(path)).findFirst()
                .orElseThrow(() -> new AssertionError("the origin never saw " + path));
    }
}
