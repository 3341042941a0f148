package dev.edgeproxy.e2e;

import dev.edgeproxy.testing.OnContext;
import dev.edgeproxy.testing.RawHttp;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The request head and body seams, over raw sockets and HTTP/2: one authority, framing the origin reads
 * the same way, bodies that arrive whole whatever their framing (or not at all past the route's limit),
 * streams that break visibly, and the headers a client must never supply.
 */
@QuarkusTest
@QuarkusTestResource(GatewayTestResource.class)
class FramingEndToEndTest {

    private static final int TWENTY_MB = 20 * 1024 * 1024;
    private static Vertx vertx;

    @InjectGateway
    GatewayFixture gateway;

    @BeforeAll
    static void startClient() {
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void stopClient() {
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }

    private static RawHttp.Response raw(String request) {
        return RawHttp.exchange(RestAssured.port, request);
    }

    // --- Host and framing --------------------------------------------------------------------------

    @Test
    void twoHostHeadersAre400() {
        RawHttp.Response r = raw("GET /open/x HTTP/1.1\r\nHost: localhost\r\nHost: evil.example\r\n\r\n");
        assertEquals(400, r.status());
        assertEquals("bad request: more than one Host header", r.bodyText());
        assertEquals("close", r.header("connection"));
    }

    @Test
    void invalidHostIs400() {
        for (String host : List.of("a b", "evil.example/x", "h:99999", "user@h")) {
            RawHttp.Response r = raw("GET /open/x HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n");
            assertEquals(400, r.status(), host);
        }
    }

    @Test
    void transferCodingsOtherThanChunkedAre501() {
        for (String coding : List.of("gzip, chunked", "chunked, chunked", "xchunked", "identity")) {
            int before = gateway.upstream().requests();
            RawHttp.Response r = raw("POST /open/x HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: " + coding
                    + "\r\n\r\n5\r\nhello\r\n0\r\n\r\n");
            assertEquals(501, r.status(), coding);
            assertEquals("not implemented: transfer codings other than chunked", r.bodyText());
            assertEquals(before, gateway.upstream().requests(), coding + " must not reach the origin");
        }
    }

    @Test
    void contentLengthWithTransferEncodingIs400() {
        RawHttp.Response r = raw("POST /open/x HTTP/1.1\r\nHost: localhost\r\nContent-Length: 5\r\n"
                + "Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n");
        assertEquals(400, r.status());
    }

    @Test
    void chunkedBodyArrivesChunkedWithoutAContentLength() {
        RawHttp.Response r = raw("POST /open/x HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n"
                + "Connection: close\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n");
        JsonPath seen = JsonPath.from(r.bodyText());
        assertEquals(200, r.status());
        assertEquals(11, seen.getInt("bodyBytes"));
        assertNull(seen.get("headers.content-length"));
        assertEquals(List.of("chunked"), seen.getList("headers.transfer-encoding"));
    }

    // --- bodies ---------------------------------------------------------------------------------

    @Test
    void twentyMegabytesArriveWholeWithContentLength() throws Exception {
        byte[] body = EchoUpstream.content(TWENTY_MB);
        JsonPath seen = given().body(body).contentType("application/octet-stream").post("/open/upload")
                .then().statusCode(200).extract().jsonPath();
        assertEquals(TWENTY_MB, seen.getInt("bodyBytes"));
        assertEquals(sha256(body), seen.getString("bodySha256"));
        assertEquals(List.of(String.valueOf(TWENTY_MB)), seen.getList("headers.content-length"));
    }

    @Test
    void twentyMegabytesArriveWholeChunked() throws Exception {
        byte[] body = EchoUpstream.content(TWENTY_MB);
        try (Socket socket = new Socket("127.0.0.1", RestAssured.port)) {
            OutputStream out = socket.getOutputStream();
            out.write(("POST /open/upload HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n"
                    + "Connection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            int chunk = 1 << 16;
            for (int off = 0; off < body.length; off += chunk) {
                int n = Math.min(chunk, body.length - off);
                out.write((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
                out.write(body, off, n);
                out.write("\r\n".getBytes(StandardCharsets.ISO_8859_1));
            }
            out.write("0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            RawHttp.Response r = RawHttp.read(socket.getInputStream());
            JsonPath seen = JsonPath.from(r.bodyText());
            assertEquals(200, r.status());
            assertEquals(TWENTY_MB, seen.getInt("bodyBytes"));
            assertEquals(sha256(body), seen.getString("bodySha256"));
        }
    }

    @Test
    @Tag("http2")
    void http2BodiesArriveWholeWithAndWithoutContentLength() throws Exception {
        byte[] small = "twenty-seven bytes of body".concat("!").getBytes(StandardCharsets.UTF_8);
        byte[] large = EchoUpstream.content(TWENTY_MB);
        HttpClient h2 = vertx.createHttpClient(new HttpClientOptions()
                .setProtocolVersion(HttpVersion.HTTP_2).setHttp2ClearTextUpgrade(false));
        try {
            for (byte[] body : List.of(small, large)) {
                for (boolean declared : List.of(true, false)) {
                    JsonPath seen = JsonPath.from(h2Post(h2, "/open/upload", body, declared));
                    String label = body.length + " bytes, content-length " + (declared ? "sent" : "absent");
                    assertEquals(body.length, seen.getInt("bodyBytes"), label);
                    assertEquals(sha256(body), seen.getString("bodySha256"), label);
                }
            }
            // A request without a body stays without one.
            JsonPath seen = JsonPath.from(h2Get(h2, "/open/nobody"));
            assertEquals(0, seen.getInt("bodyBytes"));
            assertNull(seen.get("headers.transfer-encoding"));
        } finally {
            h2.close();
        }
    }

    @Test
    @Tag("http2")
    void bodiesPastTheRouteLimitAre413WhateverTheirFraming() throws Exception {
        int before = gateway.upstream().requests();
        byte[] body = EchoUpstream.content(2 * 1024 * 1024);
        // Declared: refused before anything is read or forwarded.
        given().body(body).post("/limited/x").then().statusCode(413);
        assertEquals(before, gateway.upstream().requests());
        // Under the limit: forwarded.
        given().body(EchoUpstream.content(1024)).post("/limited/x").then().statusCode(200);
        // Chunked: stopped while streaming; the origin never gets the end of it.
        try (Socket socket = new Socket("127.0.0.1", RestAssured.port)) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /limited/chunked HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            RawHttp.Response r = writeChunksUntilAnswered(socket, out, body);
            assertEquals(413, r.status());
            assertEquals("payload too large", r.bodyText());
        }
        // HTTP/2 without content-length: the same.
        HttpClient h2 = vertx.createHttpClient(new HttpClientOptions()
                .setProtocolVersion(HttpVersion.HTTP_2).setHttp2ClearTextUpgrade(false));
        try {
            int status = h2Status(h2, "/limited/h2", body);
            assertEquals(413, status);
        } finally {
            h2.close();
        }
        assertFalse(gateway.upstream().completedPaths().contains("/limited/chunked"));
        assertFalse(gateway.upstream().completedPaths().contains("/limited/h2"));
    }

    // --- broken streams -------------------------------------------------------------------------

    @Test
    void anOriginFailingMidResponseReachesTheClientBroken() {
        for (String path : List.of("/open/truncate", "/open/truncate-chunked")) {
            RawHttp.Response r = raw("GET " + path + " HTTP/1.1\r\nHost: localhost\r\n\r\n");
            assertEquals(200, r.status(), path);
            assertFalse(r.complete(), path + " must not look complete (got " + r.body().length + " bytes)");
            assertTrue(r.body().length < 100_000, path);
        }
    }

    @Test
    void aClientBodyBrokenOffNeverReachesTheOriginAsComplete() throws Exception {
        for (String framing : List.of("chunked", "length")) {
            String path = "/open/broken-" + framing;
            try (Socket socket = new Socket("127.0.0.1", RestAssured.port)) {
                OutputStream out = socket.getOutputStream();
                String head = "POST " + path + " HTTP/1.1\r\nHost: localhost\r\n"
                        + (framing.equals("chunked") ? "Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n"
                        : "Content-Length: 1000\r\n\r\nhello");
                out.write(head.getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
                awaitPath(path);
            }
            // The client is gone mid-body: the origin's request must be reset, not ended.
            Thread.sleep(500);
            assertFalse(gateway.upstream().completedPaths().contains(path), framing);
        }
    }

    // --- headers a client must not supply --------------------------------------------------------

    @Test
    void identityAndForwardingHeadersFromTheClientNeverReachTheOrigin() {
        String[] spoofed = {"x-user-id", "x-user", "x-route", "forwarded", "x-real-ip", "x-original-url",
                "x-rewrite-url"};
        String token = gateway.token("alice", "admins");
        for (String route : List.of("/open/x", "/optional/x", "/permissive/x", "/strict/x")) {
            var request = given().header("x-forwarded-host", "evil.example").header("x-forwarded-proto", "https");
            for (String name : spoofed) {
                request = request.header(name, "spoofed");
            }
            if (route.startsWith("/strict")) {
                request = request.header("authorization", "Bearer " + token);
            }
            JsonPath seen = request.get(route).then().statusCode(200).extract().jsonPath();
            for (String name : spoofed) {
                List<String> values = seen.getList("headers." + name);
                assertTrue(values == null || !values.contains("spoofed"), route + ": " + name + " = " + values);
            }
            assertEquals(List.of("localhost:" + RestAssured.port), seen.getList("headers.x-forwarded-host"), route);
            assertEquals(List.of("http"), seen.getList("headers.x-forwarded-proto"), route);
        }
    }

    // --- helpers --------------------------------------------------------------------------------

    private void awaitPath(String path) throws InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(10));
        while (!gateway.upstream().paths().contains(path)) {
            assertTrue(Instant.now().isBefore(deadline), path + " never reached the origin");
            Thread.sleep(20);
        }
    }

    /** Writes the body as chunks until the proxy answers (or the body is all written), then reads the answer. */
    private static RawHttp.Response writeChunksUntilAnswered(Socket socket, OutputStream out, byte[] body)
            throws IOException {
        InputStream in = socket.getInputStream();
        int chunk = 1 << 16;
        try {
            for (int off = 0; off < body.length && in.available() == 0; off += chunk) {
                int n = Math.min(chunk, body.length - off);
                out.write((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
                out.write(body, off, n);
                out.write("\r\n".getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
            }
        } catch (IOException e) {
            // the proxy may close the connection after its answer, while we are still writing
        }
        return RawHttp.read(in);
    }

    private static String h2Post(HttpClient client, String path, byte[] body, boolean declared) throws Exception {
        return OnContext.await(vertx, Duration.ofSeconds(60), () -> client.request(new RequestOptions()
                        .setMethod(HttpMethod.POST).setPort(RestAssured.port).setHost("localhost").setURI(path))
                .compose(req -> {
                    if (declared) {
                        req.putHeader("content-length", String.valueOf(body.length));
                    } else {
                        req.setChunked(true);
                    }
                    int chunk = 1 << 16;
                    for (int off = 0; off < body.length; off += chunk) {
                        req.write(Buffer.buffer().appendBytes(body, off, Math.min(chunk, body.length - off)));
                    }
                    return req.end().compose(v -> req.response());
                })
                .compose(HttpClientResponse::body)
                .map(Buffer::toString));
    }

    private static int h2Status(HttpClient client, String path, byte[] body) throws Exception {
        return OnContext.await(vertx, Duration.ofSeconds(60), () -> client.request(new RequestOptions()
                        .setMethod(HttpMethod.POST).setPort(RestAssured.port).setHost("localhost").setURI(path))
                .compose(req -> {
                    req.setChunked(true);
                    req.write(Buffer.buffer(body));
                    req.end();
                    return req.response();
                })
                .map(HttpClientResponse::statusCode));
    }

    private static String h2Get(HttpClient client, String path) throws Exception {
        return OnContext.await(vertx, Duration.ofSeconds(30), () -> client.request(new RequestOptions()
                        .setMethod(HttpMethod.GET).setPort(RestAssured.port).setHost("localhost").setURI(path))
                .compose(req -> req.send().compose(HttpClientResponse::body))
                .map(Buffer::toString));
    }

    private static String sha256(byte[] body) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
    }
}
