package dev.edgeproxy.proxy;

import dev.edgeproxy.error.GatewayError;
import dev.edgeproxy.http.HopByHop;
import io.netty.channel.ChannelPipeline;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketBase;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.http.WebSocketFrame;
import io.vertx.core.net.impl.ConnectionBase;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Tunnels one WebSocket between a user agent and the origin, for a request that already passed its
 * route's policies (docs/reference.md#websocket):
 * <ol>
 * <li>the origin is asked to upgrade first, with the request's origin headers (the same as for a plain
 *     request); if it refuses, breaks or does not answer in time, the user agent gets 502 or 504 and is
 *     never upgraded;</li>
 * <li>then the user agent's request is upgraded ({@code 101}, with the subprotocol the origin chose);</li>
 * <li>data frames (text, binary, continuation) are relayed as they are, frame by frame, with
 *     back-pressure both ways; each hop answers its own pings (Vert.x does), so pings and pongs are not
 *     relayed, but they count as activity;</li>
 * <li>a close from either side is passed on with its code and reason; a side that vanishes without a
 *     close frame makes the tunnel close the other with 1001 (user agent gone) or 1014 (origin gone); a
 *     tunnel idle for the route's idle timeout is closed on both sides with 1001; a tunnel that reaches its
 *     {@link TunnelLifetime} (the route's maximum lifetime, or the authenticating token's expiry) is closed on
 *     both sides with 1008.</li>
 * </ol>
 *
 * <p>Both WebSockets live on the user agent's event loop (the origin connection is opened from it), so
 * the tunnel's state needs no locking.
 */
public final class WebSocketTunnel {

    private static final Logger LOG = Logger.getLogger(WebSocketTunnel.class);

    /** Close codes (RFC 6455 §7.4.1; 1014 from the IANA registry). */
    static final short GOING_AWAY = 1001;
    static final short POLICY_VIOLATION = 1008;
    static final short BAD_GATEWAY = 1014;

    /** Per-hop handshake headers: each side of the tunnel negotiates its own. */
    private static final List<String> HANDSHAKE_HEADERS = List.of("sec-websocket-key", "sec-websocket-version",
            "sec-websocket-extensions", "sec-websocket-accept", "sec-websocket-protocol", "content-length");

    /** How the pipeline learns what became of the tunnel. */
    public interface Session {
        /**
         * The origin's handshake is over after {@code nanos}: upgraded ({@code status} 101), or refused, failed
         * or timed out ({@code status} 0).
         */
        void originTook(long nanos, int status);

        /** Both sides are upgraded; {@link #closed} follows exactly once. */
        void opened();

        /** The tunnel is closed on both sides. */
        void closed();

        /** The user agent was not upgraded: answer it with {@code error}. At most once, never after {@link #opened}. */
        void failed(GatewayError error);
    }

    private final Vertx vertx;
    private final WebSocketClient client;

    /**
     * @param client opens the origin side of plain backends; its connect timeout is
     *               {@code gateway.limits.upstreamConnectTimeout}. A backend with {@code tls} brings its own
     *               (made when its route table was compiled).
     */
    public WebSocketTunnel(Vertx vertx, WebSocketClient client) {
        this.vertx = vertx;
        this.client = client;
    }

    /**
     * An HTTP/1.1 {@code GET} asking for {@code Upgrade: websocket}. (Vert.x 4.5 has no WebSocket over HTTP/2:
     * it does not offer RFC 8441's extended CONNECT, so on HTTP/2 nothing is an upgrade.)
     */
    public static boolean isUpgrade(HttpServerRequest request) {
        return request.version() == HttpVersion.HTTP_1_1
                && request.method() == HttpMethod.GET
                && hasToken(request.headers(), "upgrade", "websocket")
                && hasToken(request.headers(), "connection", "upgrade");
    }

    /**
     * Opens the tunnel. The request must arrive paused; on a refused or failed upgrade
     * {@link Session#failed} is called before the user agent has been answered.
     *
     * @param outbound         the origin, target and headers the evaluation prepared (end-to-end, forwarding
     *                         headers, transformations; the credential removed); the origin must have upgraded
     *                         within its timeout (the route's request timeout), else 504
     * @param idleTimeout      the tunnel closes after this long without a frame in either direction
     * @param lifetime         when the tunnel must close whatever its traffic (route cap, token exp), counted from
     *                         the user agent's upgrade
     */
    public void open(HttpServerRequest request, Outbound outbound, Duration idleTimeout, TunnelLifetime lifetime,
            Session session) {
        Backend backend = outbound.backend();
        Duration handshakeTimeout = outbound.timeout();
        if (!validHandshake(request.headers())) {
            session.failed(new GatewayError.BadRequest("invalid WebSocket handshake"));
            return;
        }
        WebSocketConnectOptions options = new WebSocketConnectOptions()
                .setHost(backend.host())
                .setPort(backend.port())
                .setURI(outbound.uri())
                .setSubProtocols(subProtocols(request.headers()));
        MultiMap originHeaders = MultiMap.caseInsensitiveMultiMap().addAll(outbound.headers());
        // The origin sees the user agent's Origin as sent, or none, to decide on it as it would without us. Vert.x
        // keeps an Origin given but invents one (the origin's own address) when there is none, unless told not
        // to add any, which also strips a given one.
        options.setAllowOriginHeader(originHeaders.contains("origin"));
        HANDSHAKE_HEADERS.forEach(originHeaders::remove);
        options.setHeaders(originHeaders);
        OriginClient origin = backend.origin();
        if (origin == null) {
            new Handshake(client, request, idleTimeout, lifetime, handshakeTimeout, session).start(options);
            return;
        }
        // wss:// to the origin: its route table's client, kept open while this tunnel runs.
        options.setSsl(origin.settings().tls() != null);
        WebSocketClient originClient = origin.webSocketClient();
        origin.tunnelStarted();
        new Handshake(originClient, request, idleTimeout, lifetime, handshakeTimeout,
                new Counted(session, origin, backend)).start(options);
    }

