package dev.edgeproxy.pipeline;

import dev.edgeproxy.accesslog.AccessLog;
import dev.edgeproxy.error.ErrorResponder;
import dev.edgeproxy.error.GatewayError;
import dev.edgeproxy.metrics.GatewayMetrics;
import dev.edgeproxy.proxy.Forwarder;
import dev.edgeproxy.proxy.Outbound;
import dev.edgeproxy.proxy.TunnelLifetime;
import dev.edgeproxy.proxy.WebSocketTunnel;
import dev.edgeproxy.route.Route;
import dev.edgeproxy.route.RouteTable;
import dev.edgeproxy.route.WebSocketUpgrade;
import dev.edgeproxy.trace.Tracing;
import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.RoutingContext;

import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * What happens to every request, in order: 1. canonicalise, 2.–5. match, authenticate, authorize and prepare
 * the origin's headers ({@link Evaluator}), 6. forward, or answer with the evaluation's {@link GatewayError}. A
 * {@link RequestRecord} goes along: it tells the request's trace what happens, and reports the request
 * (metrics, access log) once its response ends.
 */
public final class ProxyPipeline implements Handler<RoutingContext> {

    private final Supplier<RouteTable> routes;
    private final Forwarder forwarder;
    private final WebSocketTunnel tunnel;
    private final GatewayMetrics metrics;
    private final AccessLog accessLog;
    private final Tracing tracing;

    public ProxyPipeline(Supplier<RouteTable> routes, Forwarder forwarder, WebSocketTunnel tunnel, GatewayMetrics metrics,
            AccessLog accessLog, Tracing tracing) {
        this.routes = routes;
        this.forwarder = forwarder;
        this.tunnel = tunnel;
        this.metrics = metrics;
        this.accessLog = accessLog;
        this.tracing = tracing;
    }

    @Override
    public void handle(RoutingContext ctx) {
        HttpServerRequest request = ctx.request();
        // Nothing may read the body before the origin can take it: pause before any other step.
        request.pause();
        // Notes what happens below; reports it once the response has ended, however it ends.
        SocketAddress remote = request.remoteAddress();
        RequestRecord record = new RequestRecord(request.method().name(), remote == null ? "" : remote.hostAddress(),
                metrics, accessLog, tracing.start(request));
        ctx.addEndHandler(end -> record.end(request.response(), end.succeeded()));
        // The table is read once, so a request keeps the routes (and the canonicalisation) it started with.
        RouteTable table = routes.get();
        CompletionStage<Evaluation> evaluation;
        try {
            // 1.–5. Canonicalise, match, authenticate, authorize, prepare the origin's headers.
            Context context = Vertx.currentContext();
            Executor eventLoop = task -> context.runOnContext(v -> task.run());
            evaluation = Evaluator.evaluate(table, Arrival.of(request), Evaluator.Purpose.FORWARD, eventLoop);
        } catch (RuntimeException e) {
            fail(request, record, e);
            return;
        }
        // Runs at once when the evaluation is complete (nearly always), else on the event loop.
        evaluation.whenComplete((result, failure) -> {
            try {
                if (failure != null) {
                    fail(request, record, failure instanceof CompletionException c ? c.getCause() : failure);
                } else {
                    act(request, record, result);
                }
            } catch (RuntimeException e) {
                fail(request, record, e);
            }
        });
    }

    /**
     * 6. Forward, streaming both ways with the body held to the route's limit, or answer the refusal. A
     * WebSocket upgrade on a {@code websocket} route is tunnelled instead, unless its {@code Origin} is not one the
     * route allows (403, the origin never asked); on any other route it is forwarded as a plain request (its
     * {@code Upgrade} removed with the other hop-by-hop headers).
     */
    private void act(HttpServerRequest request, RequestRecord record, Evaluation evaluation) {
        record.evaluated(evaluation);
        if (!evaluation.forwarded()) {
            fail(request, record, evaluation.refusal());
            return;
        }
        Route route = evaluation.route();
        WebSocketUpgrade websocket = route.websocket();
        boolean tunnelled = websocket != null && WebSocketTunnel.isUpgrade(request);
        // Cross-site WebSocket hijacking: a page of another site must not open a tunnel with the user's cookie.
        if (tunnelled && !websocket.allowedOrigins().allows(request.headers().getAll("origin"))) {
            fail(request, record, new GatewayError.Forbidden("origin not allowed"));
            return;
        }
        Outbound outbound = evaluation.outbound(route.backends().pick());
        record.forwarding(outbound.backend(), outbound.headers());
        if (tunnelled) {
            // Ends at the route's cap or the verified token's exp, whichever comes first.
            TunnelLifetime lifetime = TunnelLifetime.of(websocket.maxLifetime(), evaluation.identity().claims());
            tunnel.open(request, outbound, websocket.idleTimeout(), lifetime,
                    new TunnelSession(request, record, route.name()));
            return;
        }
        forwarder.forward(request, outbound, record::originTook, failure -> fail(request, record, failure));
    }

    /** Reports a tunnel to the request's record and the WebSocket meters. */
    private final class TunnelSession implements WebSocketTunnel.Session {
        private final HttpServerRequest request;
        private final RequestRecord record;
        private final String routeName;

        TunnelSession(HttpServerRequest request, RequestRecord record, String routeName) {
            this.request = request;
            this.record = record;
            this.routeName = routeName;
        }

        @Override
        public void originTook(long nanos, int status) {
            record.originTook(nanos, status);
        }

        @Override
        public void opened() {
            metrics.webSocketOpened(routeName);
        }

        @Override
        public void closed() {
            metrics.webSocketClosed();
            // After the 101 Vert.x no longer tells the response about the connection's end: report here.
            record.end(request.response(), true);
        }

        @Override
        public void failed(GatewayError error) {
            fail(request, record, error);
        }
    }

    private static void fail(HttpServerRequest request, RequestRecord record, Throwable failure) {
        record.failed(failure);
        ErrorResponder.respond(request, failure, record.routeName());
        // Let an unread request body drain so the connection can be reused.
        request.resume();
    }
}
