package dev.edgeproxy.e2e;

import dev.edgeproxy.testing.H2Wire;
import dev.edgeproxy.testing.RawH2;
import dev.edgeproxy.testing.RawOrigin;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * The HTTP/2 → HTTP/1.1 seam, attacked with raw frames (h2c by prior knowledge; no client library that refuses to
 * send bad bytes): every row is refused before anything is forwarded, or forwarded in its canonical form, and the
 * raw-socket origin's received bytes are asserted. After the table, every origin connection the proxy leased is
 * back ({@code edgeproxy_upstream_leased} is 0), and 10,000 malformed requests interleaved with valid ones leave
 * every route answering at once. {@link Http2AttackEndToEndIT} reruns it on the jar and the native binary.
 */
@QuarkusTest
@QuarkusTestResource(GatewayTestResource.class)
class Http2AttackEndToEndTest {

    /** Marks each row's path so the origin's log can prove the row never reached it. */
    private static final AtomicInteger ROW = new AtomicInteger();

    @InjectGateway
    GatewayFixture gateway;

    private RawH2 h2;

    @BeforeEach
    void connect() {
        h2 = RawH2.connect(RestAssured.port);
    }

    /** The lease invariant, after every row: whatever became of it, no origin connection stays leased. */
    @AfterEach
    void close() {
        h2.close();
        awaitLeased(0);
    }

    private static String authority() {
        return "localhost:" + RestAssured.port;
    }

    private static List<Map.Entry<String, String>> get(String path, String... extra) {
        return RawH2.request("GET", "http", authority(), path, extra);
    }

    private static String uniquePath(String prefix) {
        return prefix + "/row-" + ROW.incrementAndGet();
    }

    private RawOrigin origin() {
        return gateway.rawOrigin();
    }

    private boolean originSaw(String path) {
        return origin().requests().stream().anyMatch(r -> r.target().startsWith(path));
    }

    private RawOrigin.Received originReceived(String path) {
        List<RawOrigin.Received> seen = origin().awaitRequests(1, Duration.ofSeconds(5)).stream()
                .filter(r -> r.target().startsWith(path)).toList();
        assertEquals(1, seen.size(), "the origin received " + path + " once");
        return seen.get(0);
    }

    // --- 1, 2: header names and values a lenient HTTP/1.1 origin would read differently ------------------------