    /** Tells the origin's client when the tunnel is over, whichever way it ends, and logs a TLS failure. */
    private record Counted(Session session, OriginClient origin, Backend backend) implements Session {
        @Override
        public void originTook(long nanos, int status) {
            session.originTook(nanos, status);
        }

        @Override
        public void opened() {
            session.opened();
        }

        @Override
        public void closed() {
            origin.tunnelEnded();
            session.closed();
        }

        @Override
        public void failed(GatewayError error) {
            origin.tunnelEnded();
            origin.logTlsFailure(backend, error.getCause());
            session.failed(error);
        }
    }

    /** The origin is asked first; the user agent is upgraded only once the origin has been. */
    private final class Handshake {
        private final WebSocketClient client;
        private final HttpServerRequest request;
        private final Duration idleTimeout;
        private final TunnelLifetime lifetime;
        private final Duration timeout;
        private final Session session;
        private final long startedAt = System.nanoTime();
        private long timer;
        private boolean over;

        Handshake(WebSocketClient client, HttpServerRequest request, Duration idleTimeout, TunnelLifetime lifetime,
                Duration timeout, Session session) {
            this.client = client;
            this.request = request;
            this.idleTimeout = idleTimeout;
            this.lifetime = lifetime;
            this.timeout = timeout;
            this.session = session;
        }

        void start(WebSocketConnectOptions options) {
            timer = vertx.setTimer(timeout.toMillis(), id -> refuse(new GatewayError.GatewayTimeout(timeout)));
            client.connect(options).onComplete(ar -> {
                if (ar.failed()) {
                    // An UpgradeRejectedException (the origin answered other than 101) or a connection failure.
                    refuse(new GatewayError.BadGateway(ar.cause()));
                    return;
                }
                WebSocket origin = ar.result();
                if (over) {
                    // Too late: the user agent has had its 504.
                    origin.close(GOING_AWAY);
                    return;
                }
                over = true;
                vertx.cancelTimer(timer);
                session.originTook(System.nanoTime() - startedAt, 101);
                // Nothing from the origin may be lost while the user agent is being upgraded.
                origin.pause();
                upgradeUserAgent(origin);
            });
        }

        private void upgradeUserAgent(WebSocket origin) {
            // The origin's 101 headers, less its per-hop handshake ones, go to the user agent's 101.
            MultiMap answer = request.response().headers();
            HopByHop.copyEndToEnd(origin.headers(), answer);
            HANDSHAKE_HEADERS.forEach(answer::remove);
            if (origin.subProtocol() != null) {
                answer.set("sec-websocket-protocol", origin.subProtocol());
            }
            HttpConnection connection = request.connection();
            request.toWebSocket().onComplete(ar -> {
                if (ar.failed()) {
                    // The user agent went away, or its handshake was refused (Vert.x answered it).
                    LOG.debugf("WebSocket upgrade of the user agent failed: %s", ar.cause());
                    origin.close(GOING_AWAY);
                    if (!request.response().headWritten()) {
                        // The origin's 101 headers must not dress up our refusal.
                        answer.clear();
                    }
                    session.failed(new GatewayError.BadRequest("invalid WebSocket handshake"));
                    return;
                }
                // The listener's idle timeout (quarkus.http.idle-timeout) is for HTTP; the tunnel has its own.
                // Vert.x internal (ConnectionBase#channel, the "idle" handler), guarded by dev.edgeproxy.VertxInternalsTest
                if (connection instanceof ConnectionBase base) {
                    ChannelPipeline pipeline = base.channel().pipeline();
                    if (pipeline.get("idle") != null) {
                        pipeline.remove("idle");
                    }
                }
                new Tunnel(ar.result(), origin, idleTimeout, lifetime, session).start();
            });
        }

        private void refuse(GatewayError error) {
            if (over) {
                return;
            }
            over = true;
            vertx.cancelTimer(timer);
            session.originTook(System.nanoTime() - startedAt, 0);
            LOG.debugf("WebSocket upgrade to the origin failed: %s", error.getCause() == null ? error : error.getCause());
            session.failed(error);
        }
    }

