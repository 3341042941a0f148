package dev.edgeproxy.proxy;

import dev.edgeproxy.error.GatewayError;
import dev.edgeproxy.http.HopByHop;
import dev.edgeproxy.jwt.JwtAuthenticator;
import dev.edgeproxy.route.Route;
import dev.edgeproxy.testing.Configs;
import dev.edgeproxy.testing.HeaderCarrier;
import dev.edgeproxy.testing.OnContext;
import dev.edgeproxy.testing.RawHttp;
import dev.edgeproxy.testing.TestKeys;
import dev.edgeproxy.testing.Tokens;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.http.WebSocketFrameType;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jwt.JwtClaims;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.edgeproxy.testing.Eventually.assertEventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link WebSocketTunnel} between real parts: a Vert.x server playing the proxy (it hands every request to
 * the tunnel, as the pipeline does once a request is allowed), Vert.x or raw-socket origins, and Vert.x or
 * raw-socket clients. The end-to-end behaviour behind a JWT route is in {@code WebSocketEndToEndTest}; here are
 * the edges: sides that vanish, origins that never answer, pings, a slow origin, a broken handshake.
 */
class WebSocketTunnelTest {

    private static final long WAIT_SECONDS = 20;
    private static final String GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

    private static Vertx vertx;
    private static WebSocketClient client;

    private final Queue<String> events = new ConcurrentLinkedQueue<>();
    private final List<AutoCloseable> servers = new ArrayList<>();
    private int proxyPort;

    @BeforeAll
    static void start() {
        vertx = Vertx.vertx();
        client = vertx.createWebSocketClient();
    }

    @AfterAll
    static void stop() {
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }

    @AfterEach
    void closeServers() throws Exception {
        for (AutoCloseable server : servers) {
            server.close();
        }
    }

    /** The proxy in front of {@code originPort}, with a short handshake timeout and a long idle timeout. */
    private void proxyTo(int originPort) {
        proxyTo(originPort, request -> CompletableFuture.completedFuture(TunnelLifetime.UNBOUNDED));
    }

    /** As above, each tunnel with the lifetime {@code lifetime} gives its request (as the pipeline does). */
    private void proxyTo(int originPort, Function<HttpServerRequest, CompletionStage<TunnelLifetime>> lifetime) {
        WebSocketClientOptions options = new WebSocketClientOptions().setConnectTimeout(2_000);
        WebSocketTunnel tunnel = new WebSocketTunnel(vertx, vertx.createWebSocketClient(options));
        HttpServer proxy = vertx.createHttpServer().requestHandler(request -> {
            request.pause();
            lifetime.apply(request).thenAccept(l -> open(tunnel, request, originPort, l));
        }).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().join();
        servers.add(() -> proxy.close().toCompletionStage().toCompletableFuture().join());
        proxyPort = proxy.actualPort();
    }

    private void open(WebSocketTunnel tunnel, HttpServerRequest request, int originPort, TunnelLifetime lifetime) {
        MultiMap headers = MultiMap.caseInsensitiveMultiMap();
        HopByHop.copyEndToEnd(request.headers(), headers);
        tunnel.open(request, new Outbound(new Backend("127.0.0.1", originPort), request.uri(), headers,
                Duration.ofMillis(500), Route.UNLIMITED), Duration.ofMinutes(1), lifetime, new WebSocketTunnel.Session() {
                    @Override
                    public void originTook(long nanos, int status) {
                        events.add("upstream");
                    }

                    @Override
                    public void opened() {
                        events.add("opened");
                    }

                    @Override
                    public void closed() {
                        events.add("closed");
                    }

                    @Override
                    public void failed(GatewayError error) {
                        events.add("failed " + error.status());
                        if (!request.response().ended()) {
                            request.response().setStatusCode(error.status()).end(error.body());
                        }
                        request.resume();
                    }
                });
    }

