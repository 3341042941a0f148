package dev.edgeproxy.proxy;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The origin clients of a route table with a real Vert.x: one per settings, made with the table with the
 * settings' options, and closed after the grace once the table is retired.
 */
class OriginClientsTest {

    private static Vertx vertx;
    private static OriginClientFactory factory;

    @BeforeAll
    static void start() {
        vertx = Vertx.vertx();
        factory = new OriginClientFactory(vertx, new HttpClientOptions().setConnectTimeout(1234),
                new PoolOptions().setHttp1MaxSize(7));
    }

    @AfterAll
    static void stop() {
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }

    private static final OriginSettings TLS = new OriginSettings(OriginSettings.Protocol.HTTP2,
            new OriginSettings.Tls(null, null, null, false, true));

    @Test
    void oneClientPerSettingsMadeOnce() {
        OriginClients clients = new OriginClients(factory);
        OriginClient a = clients.of(TLS);
        assertNotNull(a.client(), "made with the table, not on the first request");
        assertNotNull(a.webSocketClient());
        assertSame(a, clients.of(new OriginSettings(OriginSettings.Protocol.HTTP2, new OriginSettings.Tls(null, null, null, false, true))));
        assertNotSame(a, clients.of(OriginSettings.PLAIN_HTTP1));
        assertSame(a.client(), a.client());
        clients.grace(Duration.ofMillis(1));
        clients.close();
    }

    @Test
    void optionsKeepTheBaseAndAddTlsAndProtocol() {
        HttpClientOptions tls = factory.options(TLS);
        assertTrue(tls.isSsl());
        assertTrue(tls.isUseAlpn());
        assertTrue(tls.isVerifyHost(), "host names are verified by default");
        assertTrue(tls.isForceSni(), "a name is sent even without a dot");
        assertFalse(tls.isTrustAll());
        assertEquals(HttpVersion.HTTP_2, tls.getProtocolVersion());
        assertEquals(1234, tls.getConnectTimeout());
        assertEquals(java.util.Set.of("TLSv1.2", "TLSv1.3"), tls.getEnabledSecureTransportProtocols());

        HttpClientOptions h2c = factory.options(new OriginSettings(OriginSettings.Protocol.HTTP2, null));
        assertFalse(h2c.isSsl());
        assertFalse(h2c.isHttp2ClearTextUpgrade(), "prior knowledge");

        HttpClientOptions insecure = factory.options(new OriginSettings(OriginSettings.Protocol.HTTP1,
                new OriginSettings.Tls(null, null, null, true, false)));
        assertTrue(insecure.isTrustAll());
        assertFalse(insecure.isVerifyHost());
        assertFalse(insecure.isUseAlpn());
        assertFalse(insecure.isForceSni(), "no IP address as a server name");
    }

    @Test
    void retiredTablesClientsCloseAfterTheGrace() throws Exception {
        OriginClients clients = new OriginClients(factory);
        HttpClient client = clients.of(TLS).client();
        clients.grace(Duration.ofMillis(50));
        clients.close();
        assertTrue(eventuallyClosed(client), "client still open after retirement");
    }

    @Test
    void aTableCompiledOnlyToBeCheckedOpensNothing() {
        OriginClients checked = new OriginClients(OriginClient.Maker.NONE);
        OriginClient origin = checked.of(TLS);
        assertNull(origin.client());
        assertNull(origin.webSocketClient());
        checked.close();
    }

    @Test
    void aRetiredTablesWebSocketClientIsClosedOnlyAfterItsLastTunnel() {
        List<Duration> closes = new ArrayList<>();
        OriginClient.Maker recording = new OriginClient.Maker() {
            @Override
            public HttpClient make(OriginClient origin) {
                return factory.make(origin);
            }

            @Override
            public WebSocketClient makeWebSocket(OriginSettings settings) {
                return factory.makeWebSocket(settings);
            }

            @Override
            public void closeLater(Supplier<Future<Void>> close, Duration grace) {
                closes.add(grace);
                factory.closeLater(close, grace);
            }
        };
        OriginClient origin = new OriginClient(TLS, recording);
        origin.tunnelStarted();
        origin.tunnelStarted();
        origin.retire(Duration.ofSeconds(30));
        assertEquals(List.of(Duration.ofSeconds(30)), closes,
                "the request client closes after the grace; closing the WebSocket one would cut the tunnels still open");
        origin.tunnelEnded();
        assertEquals(List.of(Duration.ofSeconds(30)), closes);
        origin.tunnelEnded();
        assertEquals(List.of(Duration.ofSeconds(30), Duration.ZERO), closes, "the last tunnel closes it at once");

        // Without tunnels, retirement closes both after the grace.
        closes.clear();
        new OriginClient(TLS, recording).retire(Duration.ofSeconds(30));
        assertEquals(List.of(Duration.ofSeconds(30), Duration.ofSeconds(30)), closes);
    }

    @Test
    void webSocketOptionsCarryTheTls() {
        WebSocketClientOptions wss = factory.webSocketOptions(TLS);
        assertTrue(wss.isSsl());
        assertTrue(wss.isVerifyHost());
        assertEquals(java.util.Set.of("TLSv1.2", "TLSv1.3"), wss.getEnabledSecureTransportProtocols());
        assertFalse(factory.webSocketOptions(OriginSettings.PLAIN_HTTP1).isSsl());
        WebSocketClientOptions insecure = factory.webSocketOptions(new OriginSettings(OriginSettings.Protocol.HTTP1,
                new OriginSettings.Tls(null, null, null, true, false)));
        assertTrue(insecure.isTrustAll());
        assertFalse(insecure.isVerifyHost());
    }

    private static boolean eventuallyClosed(HttpClient client) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            try {
                client.request(new RequestOptions().setMethod(HttpMethod.GET).setHost("127.0.0.1").setPort(9).setURI("/"))
                        .toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
            } catch (IllegalStateException e) {
                return true;
            } catch (java.util.concurrent.ExecutionException e) {
                if (e.getCause() instanceof IllegalStateException) {
                    return true;
                }
            }
            Thread.sleep(20);
        }
        return false;
    }
}
