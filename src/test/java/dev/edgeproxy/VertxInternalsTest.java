package dev.edgeproxy;

import dev.edgeproxy.listener.HeadDeadlineAccess;
import dev.edgeproxy.testing.TestCertificates;
import io.netty.channel.Channel;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.timeout.IdleStateHandler;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.spi.transport.Transport;
import io.vertx.ext.web.Router;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.io.OutputStream;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.Key;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Guards the gateway's uses of Vert.x internals ({@code io.vertx.*.impl.*}), which a Vert.x upgrade may change
 * without notice. Each use was kept because no public API does the same (see the report of issue 21, item 7):
 * <ul>
 *   <li>{@code io.vertx.core.net.impl.ConnectionBase#channel()}: the Netty channel of an HTTP connection, for an
 *       HTTP/1.1 and an HTTP/2 connection alike (the TCP connection, not an HTTP/2 stream). {@code ErrorResponder}
 *       asks it whether the user agent is gone, {@code WebSocketTunnel} removes Vert.x's {@code "idle"} handler
 *       (the listener's idle timeout) from it after an upgrade, {@code HeadDeadline} hangs its watch on it.</li>
 *   <li>{@code io.vertx.core.impl.VertxInternal#sharedHttpServers()}, {@code io.vertx.core.net.impl.ServerID#port}
 *       and the private field {@code io.vertx.core.net.impl.TCPServerBase#bindFuture}: how {@code HeadDeadline}
 *       reaches the listening channel of Quarkus' HTTP server (registered for reflection for the native image).</li>
 *   <li>{@code io.vertx.core.net.impl.KeyStoreHelper#loadCA}, {@code #loadKeyCert} and {@code #DUMMY_PASSWORD}:
 *       {@code ListenerCertificates} parses PEM files as Quarkus will, before any Vert.x instance exists (the
 *       public {@code PemTrustOptions#loadKeyStore(Vertx)} needs one).</li>
 *   <li>{@code io.vertx.core.impl.transports.EpollTransport}: {@code dev.edgeproxy.server.EpollTransport} extends it
 *       to offer epoll as a {@code Transport} service to the native image.</li>
 *   <li>{@code io.vertx.core.http.impl.headers.HeadersMultiMap#httpHeaders()}: the Netty data path
 *       ({@code dev.edgeproxy.datapath.NettyProxyServer}) decodes header fields into it, as Vert.x's own server does,
 *       because it is both Netty's {@code HttpHeaders} and Vert.x's {@code MultiMap}.</li>
 * </ul>
 * Each test names the Vert.x class and member it checks, first by signature (reflection), then by behaviour on a
 * real Vert.x instance.
 *
 * <p><b>When a test fails</b> (after a Vert.x or Quarkus upgrade): do not loosen the test. Read the new Vert.x
 * source for the member named in the failure, then either adapt the gateway's use site (each carries a comment
 * pointing here) and this test together, or, better, replace the use with a public API the new version offers and
 * delete its test here and its entry in {@code ArchitectureTest.GUARDED_INTERNAL_USES}. {@code ArchitectureTest} keeps new
 * internal uses out of the other classes.
 */
class VertxInternalsTest {

    private static final String CONNECTION_BASE = "io.vertx.core.net.impl.ConnectionBase";
    private static final String VERTX_INTERNAL = "io.vertx.core.impl.VertxInternal";
    private static final String SERVER_ID = "io.vertx.core.net.impl.ServerID";
    private static final String TCP_SERVER_BASE = "io.vertx.core.net.impl.TCPServerBase";
    private static final String HTTP_SERVER_IMPL = "io.vertx.core.http.impl.HttpServerImpl";
    private static final String KEY_STORE_HELPER = "io.vertx.core.net.impl.KeyStoreHelper";
    private static final String EPOLL_TRANSPORT = "io.vertx.core.impl.transports.EpollTransport";
    private static final String HEADERS_MULTI_MAP = "io.vertx.core.http.impl.headers.HeadersMultiMap";

    private static Vertx vertx;

    @BeforeAll
    static void startVertx() {
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void stopVertx() throws Exception {
        await(vertx.close());
    }

    // --- signatures -------------------------------------------------------------------------------------------

    @Test
    void connectionBaseChannelIsPublicAndReturnsANettyChannel() {
        Method channel = method(CONNECTION_BASE, "channel");
        assertTrue(Modifier.isPublic(channel.getModifiers()), CONNECTION_BASE + "#channel() is no longer public");
        assertEquals(Channel.class, channel.getReturnType(),
                CONNECTION_BASE + "#channel() no longer returns io.netty.channel.Channel");
    }

    @Test
    void sharedHttpServersAreKeyedByServerIdWithAPublicPort() throws Exception {
        Method shared = method(VERTX_INTERNAL, "sharedHttpServers");
        assertTrue(shared.getParameterCount() == 0 && Map.class.equals(shared.getReturnType()),
                VERTX_INTERNAL + "#sharedHttpServers() is no longer a Map");
        Type[] kv = ((ParameterizedType) shared.getGenericReturnType()).getActualTypeArguments();
        assertEquals(type(SERVER_ID), kv[0], VERTX_INTERNAL + "#sharedHttpServers() is no longer keyed by " + SERVER_ID);
        assertTrue(type(TCP_SERVER_BASE).isAssignableFrom((Class<?>) kv[1]),
                VERTX_INTERNAL + "#sharedHttpServers() values are no longer " + TCP_SERVER_BASE);
        assertInstanceOf(type(VERTX_INTERNAL), vertx, "Vertx.vertx() is no longer a " + VERTX_INTERNAL);

        Field port = field(SERVER_ID, "port");
        assertTrue(Modifier.isPublic(port.getModifiers()) && port.getType() == int.class,
                SERVER_ID + "#port is no longer a public int");
    }

    @Test
    void tcpServerBaseKeepsItsBindFutureOfTheListeningChannel() {
        Field bind = field(TCP_SERVER_BASE, "bindFuture");
        assertEquals(Future.class, bind.getType(), TCP_SERVER_BASE + "#bindFuture is no longer an io.vertx.core.Future");
        Type of = ((ParameterizedType) bind.getGenericType()).getActualTypeArguments()[0];
        assertEquals(Channel.class, of, TCP_SERVER_BASE + "#bindFuture no longer holds the listening Netty Channel");
        assertTrue(type(TCP_SERVER_BASE).isAssignableFrom(type(HTTP_SERVER_IMPL)),
                HTTP_SERVER_IMPL + " no longer extends " + TCP_SERVER_BASE);
    }

    @Test
    void keyStoreHelperLoadsPemAsBefore() throws Exception {
        Method loadCa = method(KEY_STORE_HELPER, "loadCA", Stream.class);
        Method loadKeyCert = method(KEY_STORE_HELPER, "loadKeyCert", List.class, List.class);
        for (Method m : List.of(loadCa, loadKeyCert)) {
            assertTrue(Modifier.isStatic(m.getModifiers()) && m.getReturnType() == KeyStore.class,
                    KEY_STORE_HELPER + "#" + m.getName() + " is no longer a static method returning a KeyStore");
        }
        Field password = field(KEY_STORE_HELPER, "DUMMY_PASSWORD");
        assertTrue(Modifier.isStatic(password.getModifiers()) && password.getType() == String.class,
                KEY_STORE_HELPER + "#DUMMY_PASSWORD is no longer a static String");

        // Behaviour: what ListenerCertificates reads from the stores.
        TestCertificates ca = TestCertificates.authority("guard");
        TestCertificates.Issued pair = ca.server("guard.test");
        KeyStore trust = io.vertx.core.net.impl.KeyStoreHelper.loadCA(Stream.of(Buffer.buffer(ca.ca().certificatePem())));
        assertEquals(1, trust.size(), KEY_STORE_HELPER + "#loadCA no longer holds one entry per PEM certificate");
        int fromGarbage;
        try {
            fromGarbage = io.vertx.core.net.impl.KeyStoreHelper.loadCA(Stream.of(Buffer.buffer("garbage"))).size();
        } catch (Exception refused) {
            fromGarbage = 0;
        }
        assertEquals(0, fromGarbage, KEY_STORE_HELPER + "#loadCA takes a file without a PEM certificate");
        KeyStore keyCert = io.vertx.core.net.impl.KeyStoreHelper.loadKeyCert(
                List.of(Buffer.buffer(pair.keyPem())), List.of(Buffer.buffer(pair.certificatePem())));
        String alias = keyCert.aliases().nextElement();
        Key key = keyCert.getKey(alias, io.vertx.core.net.impl.KeyStoreHelper.DUMMY_PASSWORD.toCharArray());
        assertInstanceOf(PrivateKey.class, key,
                KEY_STORE_HELPER + "#loadKeyCert's key is no longer readable with #DUMMY_PASSWORD");
        assertEquals(pair.certificate(), keyCert.getCertificate(alias),
                KEY_STORE_HELPER + "#loadKeyCert no longer stores the certificate under the key's alias");
    }

    @Test
    void epollTransportCanStillBeExtendedAndIsOfferedAsAService() throws Exception {
        Class<?> epoll = type(EPOLL_TRANSPORT);
        assertTrue(Modifier.isPublic(epoll.getModifiers()) && !Modifier.isFinal(epoll.getModifiers()),
                EPOLL_TRANSPORT + " is no longer a public, non-final class");
        assertTrue(Transport.class.isAssignableFrom(epoll), EPOLL_TRANSPORT + " no longer implements " + Transport.class);
        assertTrue(Modifier.isPublic(epoll.getConstructor().getModifiers()),
                EPOLL_TRANSPORT + "() is no longer public");

        Transport ours = ServiceLoader.load(Transport.class).stream()
                .filter(p -> p.type().getName().equals("dev.edgeproxy.server.EpollTransport"))
                .map(ServiceLoader.Provider::get).findFirst()
                .orElseThrow(() -> new AssertionError("dev.edgeproxy.server.EpollTransport is not a Transport service"));
        assertEquals(io.netty.channel.epoll.Epoll.isAvailable(), ours.isAvailable(),
                EPOLL_TRANSPORT + "#isAvailable() no longer says whether Netty's epoll loads");
    }

    // --- behaviour ---------------------------------------------------------------------------------------------

    /** ErrorResponder, WebSocketTunnel, HeadDeadline: the TCP connection's channel, for HTTP/1.1 and HTTP/2. */
    @Test
    void theChannelOfAnHttp1AndAnHttp2ConnectionIsItsSocket() throws Exception {
        for (HttpVersion version : List.of(HttpVersion.HTTP_1_1, HttpVersion.HTTP_2)) {
            CompletableFuture<HttpServerRequest> arrived = new CompletableFuture<>();
            HttpServer server = await(vertx.createHttpServer(new HttpServerOptions().setHttp2ClearTextEnabled(true))
                    .requestHandler(arrived::complete).listen(0, "127.0.0.1"));
            HttpClient client = vertx.createHttpClient(new HttpClientOptions()
                    .setProtocolVersion(version).setHttp2ClearTextUpgrade(false));
            try {
                client.request(HttpMethod.GET, server.actualPort(), "127.0.0.1", "/").compose(r -> r.send());
                HttpServerRequest request = arrived.get(5, TimeUnit.SECONDS);
                assertEquals(version, request.version());
                HttpConnection connection = request.connection();
                Channel channel = channelOf(connection, version);
                assertInstanceOf(SocketChannel.class, channel, CONNECTION_BASE + "#channel() of an " + version
                        + " connection is no longer its TCP connection (an HTTP/2 stream?)");
                assertTrue(channel.isActive(), CONNECTION_BASE + "#channel() of an open " + version + " connection is inactive");
                assertEquals(((InetSocketAddress) channel.remoteAddress()).getPort(), connection.remoteAddress().port(),
                        CONNECTION_BASE + "#channel() of an " + version + " connection is not its socket");

                await(client.close());
                assertTrue(channel.closeFuture().await(5, TimeUnit.SECONDS) && !channel.isActive(),
                        CONNECTION_BASE + "#channel() of a closed " + version + " connection stays active");
            } finally {
                await(server.close());
            }
        }
    }

    /**
     * WebSocketTunnel: after the upgrade the listener's idle timeout is the {@code "idle"} handler on the
     * connection's channel, and removing it is what keeps the tunnel open.
     */
    @Test
    void removingTheIdleHandlerAfterAWebSocketUpgradeLiftsTheIdleTimeout() throws Exception {
        CompletableFuture<Object> idleHandler = new CompletableFuture<>();
        HttpServer server = await(vertx.createHttpServer(new HttpServerOptions()
                        .setIdleTimeout(400).setIdleTimeoutUnit(TimeUnit.MILLISECONDS))
                .requestHandler(request -> {
                    HttpConnection connection = request.connection();
                    boolean lift = request.path().equals("/lifted");
                    request.toWebSocket().onSuccess(ws -> {
                        io.netty.channel.ChannelPipeline pipeline = channelOf(connection, HttpVersion.HTTP_1_1).pipeline();
                        if (lift) {
                            idleHandler.complete(pipeline.get("idle"));
                            if (pipeline.get("idle") != null) {
                                pipeline.remove("idle");
                            }
                        }
                        ws.handler(ws::write);
                    });
                })
                .listen(0, "127.0.0.1"));
        WebSocketClient client = vertx.createWebSocketClient();
        try {
            WebSocket kept = await(client.connect(server.actualPort(), "127.0.0.1", "/lifted"));
            assertInstanceOf(IdleStateHandler.class, idleHandler.get(5, TimeUnit.SECONDS), "Vert.x no longer names the "
                    + "listener's idle-timeout handler \"idle\" on the " + CONNECTION_BASE + "#channel() of an upgraded connection");
            WebSocket idle = await(client.connect(server.actualPort(), "127.0.0.1", "/idle"));
            CompletableFuture<Void> idleClosed = new CompletableFuture<>();
            CompletableFuture<Void> keptClosed = new CompletableFuture<>();
            CompletableFuture<String> echo = new CompletableFuture<>();
            idle.closeHandler(v -> idleClosed.complete(null));
            kept.closeHandler(v -> keptClosed.complete(null));
            kept.handler(b -> echo.complete(b.toString()));

            idleClosed.get(5, TimeUnit.SECONDS); // the "idle" handler is the listener's idle timeout
            Thread.sleep(400);
            assertFalse(keptClosed.isDone(), "removing the \"idle\" handler from " + CONNECTION_BASE
                    + "#channel() no longer lifts the idle timeout of an upgraded connection");
            kept.write(Buffer.buffer("still here"));
            assertEquals("still here", echo.get(5, TimeUnit.SECONDS));
        } finally {
            await(client.close());
            await(server.close());
        }
    }

    /**
     * HeadDeadline: found through {@code VertxInternal#sharedHttpServers()} and {@code TCPServerBase#bindFuture},
     * the listening channel arms every connection, and one that sends no complete head is closed after the deadline
     * (Vert.x has no idle timeout here, and no request completes before, so nothing else would close it).
     */
    @Test
    void aConnectionWithoutACompleteHeadIsClosedAfterTheDeadline() throws Exception {
        Router router = Router.router(vertx);
        IntConsumer listening = HeadDeadlineAccess.install(vertx, Duration.ofMillis(300), router);
        router.route().handler(ctx -> ctx.response().end("ok"));
        int port = freePort();
        HttpServer server = await(vertx.createHttpServer().requestHandler(router).listen(port, "127.0.0.1"));
        listening.accept(port);
        try (Socket slow = new Socket("127.0.0.1", port)) {
            slow.setSoTimeout(5_000);
            long start = System.nanoTime();
            slow.getOutputStream().write("GET / HTTP/1.1\r\nhost: a\r\n".getBytes(StandardCharsets.US_ASCII));
            int read;
            try {
                read = slow.getInputStream().read();
            } catch (java.net.SocketTimeoutException e) {
                read = -2;
            } catch (java.net.SocketException e) {
                read = -1; // reset
            }
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            if (read != -1) {
                fail("a connection without a complete head was not closed within 5 s: HeadDeadline no longer reaches "
                        + "the listening channel through " + VERTX_INTERNAL + "#sharedHttpServers() and "
                        + TCP_SERVER_BASE + "#bindFuture (or its connections through " + CONNECTION_BASE + "#channel())");
            }
            assertTrue(millis >= 250, "closed after " + millis + " ms, before the deadline");

            // A complete head within the deadline is answered.
            try (Socket fine = new Socket("127.0.0.1", port)) {
                fine.setSoTimeout(5_000);
                OutputStream out = fine.getOutputStream();
                out.write("GET / HTTP/1.1\r\nhost: a\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                InputStream in = fine.getInputStream();
                byte[] head = new byte[12];
                assertEquals(12, in.readNBytes(head, 0, 12));
                assertEquals("HTTP/1.1 200", new String(head, StandardCharsets.US_ASCII));
            }
        } finally {
            await(server.close());
        }
    }

    // --- helpers -------------------------------------------------------------------------------------------------

    /** As the gateway reaches it: through {@code ConnectionBase}. */
    private static Channel channelOf(HttpConnection connection, HttpVersion version) {
        if (connection instanceof io.vertx.core.net.impl.ConnectionBase base) {
            Channel channel = base.channel();
            assertNotNull(channel, CONNECTION_BASE + "#channel() of an " + version + " connection is null");
            return channel;
        }
        throw new AssertionError("an " + version + " server connection (" + connection.getClass().getName()
                + ") is no longer a " + CONNECTION_BASE);
    }

    private static Class<?> type(String name) {
        try {
            return Class.forName(name);
        } catch (ClassNotFoundException e) {
            throw new AssertionError("Vert.x no longer has " + name, e);
        }
    }

    private static Method method(String type, String name, Class<?>... parameters) {
        Class<?> c = type(type);
        for (Class<?> k = c; k != null; k = k.getSuperclass()) {
            try {
                return k.getDeclaredMethod(name, parameters);
            } catch (NoSuchMethodException e) {
                // look further up
            }
        }
        try {
            return c.getMethod(name, parameters);
        } catch (NoSuchMethodException e) {
            throw new AssertionError("Vert.x no longer has " + type + "#" + name + List.of(parameters), e);
        }
    }

    @Test
    void headersMultiMapIsBothNettyHeadersAndAVertxMultiMap() {
        Method httpHeaders = method(HEADERS_MULTI_MAP, "httpHeaders");
        assertTrue(Modifier.isStatic(httpHeaders.getModifiers()), HEADERS_MULTI_MAP + "#httpHeaders() is no longer static");
        assertTrue(io.netty.handler.codec.http.HttpHeaders.class.isAssignableFrom(type(HEADERS_MULTI_MAP))
                && io.vertx.core.MultiMap.class.isAssignableFrom(type(HEADERS_MULTI_MAP)),
                HEADERS_MULTI_MAP + " is no longer both io.netty...HttpHeaders and io.vertx.core.MultiMap");

        // Behaviour: what Netty's codec writes in through HttpHeaders, the gateway reads through MultiMap.
        var headers = io.vertx.core.http.impl.headers.HeadersMultiMap.httpHeaders();
        ((io.netty.handler.codec.http.HttpHeaders) headers).add("Cookie", "a=1").add("cookie", "b=2");
        assertEquals(List.of("a=1", "b=2"), ((io.vertx.core.MultiMap) headers).getAll("COOKIE"),
                HEADERS_MULTI_MAP + " no longer keeps repeated fields, case-insensitively, in order");
    }

    private static Field field(String type, String name) {
        try {
            return type(type).getDeclaredField(name);
        } catch (NoSuchFieldException e) {
            throw new AssertionError("Vert.x no longer has the field " + type + "#" + name, e);
        }
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static <T> T await(Future<T> future) throws Exception {
        return future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
}