    /** A Vert.x WebSocket origin; {@code onSocket} sets up each upgraded socket. */
    private int vertxOrigin(Consumer<io.vertx.core.http.ServerWebSocket> onSocket) {
        HttpServer origin = vertx.createHttpServer()
                .requestHandler(request -> request.toWebSocket().onSuccess(onSocket::accept))
                .listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().join();
        servers.add(() -> origin.close().toCompletionStage().toCompletableFuture().join());
        return origin.actualPort();
    }

    /** A TCP origin that reads the upgrade request and then does what {@code onHandshake} says. */
    private int rawOrigin(AtomicInteger requests, java.util.function.BiConsumer<NetSocket, String> onHandshake) {
        NetServer origin = vertx.createNetServer().connectHandler(socket -> {
            Buffer head = Buffer.buffer();
            boolean[] seen = {false};
            socket.handler(data -> {
                if (seen[0]) {
                    return;
                }
                head.appendBuffer(data);
                String text = head.toString(StandardCharsets.ISO_8859_1);
                if (text.contains("\r\n\r\n")) {
                    seen[0] = true;
                    requests.incrementAndGet();
                    onHandshake.accept(socket, text);
                }
            });
        }).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().join();
        servers.add(() -> origin.close().toCompletionStage().toCompletableFuture().join());
        return origin.actualPort();
    }

    private static String accept(String requestHead) throws Exception {
        Matcher m = Pattern.compile("(?i)sec-websocket-key:\\s*(\\S+)").matcher(requestHead);
        assertTrue(m.find(), "the origin is sent a key");
        byte[] sha1 = MessageDigest.getInstance("SHA-1").digest((m.group(1) + GUID).getBytes(StandardCharsets.US_ASCII));
        return Base64.getEncoder().encodeToString(sha1);
    }

    private WebSocket connect() throws Exception {
        return connect(new WebSocketConnectOptions());
    }

    private WebSocket connect(WebSocketConnectOptions options) throws Exception {
        return connect(options, ws -> { });
    }

    /**
     * Connects, with {@code onOpen} run on the socket's event loop as soon as it is open: a handler set there
     * sees everything, even a close that follows the upgrade at once (one set later from the test thread may find
     * the socket closed already).
     */
    private WebSocket connect(WebSocketConnectOptions options, java.util.function.Consumer<WebSocket> onOpen)
            throws Exception {
        // From an event-loop context: from the test's thread, Vert.x would resume the socket on one context and
        // complete the future on another, and a frame arriving with the 101 could pass before any handler.
        return OnContext.await(vertx, Duration.ofSeconds(WAIT_SECONDS),
                () -> client.connect(options.setHost("127.0.0.1").setPort(proxyPort).setURI("/t")).onSuccess(onOpen::accept));
    }

    private static String upgradeHead(String key) {
        return "GET /t HTTP/1.1\r\nHost: localhost\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n"
                + "Sec-WebSocket-Version: 13\r\n" + (key == null ? "" : "Sec-WebSocket-Key: " + key + "\r\n") + "\r\n";
    }

    // --- sides that vanish ------------------------------------------------------------------------