    /** Two upgraded WebSockets relaying to each other until either closes, both stay idle or time is up. */
    private final class Tunnel {
        private final ServerWebSocket userAgent;
        private final WebSocket origin;
        private final long idleNanos;
        private final TunnelLifetime lifetime;
        private final Session session;
        private long lastFrame = System.nanoTime();
        private long idleTimer;
        /** The lifetime's timer; -1 when there is none (Vert.x timer ids are never negative). */
        private long lifetimeTimer = -1;
        private boolean closed;

        Tunnel(ServerWebSocket userAgent, WebSocket origin, Duration idleTimeout, TunnelLifetime lifetime,
                Session session) {
            this.userAgent = userAgent;
            this.origin = origin;
            this.idleNanos = idleTimeout.toNanos();
            this.lifetime = lifetime;
            this.session = session;
        }

        void start() {
            session.opened();
            relay(userAgent, origin);
            relay(origin, userAgent);
            userAgent.closeHandler(v -> closedBy(userAgent, origin, GOING_AWAY, "client went away"));
            origin.closeHandler(v -> closedBy(origin, userAgent, BAD_GATEWAY, "origin went away"));
            // Broken frames or connections end in the close handlers; nothing to add but a quiet log.
            userAgent.exceptionHandler(e -> LOG.debugf("WebSocket user agent side: %s", e));
            origin.exceptionHandler(e -> LOG.debugf("WebSocket origin side: %s", e));
            idleTimer = vertx.setTimer(Math.max(1, idleNanos / 1_000_000), id -> checkIdle());
            // Resumed before any close, so that the origin's answering close frame is read.
            origin.resume();
            // Counted from the user agent's upgrade: the moment the session it authenticated begins.
            Instant now = Instant.now();
            TunnelLifetime.Deadline deadline = lifetime.deadline(now);
            if (deadline == null) {
                return;
            }
            long delay = TunnelLifetime.millisUntil(deadline.at(), now);
            if (delay == 0) {
                // Possible within the verifier's clock skew only: the token's exp has passed already.
                end(deadline.reason());
            } else {
                lifetimeTimer = vertx.setTimer(delay, id -> end(deadline.reason()));
            }
        }

        private void relay(WebSocketBase from, WebSocketBase to) {
            from.frameHandler(frame -> {
                lastFrame = System.nanoTime();
                if (closed || !isData(frame)) {
                    // Pings are answered by Vert.x on each hop; close frames arrive at the close handler.
                    return;
                }
                to.writeFrame(frame);
                if (to.writeQueueFull()) {
                    from.pause();
                    to.drainHandler(v -> from.resume());
                }
            });
        }

        /** {@code from} has closed: pass its code and reason on, or say why it vanished. */
        private void closedBy(WebSocketBase from, WebSocketBase to, short vanished, String vanishedReason) {
            if (closed) {
                return;
            }
            Short code = from.closeStatusCode();
            if (code == null) {
                // No close frame: the connection broke (RFC 6455's 1006, which no frame may carry).
                to.close(vanished, vanishedReason);
            } else {
                to.close(code, from.closeReason());
            }
            finish();
        }

        private void checkIdle() {
            if (closed) {
                return;
            }
            long idleFor = System.nanoTime() - lastFrame;
            if (idleFor < idleNanos) {
                idleTimer = vertx.setTimer(Math.max(1, (idleNanos - idleFor) / 1_000_000), id -> checkIdle());
                return;
            }
            userAgent.close(GOING_AWAY, "idle timeout");
            origin.close(GOING_AWAY, "idle timeout");
            finish();
        }

        /** The lifetime is over: both sides are told why (the reason never carries the token). */
        private void end(String reason) {
            if (closed) {
                return;
            }
            userAgent.close(POLICY_VIOLATION, reason);
            origin.close(POLICY_VIOLATION, reason);
            finish();
        }

        private void finish() {
            closed = true;
            vertx.cancelTimer(idleTimer);
            if (lifetimeTimer >= 0) {
                vertx.cancelTimer(lifetimeTimer);
            }
            session.closed();
        }
    }

    private static boolean isData(WebSocketFrame frame) {
        return frame.isText() || frame.isBinary() || frame.isContinuation();
    }

    /** RFC 6455 §4.2.1: a key and version 13, which is all Vert.x (and any browser) speaks. */
    private static boolean validHandshake(MultiMap headers) {
        String key = headers.get("sec-websocket-key");
        return key != null && !key.isBlank() && "13".equals(headers.get("sec-websocket-version"));
    }

    private static List<String> subProtocols(MultiMap headers) {
        List<String> protocols = new ArrayList<>();
        for (String value : headers.getAll("sec-websocket-protocol")) {
            for (String p : value.split(",")) {
                if (!p.isBlank()) {
                    protocols.add(p.strip());
                }
            }
        }
        return protocols.isEmpty() ? null : protocols;
    }

    private static boolean hasToken(MultiMap headers, String name, String token) {
        for (String value : headers.getAll(name)) {
            for (String t : value.split(",")) {
                if (t.strip().toLowerCase(Locale.ROOT).equals(token)) {
                    return true;
                }
            }
        }
        return false;
    }
}
