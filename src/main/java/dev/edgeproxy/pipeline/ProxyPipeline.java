package dev.edgeproxy.pipeline;

import dev.edgeproxy.accesslog.AccessLog;
import dev.edgeproxy.cel.RequestVariables;
import dev.edgeproxy.error.ErrorResponder;
import dev.edgeproxy.error.GatewayError;
import dev.edgeproxy.http.RequestHead;
import dev.edgeproxy.http.RequestHygiene;
import dev.edgeproxy.http.RequestTarget;
import dev.edgeproxy.jwt.Identity;
import dev.edgeproxy.metrics.GatewayMetrics;
import dev.edgeproxy.http.ForwardedHeaders;
import dev.edgeproxy.proxy.Forwarder;
import dev.edgeproxy.http.HopByHop;
import dev.edgeproxy.route.Route;
import dev.edgeproxy.route.RouteTable;
import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.RoutingContext;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;

/**
 * What happens to every request, in order. Each step either hands on to the next or ends the request
 * with a {@link GatewayError}, which {@link ErrorResponder} turns into the response. A
 * {@link RequestRecord} goes along, and reports the request (metrics, access log) once its response ends.
 */
public final class ProxyPipeline implements Handler<RoutingContext> {

    private static final CompletableFuture<Identity> ANONYMOUS = CompletableFuture.completedFuture(Identity.ANONYMOUS);

    private final Supplier<RouteTable> routes;
    private final Forwarder forwarder;
    private final GatewayMetrics metrics;
    private final AccessLog accessLog;

    public ProxyPipeline(Supplier<RouteTable> routes, Forwarder forwarder, GatewayMetrics metrics, AccessLog accessLog) {
        this.routes = routes;
        this.forwarder = forwarder;
        this.metrics = metrics;
        this.accessLog = accessLog;
    }

    @Override
    public void handle(RoutingContext ctx) {
        HttpServerRequest request = ctx.request();
        // Nothing may read the body before the origin can take it: pause before any other step.
        request.pause();
        // Notes what happens below; reports it once the response has ended, however it ends.
        SocketAddress remote = request.remoteAddress();
        RequestRecord record = new RequestRecord(request.method().name(), remote == null ? "" : remote.hostAddress(),
                metrics, accessLog);
        ctx.addEndHandler(end -> record.end(request.response(), end.succeeded()));
        // The table is read once, so a request keeps the routes (and the canonicalisation) it started with.
        RouteTable table = routes.get();
        IncomingRequest live;
        Route route;
        CompletableFuture<Identity> authentication;
        try {
            // 1. Canonicalise: one authority, unambiguous framing, one canonical target, and none of the
            //    headers a client must not supply. Every later step, and the origin, sees only this view.
            live = canonical(request, table.hygiene());
            record.request(live);

            // 2. Match.
            route = table.select(live);
            if (route == null) {
                throw new GatewayError.RouteNotFound();
            }
            record.route(route.name());
            // A declared body over the route's limit is refused before anything reads it.
            if (Forwarder.declaredLength(request) > route.maxRequestBody()) {
                throw new GatewayError.PayloadTooLarge(route.maxRequestBody());
            }

            // 3. Authenticate: verify the credential per the route's mode; a verified credential is
            //    removed from the request here, so neither rules nor the origin ever see it. Complete at
            //    once, except when an unknown kid makes a remote JWKS refetch first.
            authentication = route.authenticator() == null
                    ? ANONYMOUS
                    : route.authenticator().authenticate(live).toCompletableFuture();
        } catch (RuntimeException e) {
            fail(request, record, e);
            return;
        }
        if (authentication.isDone()) {
            afterAuthentication(request, live, record, route, authentication);
        } else {
            Context context = Vertx.currentContext();
            authentication.whenComplete((identity, failure) ->
                    context.runOnContext(v -> afterAuthentication(request, live, record, route, authentication)));
        }
    }

    private void afterAuthentication(HttpServerRequest request, IncomingRequest live, RequestRecord record, Route route,
            CompletableFuture<Identity> authentication) {
        try {
            Identity identity = identity(authentication);
            live.claims(identity.claims());
            record.identity(identity);

            // 4. Authorize: CEL rules over the request and the verified claims; errors deny.
            RequestVariables variables = new RequestVariables(live);
            if (!route.authorizer().authorize(variables)) {
                throw new GatewayError.Forbidden();
            }

            // 5. Prepare the origin request: end-to-end headers only, forwarding headers, then the
            //    route's transformations last, so a header the route sets always wins over the client.
            MultiMap headers = originHeaders(live, route, variables);

            // 6. Forward, streaming both ways, the body held to the route's limit.
            forwarder.forward(request, route.upstreams().pick(), live.upstreamUri(), headers, route.requestTimeout(),
                    route.maxRequestBody(), record::upstreamTook, failure -> fail(request, record, failure));
        } catch (RuntimeException e) {
            fail(request, record, e);
        }
    }

    /** Step 1: the request as every later step sees it, or a {@link GatewayError} refusing it. */
    private static IncomingRequest canonical(HttpServerRequest request, RequestHygiene hygiene) {
        String h2Authority = request.version() == HttpVersion.HTTP_2 && request.authority() != null
                ? request.authority().toString() : null;
        String authority = RequestHead.authority(request.version(), request.headers(), h2Authority);
        RequestHead.checkFraming(request.version(), request.headers());
        RequestTarget target = hygiene.apply(request.method().name(), request.uri(), authority, request.headers());
        return IncomingRequest.of(request, target, authority);
    }

    /**
     * Step 5: the headers the origin receives, from the request as it stands after authentication (a
     * verified credential already removed). Explanations report exactly this.
     */
    public static MultiMap originHeaders(IncomingRequest request, Route route, RequestVariables variables) {
        MultiMap headers = MultiMap.caseInsensitiveMultiMap();
        HopByHop.copyEndToEnd(request.requestHeaders(), headers);
        ForwardedHeaders.apply(headers, request.sourceAddress(), request.scheme(), request.hostHeader());
        route.transform().apply(headers, variables);
        return headers;
    }

    private static Identity identity(CompletableFuture<Identity> authentication) {
        try {
            return authentication.join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
    }

    private static void fail(HttpServerRequest request, RequestRecord record, Throwable failure) {
        record.failed(failure);
        ErrorResponder.respond(request, failure, record.routeName());
        // Let an unread request body drain so the connection can be reused.
        request.resume();
    }
}