    @Test
    void anOriginThatVanishesWithoutACloseFrameClosesTheClientWith1014() throws Exception {
        proxyTo(rawOrigin(new AtomicInteger(), (socket, head) -> {
            try {
                socket.write("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                        + "Sec-WebSocket-Accept: " + accept(head) + "\r\n\r\n");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            // The first frame relayed to it: the origin drops the connection, no close frame.
            socket.handler(frame -> socket.close());
        }));
        WebSocket ws = connect();
        CompletableFuture<String> closed = new CompletableFuture<>();
        ws.closeHandler(v -> closed.complete(ws.closeStatusCode() + " " + ws.closeReason()));
        ws.writeTextMessage("anyone there?");
        assertEquals("1014 origin went away", closed.get(WAIT_SECONDS, TimeUnit.SECONDS));
        assertEventually(Duration.ofSeconds(WAIT_SECONDS),
                () -> assertEquals(List.of("upstream", "opened", "closed"), List.copyOf(events)));
    }

    @Test
    void aClientThatVanishesClosesTheOriginWith1001() throws Exception {
        CompletableFuture<String> originClosed = new CompletableFuture<>();
        proxyTo(vertxOrigin(ws -> ws.closeHandler(v -> originClosed.complete(ws.closeStatusCode() + " " + ws.closeReason()))));
        try (Socket socket = new Socket("127.0.0.1", proxyPort)) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(upgradeHead("dGhlIHNhbXBsZSBub25jZQ==").getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            String status = readHead(socket.getInputStream());
            assertTrue(status.startsWith("HTTP/1.1 101"), status);
        }
        assertEquals("1001 client went away", originClosed.get(WAIT_SECONDS, TimeUnit.SECONDS));
    }

    @Test
    void theOriginSeesTheUserAgentsOriginAsSentOrNone() throws Exception {
        Queue<String> seen = new ConcurrentLinkedQueue<>();
        proxyTo(vertxOrigin(ws -> {
            seen.add(String.valueOf(ws.headers().getAll("origin")));
            ws.close();
        }));
        connect(new WebSocketConnectOptions().addHeader("Origin", "https://app.example.com")).close();
        // Vert.x' client would add an Origin of its own; the proxy's must not invent one.
        connect(new WebSocketConnectOptions().setAllowOriginHeader(false)).close();
        assertEventually(Duration.ofSeconds(WAIT_SECONDS),
                () -> assertEquals(List.of("[https://app.example.com]", "[]"), List.copyOf(seen)));
    }

    // --- the lifetime -----------------------------------------------------------------------------

    /** An echoing origin that reports the close it receives ({@code code reason}). */
    private int echoOrigin(CompletableFuture<String> originClosed) {
        return vertxOrigin(ws -> {
            ws.textMessageHandler(ws::writeTextMessage);
            ws.closeHandler(v -> originClosed.complete(ws.closeStatusCode() + " " + ws.closeReason()));
        });
    }

    /** Notes {@code code reason} of the client's close in {@code seen}, and completes {@code closed} with when. */
    private static void closeOf(WebSocket ws, List<String> seen, CompletableFuture<long[]> closed) {
        ws.closeHandler(v -> {
            seen.add(ws.closeStatusCode() + " " + ws.closeReason());
            closed.complete(new long[] {System.currentTimeMillis()});
        });
    }

    @Test
    void aTunnelPastItsLifetimeIsClosedOnBothSidesWith1008EvenWhileBusy() throws Exception {
        CompletableFuture<String> originClosed = new CompletableFuture<>();
        proxyTo(echoOrigin(originClosed),
                request -> CompletableFuture.completedFuture(new TunnelLifetime(Duration.ofSeconds(1), null)));
        long before = System.currentTimeMillis();
        List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        CompletableFuture<long[]> closed = new CompletableFuture<>();
        WebSocket ws = connect(new WebSocketConnectOptions(), opened -> closeOf(opened, seen, closed));
        // Traffic all along: unlike the idle timeout, nothing postpones the lifetime.
        long chatter = vertx.setPeriodic(100, id -> {
            if (!ws.isClosed()) {
                ws.writeTextMessage("still here");
            }
        });
        try {
            long closedAt = closed.get(WAIT_SECONDS, TimeUnit.SECONDS)[0];
            assertEquals(List.of("1008 lifetime exceeded"), seen);
            assertTrue(closedAt - before >= 1000, () -> "closed after " + (closedAt - before) + " ms, before its lifetime");
        } finally {
            vertx.cancelTimer(chatter);
        }
        assertEquals("1008 lifetime exceeded", originClosed.get(WAIT_SECONDS, TimeUnit.SECONDS));
        assertEventually(Duration.ofSeconds(WAIT_SECONDS),
                () -> assertEquals(List.of("upstream", "opened", "closed"), List.copyOf(events)));
    }

    @Test
    void aTunnelWhoseTokenExpiresFirstIsClosedAtTheTokensExp() throws Exception {
        // A real JWT policy verifies the token; its claims give the tunnel its lifetime, as in the pipeline.
        KeyPair key = TestKeys.rsa2048();
        Route route = Configs.route(Configs.compile(Configs.jwtRoute(
                "inline: '" + Configs.jwksOf(key, "k1") + "'\n", "")), "r");
        JwtClaims claims = Tokens.claims("test.issuer", null);
        claims.setExpirationTime(Tokens.secondsFromNow(2));
        long exp = claims.getExpirationTime().getValue();
        String token = Tokens.sign(key.getPrivate(), AlgorithmIdentifiers.RSA_USING_SHA256, "k1", claims);
        CompletableFuture<String> originClosed = new CompletableFuture<>();
        proxyTo(echoOrigin(originClosed), request -> route.policies().find(JwtAuthenticator.class)
                .authenticate(HeaderCarrier.of(request.headers()))
                .thenApply(outcome -> {
                    assertTrue(outcome.verified(), () -> "the token verifies: " + outcome.failure());
                    return TunnelLifetime.of(Duration.ofMinutes(1), outcome.identity().claims());
                }));
        List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        CompletableFuture<long[]> closed = new CompletableFuture<>();
        connect(new WebSocketConnectOptions().addHeader("Authorization", "Bearer " + token),
                opened -> closeOf(opened, seen, closed));
        long closedAt = closed.get(WAIT_SECONDS, TimeUnit.SECONDS)[0];
        assertEquals(List.of("1008 token expired"), seen, "the token, not the minute's cap, ended it");
        // The timer runs on the monotonic clock, exp is wall-clock time: allow them a few ms apart.
        assertTrue(closedAt >= exp * 1000 - 20, () -> "closed " + (exp * 1000 - closedAt) + " ms before exp");
        assertEquals("1008 token expired", originClosed.get(WAIT_SECONDS, TimeUnit.SECONDS));
        assertEventually(Duration.ofSeconds(WAIT_SECONDS),
                () -> assertEquals(List.of("upstream", "opened", "closed"), List.copyOf(events)));
    }

    @Test
    void aDeadlineAlreadyPastAtTheUpgradeClosesTheTunnelAtOnce() throws Exception {
        // Verification allows a clock skew, so a token may be accepted a little after its exp.
        CompletableFuture<String> originClosed = new CompletableFuture<>();
        proxyTo(echoOrigin(originClosed), request -> CompletableFuture.completedFuture(
                new TunnelLifetime(Duration.ofMinutes(1), Instant.now().minusSeconds(5))));
        List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        CompletableFuture<long[]> closed = new CompletableFuture<>();
        connect(new WebSocketConnectOptions(), opened -> closeOf(opened, seen, closed));
        closed.get(WAIT_SECONDS, TimeUnit.SECONDS);
        assertEquals(List.of("1008 token expired"), seen);
        assertEquals("1008 token expired", originClosed.get(WAIT_SECONDS, TimeUnit.SECONDS));
    }

    // --- handshakes that do not happen ------------------------------------------------------------

    @Test
    void anOriginThatNeverAnswersTheUpgradeIs504AndTheClientIsNeverUpgraded() {
        proxyTo(rawOrigin(new AtomicInteger(), (socket, head) -> { }));
        RawHttp.Response r = RawHttp.exchange(proxyPort, upgradeHead("dGhlIHNhbXBsZSBub25jZQ=="));
        assertEquals(504, r.status());
        assertEquals(List.of("upstream", "failed 504"), List.copyOf(events));
    }

    @Test
    void anUpgradeWithoutAKeyIs400AndTheOriginIsNeverAsked() {
        AtomicInteger asked = new AtomicInteger();
        proxyTo(rawOrigin(asked, (socket, head) -> socket.close()));
        RawHttp.Response r = RawHttp.exchange(proxyPort, upgradeHead(null));
        assertEquals(400, r.status());
        assertEquals(0, asked.get());
        assertEquals(List.of("failed 400"), List.copyOf(events));
    }

    // --- frames -----------------------------------------------------------------------------------

    @Test
    void pingsAreAnsweredOnEachHopAndNotRelayed() throws Exception {
        Queue<WebSocketFrameType> originSaw = new ConcurrentLinkedQueue<>();
        proxyTo(vertxOrigin(ws -> {
            ws.frameHandler(frame -> originSaw.add(frame.type()));
            ws.textMessageHandler(ws::writeTextMessage);
        }));
        WebSocket ws = connect();
        CompletableFuture<String> pong = new CompletableFuture<>();
        CompletableFuture<String> echo = new CompletableFuture<>();
        ws.pongHandler(data -> pong.complete(data.toString()));
        ws.textMessageHandler(echo::complete);
        ws.writePing(Buffer.buffer("are you there"));
        assertEquals("are you there", pong.get(WAIT_SECONDS, TimeUnit.SECONDS));
        ws.writeTextMessage("after the ping");
        assertEquals("after the ping", echo.get(WAIT_SECONDS, TimeUnit.SECONDS));
        assertEquals(List.of(WebSocketFrameType.TEXT), List.copyOf(originSaw), "the ping stayed on the first hop");
        ws.close();
    }

    @Test
    void everyByteReachesAnOriginThatReadsLateInOrder() throws Exception {
        int frames = 100;
        int frameSize = 60_000;
        proxyTo(vertxOrigin(ws -> {
            // The origin reads nothing for a while, so the tunnel must hold the client back, not drop data.
            ws.pause();
            MessageDigest sha = sha256();
            long[] bytes = {0};
            ws.frameHandler(frame -> {
                if (frame.isBinary() || frame.isContinuation()) {
                    sha.update(frame.binaryData().getBytes());
                    bytes[0] += frame.binaryData().length();
                    if (bytes[0] == (long) frames * frameSize) {
                        ws.writeTextMessage(bytes[0] + " " + HexFormat.of().formatHex(sha.digest()));
                    }
                }
            });
            vertx.setTimer(300, id -> ws.resume());
        }));
        WebSocket ws = connect();
        CompletableFuture<String> report = new CompletableFuture<>();
        ws.textMessageHandler(report::complete);
        MessageDigest sent = sha256();
        for (int i = 0; i < frames; i++) {
            byte[] chunk = new byte[frameSize];
            for (int j = 0; j < frameSize; j++) {
                chunk[j] = (byte) (i * 31 + j);
            }
            sent.update(chunk);
            ws.writeFinalBinaryFrame(Buffer.buffer(chunk));
        }
        assertEquals((long) frames * frameSize + " " + HexFormat.of().formatHex(sent.digest()),
                report.get(WAIT_SECONDS, TimeUnit.SECONDS));
        ws.close();
    }

    @Test
    void onlyAnHttp11GetWithUpgradeWebsocketIsAnUpgrade() {
        AtomicInteger asked = new AtomicInteger();
        List<Boolean> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        HttpServer server = vertx.createHttpServer().requestHandler(request -> {
            seen.add(WebSocketTunnel.isUpgrade(request));
            asked.incrementAndGet();
            request.response().end();
        }).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().join();
        servers.add(() -> server.close().toCompletionStage().toCompletableFuture().join());
        int port = server.actualPort();
        RawHttp.exchange(port, "GET / HTTP/1.1\r\nHost: h\r\nConnection: keep-alive, Upgrade\r\nUpgrade: WebSocket\r\n"
                + "Content-Length: 0\r\n\r\n");
        RawHttp.exchange(port, "POST / HTTP/1.1\r\nHost: h\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n"
                + "Content-Length: 0\r\n\r\n");
        RawHttp.exchange(port, "GET / HTTP/1.1\r\nHost: h\r\nUpgrade: websocket\r\nContent-Length: 0\r\n\r\n");
        RawHttp.exchange(port, "GET / HTTP/1.0\r\nHost: h\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n");
        assertEquals(List.of(true, false, false, false), seen);
        assertEquals(4, asked.get());
    }

    // --- helpers ----------------------------------------------------------------------------------

    private static String readHead(InputStream in) throws Exception {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            head.append((char) b);
        }
        return head.toString();
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
