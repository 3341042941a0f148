package dev.edgeproxy.testing;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http2.DefaultHttp2HeadersDecoder;
import io.netty.handler.codec.http2.Http2Headers;
import io.vertx.core.Vertx;
import io.vertx.core.http.Http2Settings;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.StreamResetException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static dev.edgeproxy.testing.Eventually.assertEventually;
import static dev.edgeproxy.testing.RawH2.request;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * RawH2 against a real HTTP/2 server (Vert.x, h2c with prior knowledge and TLS with ALPN) that answers every
 * request with a JSON echo of what it received: the tool must get through to a correct server before its
 * findings against the proxy mean anything.
 */
class RawH2Test {

    private static final Duration WAIT = Duration.ofSeconds(5);

    private static Vertx vertx;
    private static HttpServer h2c;
    private static HttpServer tls;
    /** Error codes of the client resets the server saw on {@code /wait}. */
    private static final BlockingQueue<Long> resetsSeen = new LinkedBlockingQueue<>();

    @BeforeAll
    static void start() {
        vertx = Vertx.vertx();
        h2c = listen(new HttpServerOptions()
                .setHttp2ClearTextEnabled(true)
                .setInitialSettings(new Http2Settings().setMaxConcurrentStreams(7).setMaxHeaderListSize(12345)));
        TestCertificates ca = TestCertificates.authority("RawH2Test CA");
        tls = listen(new HttpServerOptions()
                .setSsl(true)
                .setUseAlpn(true)
                .setKeyCertOptions(ca.server("localhost").keyCertOptions()));
    }

    private static HttpServer listen(HttpServerOptions options) {
        return vertx.createHttpServer(options).requestHandler(RawH2Test::echo).listen(0, "127.0.0.1")
                .toCompletionStage().toCompletableFuture().join();
    }

    @AfterAll
    static void stop() {
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }

    /**
     * {@code /wait}: never answers, records a client reset; {@code /reset-me}: resets with ENHANCE_YOUR_CALM;
     * {@code /big}: 1000 bytes; anything else: the request as JSON.
     */
    private static void echo(HttpServerRequest request) {
        switch (request.path()) {
            case "/wait" -> request.exceptionHandler(e -> {
                if (e instanceof StreamResetException reset) {
                    resetsSeen.add(reset.getCode());
                }
            });
            case "/reset-me" -> request.response().reset(H2Wire.ENHANCE_YOUR_CALM);
            case "/big" -> request.response().end("x".repeat(1000));
            default -> request.body().onSuccess(body -> {
                JsonArray headers = new JsonArray();
                request.headers().forEach(e -> headers.add(new JsonArray().add(e.getKey()).add(e.getValue())));
                request.response().putHeader("content-type", "application/json").end(new JsonObject()
                        .put("method", request.method().name())
                        .put("path", request.path())
                        .put("version", request.version().name())
                        .put("connection", request.connection().remoteAddress().port())
                        .put("headers", headers)
                        .put("body", body.toString(StandardCharsets.ISO_8859_1))
                        .encode());
            });
        }
    }

    private static JsonObject json(RawH2.Response response) {
        return new JsonObject(response.bodyText());
    }

    private static boolean hasHeader(JsonObject echo, String name, String value) {
        return echo.getJsonArray("headers").stream()
                .map(JsonArray.class::cast)
                .anyMatch(h -> h.getString(0).equalsIgnoreCase(name) && h.getString(1).equals(value));
    }