    static Stream<Arguments> invalidFields() {
        List<Arguments> rows = new ArrayList<>(List.of(
                arguments("NUL in a value", "x-a", "v\u0000"),
                arguments("bare CR", "x-a", "v\rx"),
                arguments("bare LF", "x-a", "v\nx"),
                arguments("CRLF + Transfer-Encoding", "x-a", "v\r\n Transfer-Encoding: chunked"),
                arguments("LF + Content-Length", "x-a", "v\n Content-Length: 44"),
                arguments("CRLF + tab-folded header", "x-a", "v\r\n\tX-Injected: 1"),
                arguments("DEL", "x-a", "v\u007f"),
                arguments("leading space", "x-a", " v"),
                arguments("trailing tab", "x-a", "v\t"),
                arguments("':' inside a name", "x:a", "v"),
                arguments("space inside a name", "x a", "v"),
                arguments("'(' in a name", "x(a)", "v"),
                arguments("NUL in a name", "x\u0000a", "v"),
                arguments("non-ASCII name", "x-\u00e9", "v"),
                arguments("CRLF in an Authorization value", "authorization", "Bearer x\r\nX-Admin: 1")));
        for (char c = 1; c < 0x20; c++) {
            if (c != '\t' && c != '\r' && c != '\n') {
                rows.add(arguments(String.format("control character 0x%02x", (int) c), "x-a", "v" + c + "v"));
            }
        }
        return rows.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource
    void invalidFields(String name, String field, String value) {
        String path = uniquePath("/raw");
        RawH2.Response r = h2.exchange(get(path, field, value), null);
        assertEquals(400, r.status(), name);
        assertEquals("bad request: invalid header field", r.bodyText(), name);
        assertFalse(originSaw(path), name + ": nothing may reach the origin");
    }

    @Test
    void aClaimHoldingAControlCharacterIsNotSetAndTheRequestIsForwarded() {
        String token = gateway.token("a\u0001b");
        String path = uniquePath("/raw-claim");
        RawH2.Response r = h2.exchange(get(path, "authorization", "Bearer " + token), null);
        assertEquals(200, r.status());
        RawOrigin.Received seen = originReceived(path);
        assertNull(seen.header("x-user"), seen.head());
        assertFalse(seen.head().contains("\u0001"), seen.head());
        // The same over HTTP/1.1: the claim never reaches Vert.x's client check, and the pool keeps its connection.
        String path11 = uniquePath("/raw-claim");
        given().header("authorization", "Bearer " + token).get(path11).then().statusCode(200);
        assertNull(originReceived(path11).header("x-user"));
    }

    @Test
    void obsTextIsForwardedByteForByte() {
        String path = uniquePath("/raw");
        RawH2.Response r = h2.exchange(get(path, "x-name", "caf\u00e9 \u00ff"), null);
        assertEquals(200, r.status());
        assertTrue(originReceived(path).head().contains("\r\nx-name: caf\u00e9 \u00ff\r\n"));
    }

    @Test
    void upperCaseNamesAreRefusedByTheCodec() {
        String path = uniquePath("/raw");
        RawH2.Response r = h2.exchange(get(path, "X-Upper", "v"), null);
        assertNotEquals(200, r.status());
        assertTrue(r.reset() != null || r.goAway(), "reset or GOAWAY: " + r);
        assertFalse(originSaw(path));
    }

    // --- 3: the scheme is the listener's -----------------------------------------------------------------------

    @Test
    void aClaimedHttpsSchemeOnCleartextIsHttp() {
        String path = uniquePath("/raw");
        RawH2.Response r = h2.exchange(RawH2.request("GET", "https", authority(), path), null);
        assertEquals(200, r.status());
        assertEquals("http", originReceived(path).header("x-forwarded-proto"));
    }

    @Test
    void aSchemeOtherThanHttpOrHttpsIsRefused() {
        for (String scheme : List.of("javascript", "ftp", "HTTPX")) {
            String path = uniquePath("/raw");
            RawH2.Response r = h2.exchange(RawH2.request("GET", scheme, authority(), path), null);
            assertEquals(400, r.status(), scheme);
            assertEquals("bad request: unsupported :scheme", r.bodyText());
            assertFalse(originSaw(path));
        }
    }

    // --- 4: stream and header-list limits announced and held -----------------------------------------------------

    @Test
    void settingsAnnounceTheStreamAndHeaderListLimits() {
        assertEquals(100L, h2.serverSettings().get(H2Wire.SETTINGS_MAX_CONCURRENT_STREAMS));
        assertEquals(16384L, h2.serverSettings().get(H2Wire.SETTINGS_MAX_HEADER_LIST_SIZE));
    }

    @Test
    void aStreamBeyondTheHundredthIsRefusedAndTheHeldConnectionsComeBack() throws Exception {
        try (RawH2 greedy = RawH2.connect(RestAssured.port, Map.of(H2Wire.SETTINGS_INITIAL_WINDOW_SIZE, 0L))) {
            greedy.autoWindowUpdate(false);
            List<Integer> ids = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                int id = greedy.nextStreamId();
                ids.add(id);
                greedy.headers(id, get(uniquePath("/raw") + "/hang"), true);
            }
            int extra = greedy.nextStreamId();
            greedy.headers(extra, get(uniquePath("/raw") + "/hang"), true);
            RawH2.Response refused = greedy.await(extra, Duration.ofSeconds(5));
            assertEquals(H2Wire.REFUSED_STREAM, refused.reset(), "the 101st stream is refused: " + refused);
            awaitLeased(100);
        }
        // The greedy client is gone: every one of its origin requests is cut off and its connection given back.
        awaitLeased(0);
        assertEquals(200, h2.exchange(get(uniquePath("/raw")), null).status());
    }

    // --- 5: the authority reaches the origin as Host; cookies as one line -----------------------------------

    @Test
    void theAuthorityReachesTheOriginAsHost() {
        String path = uniquePath("/raw");
        RawH2.Response r = h2.exchange(RawH2.request("GET", "http", "api.example.com:8443", path), null);
        assertEquals(200, r.status());
        RawOrigin.Received seen = originReceived(path);
        assertEquals(List.of("api.example.com:8443"), seen.headers("host"));
        assertEquals("api.example.com:8443", seen.header("x-forwarded-host"));
    }

    @Test
    void cookieCrumbsReachTheOriginAsOneLine() {
        String path = uniquePath("/raw");
        RawH2.Response r = h2.exchange(get(path, "cookie", "a=1", "cookie", "b=2", "cookie", "c=3"), null);
        assertEquals(200, r.status());
        assertEquals(List.of("a=1; b=2; c=3"), originReceived(path).headers("cookie"));
    }

