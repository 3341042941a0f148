package dev.edgeproxy.proxy;

import dev.edgeproxy.config.ProxyLimits;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.net.ClientOptionsBase;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Supplier;

/**
 * Makes the Vert.x clients of an {@link OriginSettings}: the server's base options (timeouts, keep-alive) and
 * pool limits ({@code gateway.limits}), plus TLS and the protocol.
 */
public final class OriginClientFactory implements OriginClient.Maker {

    private static final Logger LOG = Logger.getLogger(OriginClientFactory.class);

    /** TLS versions offered to origins: nothing older than 1.2. */
    static final List<String> TLS_VERSIONS = List.of("TLSv1.2", "TLSv1.3");

    private final Vertx vertx;
    private final HttpClientOptions base;
    private final PoolOptions pool;
    private final WebSocketClientOptions webSocketBase;
    private final Runnable onTlsFailure;

    /**
     * The server's factory: keep-alive, no decompression, and {@code gateway.limits}' connect timeout, pool size
     * and wait queue per origin (host:port), for requests and WebSocket tunnels alike.
     */
    public static OriginClientFactory of(Vertx vertx, ProxyLimits limits, Runnable onTlsFailure) {
        int connectMillis = (int) Math.min(Integer.MAX_VALUE, limits.upstreamConnectTimeout().toMillis());
        HttpClientOptions options = new HttpClientOptions()
                .setKeepAlive(true)
                .setKeepAliveTimeout(60)
                .setConnectTimeout(connectMillis)
                .setDecompressionSupported(false);
        // A full wait queue answers 503 (Forwarder).
        PoolOptions pool = new PoolOptions()
                .setHttp1MaxSize(limits.upstreamMaxConnections())
                .setHttp2MaxSize(limits.upstreamMaxConnections())
                .setMaxWaitQueueSize(limits.upstreamMaxWaitQueue());
        // WebSocket routes' origin side: one connection per tunnel, up to the same bound per origin.
        WebSocketClientOptions webSocket = new WebSocketClientOptions()
                .setConnectTimeout(connectMillis)
                .setMaxConnections(limits.upstreamMaxConnections());
        return new OriginClientFactory(vertx, options, pool, webSocket, onTlsFailure);
    }

    public OriginClientFactory(Vertx vertx, HttpClientOptions base, PoolOptions pool) {
        this(vertx, base, pool, new WebSocketClientOptions().setConnectTimeout(base.getConnectTimeout()), () -> {
        });
    }

    /**
     * @param webSocketBase the options of WebSocket tunnels' clients (connect timeout, connections per origin)
     * @param onTlsFailure  called once per TLS failure with an origin (the metric)
     */
    public OriginClientFactory(Vertx vertx, HttpClientOptions base, PoolOptions pool, WebSocketClientOptions webSocketBase,
            Runnable onTlsFailure) {
        this.vertx = vertx;
        this.base = new HttpClientOptions(base);
        this.pool = new PoolOptions(pool);
        this.webSocketBase = new WebSocketClientOptions(webSocketBase);
        this.onTlsFailure = onTlsFailure;
    }

    @Override
    public HttpClient make(OriginClient origin) {
        return build(options(origin.settings()), origin::logTlsFailure);
    }

    /** The client that plain HTTP/1.1 origins share (one per server). */
    public HttpClient makeShared() {
        return build(new HttpClientOptions(base), (where, failure) -> {
        });
    }

    /** The WebSocket client that plain origins share (one per server). */
    public WebSocketClient makeSharedWebSocket() {
        return vertx.createWebSocketClient(new WebSocketClientOptions(webSocketBase));
    }

    private HttpClient build(HttpClientOptions options, BiConsumer<Object, Throwable> tlsFailure) {
        return vertx.httpClientBuilder().with(options).with(pool)
                .withConnectHandler(connection -> connection.exceptionHandler(failure -> {
                    // A failure on an idle connection or after its handshake: an origin resetting a kept-alive
                    // connection, a TLS 1.3 origin refusing our client certificate once the handshake is done.
                    // A request on it gets its own answer (502); Vert.x would log each such failure at ERROR.
                    LOG.debugf("origin connection %s: %s", connection.remoteAddress(), failure);
                    tlsFailure.accept(connection.remoteAddress(), failure);
                }))
                .build();
    }

    @Override
    public WebSocketClient makeWebSocket(OriginSettings settings) {
        return vertx.createWebSocketClient(webSocketOptions(settings));
    }

    /** The client options of {@code settings}; hostname verification stays on unless verification is skipped. */
    HttpClientOptions options(OriginSettings settings) {
        HttpClientOptions options = new HttpClientOptions(base);
        boolean http2 = settings.protocol() == OriginSettings.Protocol.HTTP2;
        if (http2) {
            options.setProtocolVersion(HttpVersion.HTTP_2);
            // Without TLS: prior knowledge, as gRPC servers expect; an HTTP/1.1 upgrade would cost a round trip.
            options.setHttp2ClearTextUpgrade(false);
        }
        OriginSettings.Tls tls = settings.tls();
        if (tls != null) {
            tls(options, tls);
            options.setUseAlpn(http2).setForceSni(tls.sendSni()).setVerifyHost(!tls.insecureSkipVerify());
            if (http2) {
                options.setAlpnVersions(List.of(HttpVersion.HTTP_2, HttpVersion.HTTP_1_1));
            }
        }
        return options;
    }

    /**
     * The WebSocket client options of {@code settings}: HTTP/1.1 always (the upgrade is an HTTP/1.1 mechanism),
     * with the TLS that requests get. The name verified is the backend's host (sent as SNI only when it has a dot:
     * this client has no {@code forceSni}): Vert.x 4.5's WebSocket client connects to the name it verifies, so
     * {@code tls.sni} cannot differ (the compiler refuses it).
     */
    WebSocketClientOptions webSocketOptions(OriginSettings settings) {
        WebSocketClientOptions options = new WebSocketClientOptions(webSocketBase);
        OriginSettings.Tls tls = settings.tls();
        if (tls != null) {
            tls(options, tls);
            options.setVerifyHost(!tls.insecureSkipVerify());
        }
        return options;
    }

    /** What requests and tunnels share: TLS 1.2 or 1.3, the trust (or none at all), the client certificate. */
    private static void tls(ClientOptionsBase options, OriginSettings.Tls tls) {
        options.setSsl(true).setEnabledSecureTransportProtocols(new LinkedHashSet<>(TLS_VERSIONS));
        if (tls.insecureSkipVerify()) {
            options.setTrustAll(true);
        } else if (tls.caPem() != null) {
            options.setTrustOptions(new PemTrustOptions().addCertValue(Buffer.buffer(tls.caPem())));
        }
        if (tls.certificatePem() != null) {
            options.setKeyCertOptions(new PemKeyCertOptions()
                    .setCertValue(Buffer.buffer(tls.certificatePem()))
                    .setKeyValue(Buffer.buffer(tls.keyPem())));
        }
    }

    @Override
    public void tlsFailed() {
        onTlsFailure.run();
    }

    @Override
    public void closeLater(Supplier<Future<Void>> close, Duration grace) {
        vertx.setTimer(Math.max(1, grace.toMillis()), id -> close.get());
    }
}