    @Test
    void encodesLiteralFieldsByteForByte() throws Exception {
        byte[] block = H2Wire.literalBlock(RawH2.fields("X:a b", "\r\n\0\u00ff", "n", "v".repeat(127)));

        byte[] expectedStart = {0x00, 5, 'X', ':', 'a', ' ', 'b', 4, '\r', '\n', 0, (byte) 0xff, 0x00, 1, 'n', 0x7f, 0x00};
        assertArrayEquals(expectedStart, Arrays.copyOf(block, expectedStart.length));
        assertEquals(expectedStart.length + 127, block.length);
        // Netty's decoder (not validating) reads the block back as written: it is well-formed HPACK.
        ByteBuf buffer = Unpooled.wrappedBuffer(block);
        Http2Headers decoded = new DefaultHttp2HeadersDecoder(false).decodeHeaders(1, buffer);
        buffer.release();
        assertEquals("\r\n\0\u00ff", decoded.get("X:a b").toString());
        assertEquals("v".repeat(127), decoded.get("n").toString());
    }

    @Test
    void getsTheEchoOverH2c() {
        try (RawH2 client = RawH2.connect(h2c.actualPort())) {
            RawH2.Response response = client.exchange(
                    request("GET", "http", "localhost", "/hello", "x-test", "a b"), null);

            assertEquals(200, response.status());
            assertTrue(response.endStream());
            assertFalse(response.timedOut());
            assertNull(response.reset());
            assertEquals("application/json", response.header("content-type"));
            JsonObject echo = json(response);
            assertEquals("/hello", echo.getString("path"));
            assertEquals("HTTP_2", echo.getString("version"));
            assertTrue(hasHeader(echo, "x-test", "a b"), echo.encode());
        }
    }

    @Test
    void sendsABodyInDataFrames() {
        try (RawH2 client = RawH2.connect(h2c.actualPort())) {
            int id = client.nextStreamId();
            client.headers(id, request("POST", "http", "localhost", "/body"), false);
            client.data(id, "hello ".getBytes(StandardCharsets.US_ASCII), false);
            client.data(id, "world".getBytes(StandardCharsets.US_ASCII), true);

            RawH2.Response response = client.await(id, WAIT);
            assertEquals(200, response.status());
            assertEquals("hello world", json(response).getString("body"));
        }
    }

    @Test
    void carriesTwoStreamsOnOneConnection() {
        try (RawH2 client = RawH2.connect(h2c.actualPort())) {
            int first = client.nextStreamId();
            int second = client.nextStreamId();
            client.headers(first, request("POST", "http", "localhost", "/first"), false);
            client.headers(second, request("POST", "http", "localhost", "/second"), false);
            // Finished in the other order: the answers are told apart by stream, not by arrival.
            client.data(second, "2".getBytes(StandardCharsets.US_ASCII), true);
            client.data(first, "1".getBytes(StandardCharsets.US_ASCII), true);

            JsonObject one = json(client.await(first, WAIT));
            JsonObject two = json(client.await(second, WAIT));
            assertEquals(List.of(1, 3), List.of(first, second));
            assertEquals("/first", one.getString("path"));
            assertEquals("1", one.getString("body"));
            assertEquals("/second", two.getString("path"));
            assertEquals("2", two.getString("body"));
            assertEquals(one.getInteger("connection"), two.getInteger("connection"));
        }
    }

    @Test
    void readsTheServerSettingsAndAcksBothWays() {
        try (RawH2 client = RawH2.connect(h2c.actualPort(), Map.of(H2Wire.SETTINGS_ENABLE_PUSH, 0L))) {
            Map<Integer, Long> settings = client.serverSettings();
            assertEquals(7L, settings.get(H2Wire.SETTINGS_MAX_CONCURRENT_STREAMS));
            assertEquals(12345L, settings.get(H2Wire.SETTINGS_MAX_HEADER_LIST_SIZE));
            assertEventually(WAIT, () -> assertEquals(1, client.settingsAcks()));
            // Our ACK of the server's SETTINGS went out: the connection is usable.
            assertEquals(200, client.exchange(request("GET", "http", "localhost", "/"), null).status());
        }
    }