    // --- 6: credential separators, over HTTP/2 cookie crumbs ------------------------------------------------

    @Test
    void aCommaHiddenCookieInAnotherCrumbIsAmbiguous() {
        int before = gateway.upstream().requests();
        RawH2.Response r = h2.exchange(get("/ctoken/h2-crumbs", "cookie", "x=1, session=EVIL",
                "cookie", "session=" + gateway.token("alice")), null);
        assertEquals(401, r.status());
        assertEquals("authentication failure: ambiguous credentials", r.bodyText());
        assertEquals(before, gateway.upstream().requests());
    }

    // --- 7: a 101 to a plain request ----------------------------------------------------------------------

    @Test
    void aSwitchingProtocolsAnswerToAPlainRequestIs502AndItsConnectionIsNeverUsedAgain() {
        RawH2.Response r = h2.exchange(get(uniquePath("/raw") + "/101"), null);
        assertEquals(502, r.status(), r::toString);
        assertEquals("bad gateway", r.bodyText());
        given().get(uniquePath("/raw") + "/101").then().statusCode(502);
        // Later requests go on other connections: nothing more is written to one that switched protocols.
        for (int i = 0; i < 3; i++) {
            assertEquals(200, h2.exchange(get(uniquePath("/raw")), null).status());
        }
        assertEquals("", origin().upgradedBytes());
    }

    // --- what already held: the codec's own refusals --------------------------------------------------------

    static Stream<Arguments> codecRefusals() {
        String a = "localhost";
        return Stream.of(
                arguments("connection header", fields(":method", "GET", ":scheme", "http", ":authority", a, ":path", "P",
                        "connection", "keep-alive")),
                arguments("transfer-encoding", fields(":method", "GET", ":scheme", "http", ":authority", a, ":path", "P",
                        "transfer-encoding", "chunked")),
                arguments("keep-alive", fields(":method", "GET", ":scheme", "http", ":authority", a, ":path", "P",
                        "keep-alive", "timeout=5")),
                arguments("proxy-connection", fields(":method", "GET", ":scheme", "http", ":authority", a, ":path", "P",
                        "proxy-connection", "keep-alive")),
                arguments("upgrade", fields(":method", "GET", ":scheme", "http", ":authority", a, ":path", "P",
                        "upgrade", "websocket")),
                arguments("te other than trailers", fields(":method", "GET", ":scheme", "http", ":authority", a,
                        ":path", "P", "te", "gzip")),
                arguments("two :path", fields(":method", "GET", ":scheme", "http", ":authority", a, ":path", "P",
                        ":path", "/raw/other")),
                arguments("two :method", fields(":method", "GET", ":method", "POST", ":scheme", "http",
                        ":authority", a, ":path", "P")),
                arguments("no :path", fields(":method", "GET", ":scheme", "http", ":authority", a, "x-p", "P")),
                arguments("empty :path", fields(":method", "GET", ":scheme", "http", ":authority", a, ":path", "",
                        "x-p", "P")),
                arguments("no :method", fields(":scheme", "http", ":authority", a, ":path", "P")),
                arguments("no :scheme", fields(":method", "GET", ":authority", a, ":path", "P")),
                arguments("pseudo-header after a regular one", fields(":method", "GET", ":scheme", "http",
                        "x-a", "1", ":authority", a, ":path", "P")),
                arguments("unknown pseudo-header", fields(":method", "GET", ":scheme", "http", ":authority", a,
                        ":path", "P", ":foo", "bar")),
                arguments("response pseudo-header", fields(":method", "GET", ":scheme", "http", ":authority", a,
                        ":path", "P", ":status", "200")));
    }

