package dev.edgeproxy.listener;

import dev.edgeproxy.config.GatewayConfig;
import dev.edgeproxy.config.ProxyLimits;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.quarkus.vertx.http.HttpServerStart;
import io.quarkus.vertx.http.HttpsServerStart;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.impl.VertxInternal;
import io.vertx.core.net.impl.ConnectionBase;
import io.vertx.core.net.impl.TCPServerBase;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.ObservesAsync;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.lang.reflect.Field;
import java.time.Duration;

/**
 * The request-head deadline ({@code gateway.limits.requestHeadTimeout}), against slowloris: a connection
 * must deliver a complete request head within the deadline of connecting, and again of its previous
 * response ending (HTTP/1.1 keep-alive), or it is closed without an answer. Unlike an idle timeout it is
 * not renewed by incoming bytes, so trickling a header one byte at a time does not keep a connection.
 *
 * <p>Neither Vert.x nor Quarkus offers this, and Quarkus owns the HTTP server, so it is built from two
 * seams: a Netty handler on the proxy port's listening channel arms a {@link HeadWatch} on every
 * accepted connection, and the first handler of the router disarms it, since a request reaches the
 * router only once its head is complete. The listening channel is found once at startup, through
 * Vert.x's registry of shared servers and one private field ({@code TCPServerBase.bindFuture},
 * registered for reflection for the native image). Should that ever fail, the first request
 * found without a watch installs the handler through its connection's parent channel instead.
 *
 * <p>The management port is not watched: its requests never pass the router that disarms the watch.
 */
@ApplicationScoped
@RegisterForReflection(targets = TCPServerBase.class, fields = true, methods = false)
public class HeadDeadline {

    private static final Logger LOG = Logger.getLogger(HeadDeadline.class);

    /** Name of the handler on the listening channel and, until it has armed, on each connection. */
    static final String HANDLER = "edgeproxy-head-deadline";

    private final Vertx vertx;
    private final Duration timeout;
    private final Acceptor acceptor = new Acceptor();

    @Inject
    public HeadDeadline(Vertx vertx, GatewayConfig configured) {
        this(vertx, ProxyLimits.from(configured.limits()).requestHeadTimeout());
    }

    /** With the deadline itself (zero: off); for VertxInternalsTest, which runs it on a plain Vert.x server. */
    HeadDeadline(Vertx vertx, Duration timeout) {
        this.vertx = vertx;
        this.timeout = timeout;
    }

    private boolean enabled() {
        return !timeout.isZero();
    }

    /** Before every other route: the request's head is complete. */
    void route(@Observes Router router) {
        if (enabled()) {
            router.route().order(Integer.MIN_VALUE).handler(this::headArrived);
        }
    }

    void started(@ObservesAsync HttpServerStart start) {
        watchPort(start.options().getPort());
    }

    void startedTls(@ObservesAsync HttpsServerStart start) {
        watchPort(start.options().getPort());
    }

    private void headArrived(RoutingContext ctx) {
        // Vert.x internal (ConnectionBase#channel), guarded by dev.edgeproxy.VertxInternalsTest
        if (ctx.request().connection() instanceof ConnectionBase connection) {
            Channel channel = connection.channel();
            HeadWatch watch = channel.attr(HeadWatch.KEY).get();
            if (watch == null) {
                // Accepted before the listener was watched: watch the listener (once) and this connection from now on.
                if (channel.parent() != null) {
                    watch(channel.parent());
                }
                watch = HeadWatch.attach(channel, timeout);
            }
            HeadWatch w = watch;
            w.requestStarted();
            // HTTP/2 multiplexes and a 101 hands the connection over (WebSocket): the deadline is for
            // the first request only there. HTTP/1.x waits for its next head under the same deadline.
            boolean http1 = ctx.request().version() != HttpVersion.HTTP_2;
            ctx.addEndHandler(end -> w.requestEnded(http1 && ctx.response().getStatusCode() != 101));
        }
        ctx.next();
    }

    private void watchPort(int port) {
        if (!enabled()) {
            return;
        }
        // Vert.x internal (VertxInternal#sharedHttpServers, ServerID#port), guarded by dev.edgeproxy.VertxInternalsTest
        ((VertxInternal) vertx).sharedHttpServers().forEach((id, server) -> {
            if (id.port == port) {
                Channel listener = listeningChannel(server);
                if (listener != null) {
                    watch(listener);
                }
            }
        });
    }

    /**
     * Adds the acceptor on the listening channel's own event loop and waits for it: a handler added from another
     * thread is skipped by the pipeline until its event loop has run the addition, so a connection accepted in
     * between would get no deadline.
     */
    private void watch(Channel listener) {
        if (listener.eventLoop().inEventLoop()) {
            addAcceptor(listener);
        } else {
            listener.eventLoop().submit(() -> addAcceptor(listener)).syncUninterruptibly();
        }
    }

    private synchronized void addAcceptor(Channel listener) {
        if (listener.pipeline().get(HANDLER) == null) {
            listener.pipeline().addFirst(HANDLER, acceptor);
            LOG.infof("request-head deadline %d ms on %s", timeout.toMillis(), listener.localAddress());
        }
    }

    @SuppressWarnings("unchecked")
    private static Channel listeningChannel(TCPServerBase server) {
        try {
            // Vert.x internal (TCPServerBase#bindFuture), guarded by dev.edgeproxy.VertxInternalsTest
            Field field = TCPServerBase.class.getDeclaredField("bindFuture");
            field.setAccessible(true);
            Future<Channel> bound = (Future<Channel>) field.get(server);
            return bound == null ? null : bound.result();
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.warnf("request-head deadline: cannot reach the listening channel (%s); it starts with the first request", e);
            return null;
        }
    }

    /** On the listening channel: sees every accepted connection before it is registered. */
    @ChannelHandler.Sharable
    private final class Acceptor extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof Channel connection) {
                connection.pipeline().addFirst(HANDLER, new Arm());
            }
            ctx.fireChannelRead(msg);
        }
    }

    /** On a new connection, until it is active: starts its clock, then steps out of the way. */
    private final class Arm extends ChannelInboundHandlerAdapter {
        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            HeadWatch.attach(ctx.channel(), timeout).arm();
            ctx.fireChannelActive();
            ctx.pipeline().remove(this);
        }
    }
}