    @Test
    void resetsAStream() throws InterruptedException {
        resetsSeen.clear();
        try (RawH2 client = RawH2.connect(h2c.actualPort())) {
            int id = client.nextStreamId();
            client.headers(id, request("POST", "http", "localhost", "/wait"), false);
            client.rstStream(id, H2Wire.CANCEL);

            assertEquals(H2Wire.CANCEL, resetsSeen.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS));
            // The connection outlives the stream.
            assertEquals(200, client.exchange(request("GET", "http", "localhost", "/"), null).status());
        }
    }

    @Test
    void seesTheServerResetAStream() {
        try (RawH2 client = RawH2.connect(h2c.actualPort())) {
            RawH2.Response response = client.exchange(request("GET", "http", "localhost", "/reset-me"), null);

            assertEquals(H2Wire.ENHANCE_YOUR_CALM, response.reset());
            assertEquals(0, response.status());
            assertFalse(response.timedOut());
        }
    }

    @Test
    void splitsAHeaderBlockOverContinuationFrames() {
        try (RawH2 client = RawH2.connect(h2c.actualPort())) {
            int id = client.nextStreamId();
            String value = "v".repeat(300);
            client.headers(id, request("GET", "http", "localhost", "/split", "x-long", value), true, 4);

            RawH2.Response response = client.await(id, WAIT);
            assertEquals(200, response.status());
            assertTrue(hasHeader(json(response), "x-long", value));
        }
    }

    @Test
    void sendsWhatAClientLibraryWouldNot() {
        // Upper case in a name is malformed in HTTP/2 (RFC 9113 8.2.1): a correct server resets the stream,
        // which shows the name went out as written.
        try (RawH2 client = RawH2.connect(h2c.actualPort())) {
            RawH2.Response response = client.exchange(
                    request("GET", "http", "localhost", "/", "X-Upper", "a"), null);

            assertEquals(H2Wire.PROTOCOL_ERROR, response.reset(), response.toString());
        }
    }

    @Test
    void leavesTheWindowClosedWhenToldTo() {
        try (RawH2 client = RawH2.connect(h2c.actualPort(), Map.of(H2Wire.SETTINGS_INITIAL_WINDOW_SIZE, 0L))) {
            client.autoWindowUpdate(false);
            int id = client.nextStreamId();
            client.headers(id, request("GET", "http", "localhost", "/big"), true);

            RawH2.Response stalled = client.await(id, Duration.ofMillis(300));
            assertTrue(stalled.timedOut());
            assertEquals(200, stalled.status(), "HEADERS are not flow controlled");
            assertEquals(0, stalled.body().length);

            client.windowUpdate(id, 1000);
            RawH2.Response done = client.await(id, WAIT);
            assertFalse(done.timedOut());
            assertArrayEquals("x".repeat(1000).getBytes(StandardCharsets.US_ASCII), done.body());
        }
    }

    @Test
    void readsAGoAway() {
        try (RawH2 client = RawH2.connect(h2c.actualPort())) {
            client.data(0, new byte[] {1}, false); // DATA on stream 0 is a connection error

            assertEventually(WAIT, () -> assertNotNull(client.goAway()));
            assertEquals(H2Wire.PROTOCOL_ERROR, client.goAway().errorCode());
            RawH2.Response after = client.await(client.nextStreamId(), WAIT);
            assertTrue(after.goAway());
        }
    }

    @Test
    void getsPingsAnswered() {
        try (RawH2 client = RawH2.connect(h2c.actualPort())) {
            client.ping(42);
            assertEventually(WAIT, () -> assertEquals(1, client.pongs()));
        }
    }

    @Test
    void speaksH2OverTlsWithAlpn() {
        try (RawH2 client = RawH2.connectTls(tls.actualPort(), "localhost", Map.of())) {
            RawH2.Response response = client.exchange(request("GET", "https", "localhost", "/tls"), null);

            assertEquals(200, response.status());
            assertEquals("HTTP_2", json(response).getString("version"));
            assertEquals("/tls", json(response).getString("path"));
        }
    }
}
