package dev.edgeproxy.proxy;

import dev.edgeproxy.logging.LogThrottle;
import io.vertx.core.Future;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.WebSocketClient;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.function.Supplier;
import javax.net.ssl.SSLException;

/**
 * The clients of one {@link OriginSettings} within one route table (requests, and WebSocket tunnels), made when
 * the table is compiled by the {@link Maker} it is compiled with: the running server's, or {@link Maker#NONE}
 * for {@code --validate-only} and tests that only compile, which opens nothing. The request path only reads
 * them. Closed when the table is retired, once the requests and tunnels that may still use them are over.
 */
public final class OriginClient {

    private static final Logger LOG = Logger.getLogger(OriginClient.class);

    /** Makes and disposes of clients; the server implements it with its Vert.x instance and limits. */
    public interface Maker {
        /** Makes no client: for compiling a configuration that will not serve ({@code --validate-only}). */
        Maker NONE = new Maker() {
            @Override
            public HttpClient make(OriginClient origin) {
                return null;
            }

            @Override
            public WebSocketClient makeWebSocket(OriginSettings settings) {
                return null;
            }

            @Override
            public void closeLater(Supplier<Future<Void>> close, Duration grace) {
            }
        };

        /** The request client of {@code origin}: its settings, and its log for TLS failures. */
        HttpClient make(OriginClient origin);

        /** The client of WebSocket tunnels to such an origin (HTTP/1.1, with the settings' TLS). */
        WebSocketClient makeWebSocket(OriginSettings settings);

        /** Closes {@code client} after {@code grace}: requests still running on it finish first. */
        void closeLater(Supplier<Future<Void>> close, Duration grace);

        /** A TLS failure with an origin of one of its clients (counted; {@link OriginClient} logs it). */
        default void tlsFailed() {
        }
    }

    private final OriginSettings settings;
    /** One line per interval for this origin's TLS failures: a broken certificate must not flood the log. */
    private final LogThrottle failureLog = new LogThrottle(Duration.ofSeconds(10));
    private final Maker maker;
    private final HttpClient client;
    private final WebSocketClient webSocketClient;
    private Duration retiredGrace;
    /** WebSocket tunnels to this origin, from their handshake on, until closed. */
    private int tunnels;

    /** Makes the clients of {@code settings} with {@code maker}, now. */
    public OriginClient(OriginSettings settings, Maker maker) {
        this.settings = settings;
        this.maker = maker;
        this.client = maker.make(this);
        this.webSocketClient = maker.makeWebSocket(settings);
    }

    public OriginSettings settings() {
        return settings;
    }

    /**
     * A certificate problem with an origin is a configuration matter: its reason goes to the log (at most a line
     * per interval), never to the body, and every one is counted ({@code edgeproxy_upstream_tls_failures_total}).
     * Other failures are not logged here.
     */
    void logTlsFailure(Object backend, Throwable cause) {
        if (settings.tls() == null) {
            return;
        }
        // The innermost TLS exception says why (Vert.x wraps it in one of its own: "Failed to create SSL connection").
        Throwable tls = null;
        for (Throwable t = cause; t != null && t != t.getCause(); t = t.getCause()) {
            if (t instanceof SSLException) {
                tls = t;
            }
        }
        if (tls == null) {
            return;
        }
        maker.tlsFailed();
        long dropped = failureLog.acquire();
        if (dropped >= 0) {
            LOG.warnf("upstream %s: TLS failed: %s%s", backend, tls.getMessage(),
                    dropped > 0 ? " (" + dropped + " more since the last such line)" : "");
        }
    }

    /** The client of requests to this origin ({@code null} under {@link Maker#NONE}). */
    public HttpClient client() {
        return client;
    }

    /** The client of WebSocket tunnels; a tunnel then calls {@link #tunnelStarted}. */
    public WebSocketClient webSocketClient() {
        return webSocketClient;
    }

    /**
     * Closes the clients after {@code grace}, the longest a request on the retired table can run. The WebSocket
     * client waits for its last tunnel instead: closing it would cut the connections it opened, and a tunnel may
     * outlive any request timeout.
     */
    public synchronized void retire(Duration grace) {
        retiredGrace = grace;
        if (client != null) {
            maker.closeLater(client::close, grace);
        }
        if (webSocketClient != null && tunnels == 0) {
            maker.closeLater(webSocketClient::close, grace);
        }
    }

    /** A WebSocket tunnel to this origin begins its handshake. */
    synchronized void tunnelStarted() {
        tunnels++;
    }

    /** A tunnel begun with {@link #tunnelStarted} is over (refused, failed or closed). */
    synchronized void tunnelEnded() {
        tunnels--;
        if (tunnels == 0 && retiredGrace != null && webSocketClient != null) {
            maker.closeLater(webSocketClient::close, Duration.ZERO);
        }
    }
}