    private static List<Map.Entry<String, String>> fields(String... nameValues) {
        return RawH2.fields(nameValues);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource
    void codecRefusals(String name, List<Map.Entry<String, String>> template) {
        String path = uniquePath("/raw");
        List<Map.Entry<String, String>> request = template.stream()
                .map(e -> e.getValue().equals("P") ? Map.entry(e.getKey(), path) : e).toList();
        RawH2.Response r = h2.exchange(request, null);
        assertNotEquals(200, r.status(), name + ": " + r);
        assertTrue(r.reset() != null || r.goAway() || r.status() == 400, name + ": refused, " + r);
        assertFalse(originSaw(path), name + ": nothing may reach the origin");
    }

    static Stream<Arguments> paths() {
        return Stream.of(
                // :path as sent, what the origin's request line carries (null: refused with 400)
                arguments("/raw/a/../b", "/raw/b"),
                arguments("/raw/%61", "/raw/a"),
                arguments("/raw//x", "/raw/x"),
                arguments("/raw/%2e%2e/raw/y", "/raw/y"),
                arguments("/raw/q?x=%41;y", "/raw/q?x=%41;y"),
                arguments("/raw/%2Fadmin", null),
                arguments("/raw/a%00", null),
                arguments("/raw/a;jsessionid=1", null),
                arguments("raw/no-slash", null),
                arguments("*", null),
                arguments("http://evil.example/raw/x", null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource
    void paths(String sent, String forwarded) {
        origin().clear();
        RawH2.Response r = h2.exchange(get(sent), null);
        if (forwarded == null) {
            // 400 from the canonicalisation; a :path that is no origin-form path ("*", "raw/x") never reaches a
            // route (Vert.x's router answers 404).
            assertTrue(r.status() == 400 || r.status() == 404, sent + ": " + r);
            assertTrue(origin().requests().isEmpty(), sent + " never reaches the origin");
        } else {
            assertEquals(200, r.status(), sent + ": " + r);
            List<RawOrigin.Received> seen = origin().awaitRequests(1, Duration.ofSeconds(5));
            assertEquals(forwarded, seen.get(seen.size() - 1).target());
        }
    }

    @Test
    void aContentLengthThatDisagreesWithTheDataIsNeverForwardedWhole() {
        for (boolean longer : List.of(true, false)) {
            String path = uniquePath("/raw");
            int id = h2.nextStreamId();
            h2.headers(id, RawH2.request("POST", "http", authority(), path, "content-length", "5"), false);
            h2.data(id, (longer ? "0123456789" : "012").getBytes(StandardCharsets.US_ASCII), true);
            RawH2.Response r = h2.await(id, Duration.ofSeconds(5));
            assertNotEquals(200, r.status(), "content-length 5, " + (longer ? 10 : 3) + " bytes: " + r);
            origin().requests().stream().filter(x -> x.target().startsWith(path))
                    .forEach(x -> assertNotEquals(longer ? 10 : 3, x.body().length, "never forwarded whole"));
        }
        awaitLeased(0);
    }

    @Test
    void aContinuationFloodEndsTheConnectionAndOthersAreServed() {
        int id = h2.nextStreamId();
        byte[] first = H2Wire.literalBlock(get(uniquePath("/raw")));
        ByteArrayOutputStream flood = new ByteArrayOutputStream();
        flood.writeBytes(H2Wire.frame(H2Wire.HEADERS, H2Wire.FLAG_END_STREAM, id, first));
        byte[] junk = H2Wire.literalBlock(RawH2.fields("x-junk", "j".repeat(4000)));
        for (int i = 0; i < 200; i++) {
            flood.writeBytes(H2Wire.frame(H2Wire.CONTINUATION, 0, id, junk));
        }
        try {
            h2.raw(flood.toByteArray());
        } catch (java.io.UncheckedIOException cut) {
            // The proxy closed the connection while the flood was still being written: cut, as it should be.
        }
        RawH2.Response r = h2.await(id, Duration.ofSeconds(10));
        assertNotEquals(200, r.status());
        assertTrue(r.goAway() || r.closed() || r.reset() != null, "the flood is cut: " + r);
        try (RawH2 other = RawH2.connect(RestAssured.port)) {
            assertEquals(200, other.exchange(get(uniquePath("/raw")), null).status());
        }
    }

    @Test
    void aRapidResetFloodIsCutAndEveryLeaseComesBack() {
        ByteArrayOutputStream flood = new ByteArrayOutputStream();
        for (int i = 0; i < 1000; i++) {
            int id = h2.nextStreamId();
            flood.writeBytes(H2Wire.frame(H2Wire.HEADERS, H2Wire.FLAG_END_HEADERS | H2Wire.FLAG_END_STREAM, id,
                    H2Wire.literalBlock(get("/raw/rapid-reset/hang"))));
            flood.writeBytes(H2Wire.frame(H2Wire.RST_STREAM, 0, id, H2Wire.int32(H2Wire.CANCEL)));
        }
        h2.raw(flood.toByteArray());
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (h2.goAway() == null && !h2.isClosed() && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertTrue(h2.goAway() != null || h2.isClosed(), "the flooding connection is sent away");
        awaitLeased(0);
        try (RawH2 other = RawH2.connect(RestAssured.port)) {
            assertEquals(200, other.exchange(get(uniquePath("/raw")), null).status());
        }
    }

    // --- the lease invariant, and a load of malformed requests --------------------------------------------------

    @Test
    void tenThousandMalformedRequestsInterleavedWithValidOnesLeaveEveryRouteAnswering() throws Exception {
        List<List<Map.Entry<String, String>>> malformed = List.of(
                get("/raw/load", "x-a", "v\u0000"),
                get("/raw/load", "x-a", "v\r\n Transfer-Encoding: chunked"),
                get("/raw/load", "x:a", "v"),
                get("/raw/load", "x-a", "v\u0001"),
                RawH2.request("GET", "javascript", authority(), "/raw/load"),
                get("/raw/%2Fload"));
        int connections = 10;
        int perConnection = 1000;
        List<Thread> threads = new ArrayList<>();
        AtomicInteger malformedAnswered = new AtomicInteger();
        AtomicInteger validAnswered = new AtomicInteger();
        List<String> unexpected = new java.util.concurrent.CopyOnWriteArrayList<>();
        for (int c = 0; c < connections; c++) {
            int offset = c;
            Thread t = new Thread(() -> {
                try (RawH2 client = RawH2.connect(RestAssured.port)) {
                    // In windows of 50 streams (half the announced limit), every other one malformed.
                    for (int base = 0; base < perConnection; base += 50) {
                        List<int[]> sent = new ArrayList<>();
                        for (int i = base; i < base + 50; i++) {
                            int id = client.nextStreamId();
                            boolean bad = i % 2 == 0;
                            client.headers(id, bad ? malformed.get((i / 2 + offset) % malformed.size())
                                    : get("/raw/load/ok"), true);
                            sent.add(new int[] {id, bad ? 1 : 0});
                        }
                        for (int[] s : sent) {
                            RawH2.Response r = client.await(s[0], Duration.ofSeconds(20));
                            if (s[1] == 1 && r.status() == 400) {
                                malformedAnswered.incrementAndGet();
                            } else if (s[1] == 0 && r.status() == 200) {
                                validAnswered.incrementAndGet();
                            } else {
                                unexpected.add((s[1] == 1 ? "malformed " : "valid ") + r);
                            }
                        }
                    }
                }
            });
            threads.add(t);
            t.start();
        }
        for (Thread t : threads) {
            t.join(Duration.ofMinutes(3).toMillis());
        }
        assertEquals(List.of(), unexpected.stream().limit(5).toList());
        assertEquals(connections * perConnection / 2, malformedAnswered.get());
        assertEquals(connections * perConnection / 2, validAnswered.get());
        assertTrue(origin().requests().stream().noneMatch(r -> !r.target().startsWith("/raw/load/ok")
                && r.target().startsWith("/raw/load")), "no malformed request reached the origin");
        awaitLeased(0);
        // Every route answers at once (each well within its timeout).
        long started = System.nanoTime();
        given().get("/open/after-load").then().statusCode(200);
        given().header("authorization", "Bearer " + gateway.token("alice")).get("/strict/after-load").then().statusCode(200);
        given().get("/raw/after-load").then().statusCode(200);
        assertEquals(200, h2.exchange(get("/raw/after-load-h2"), null).status());
        assertTrue(System.nanoTime() - started < Duration.ofSeconds(5).toNanos(), "answered at once");
    }

    /** Waits until {@code edgeproxy_upstream_leased} reads {@code expected}. */
    static void awaitLeased(long expected) {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        double last = -1;
        while (System.nanoTime() < deadline) {
            last = leased();
            if (last == expected) {
                return;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        assertEquals(expected, last, "edgeproxy_upstream_leased");
    }

    static double leased() {
        String metrics = given().port(GatewayTestResource.MANAGEMENT_PORT).get("/q/metrics").then().statusCode(200)
                .extract().asString();
        return metrics.lines().filter(l -> l.startsWith("edgeproxy_upstream_leased ")).findFirst()
                .map(l -> Double.parseDouble(l.substring(l.indexOf(' ') + 1).strip()))
                .orElseThrow(() -> new AssertionError("no edgeproxy_upstream_leased in /q/metrics"));
    }
}
