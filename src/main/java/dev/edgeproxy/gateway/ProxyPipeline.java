package dev.edgeproxy.gateway;

import dev.edgeproxy.authz.RequestVariables;
import dev.edgeproxy.error.ErrorResponder;
import dev.edgeproxy.error.GatewayError;
import dev.edgeproxy.jwt.Identity;
import dev.edgeproxy.proxy.ForwardedHeaders;
import dev.edgeproxy.proxy.Forwarder;
import dev.edgeproxy.proxy.HopByHop;
import dev.edgeproxy.route.Route;
import dev.edgeproxy.route.RouteTable;
import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;

/**
 * What happens to every request, in order. Each step either hands on to the next or ends the request
 * with a {@link GatewayError}, which {@link ErrorResponder} turns into the response.
 */
public final class ProxyPipeline implements Handler<RoutingContext> {

    private static final CompletableFuture<Identity> ANONYMOUS = CompletableFuture.completedFuture(Identity.ANONYMOUS);

    private final Supplier<RouteTable> routes;
    private final Forwarder forwarder;

    public ProxyPipeline(Supplier<RouteTable> routes, Forwarder forwarder) {
        this.routes = routes;
        this.forwarder = forwarder;
    }

    @Override
    public void handle(RoutingContext ctx) {
        HttpServerRequest request = ctx.request();
        // Nothing may read the body before the origin can take it: pause before any other step.
        request.pause();
        IncomingRequest live = IncomingRequest.of(request);
        Route route;
        CompletableFuture<Identity> authentication;
        try {
            // 1. Match: the table is read once, so a request keeps the routes it started with.
            route = routes.get().select(live);
            if (route == null) {
                throw new GatewayError.RouteNotFound();
            }

            // 2. Authenticate: verify the credential per the route's mode; a verified credential is
            //    removed from the request here, so neither rules nor the origin ever see it. Complete at
            //    once, except when an unknown kid makes a remote JWKS refetch first.
            authentication = route.authenticator() == null
                    ? ANONYMOUS
                    : route.authenticator().authenticate(live).toCompletableFuture();
        } catch (RuntimeException e) {
            fail(request, e, null);
            return;
        }
        if (authentication.isDone()) {
            afterAuthentication(request, live, route, authentication);
        } else {
            Context context = Vertx.currentContext();
            authentication.whenComplete((identity, failure) ->
                    context.runOnContext(v -> afterAuthentication(request, live, route, authentication)));
        }
    }

    private void afterAuthentication(HttpServerRequest request, IncomingRequest live, Route route,
            CompletableFuture<Identity> authentication) {
        try {
            live.claims(identity(authentication).claims());

            // 3. Authorize: CEL rules over the request and the verified claims; errors deny.
            RequestVariables variables = new RequestVariables(live);
            if (!route.authorizer().authorize(variables)) {
                throw new GatewayError.Forbidden();
            }

            // 4. Prepare the origin request: end-to-end headers only, forwarding headers, then the
            //    route's transformations last, so a header the route sets always wins over the client.
            MultiMap headers = originHeaders(live, route, variables);

            // 5. Forward, streaming both ways.
            forwarder.forward(request, route.upstreams().pick(), live.upstreamUri(), headers, route.requestTimeout(),
                    failure -> fail(request, failure, route.name()));
        } catch (RuntimeException e) {
            fail(request, e, route.name());
        }
    }

    /**
     * Step 4: the headers the origin receives, from the request as it stands after authentication (a
     * verified credential already removed). Explanations report exactly this.
     */
    static MultiMap originHeaders(IncomingRequest request, Route route, RequestVariables variables) {
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

    private static void fail(HttpServerRequest request, Throwable failure, String routeName) {
        ErrorResponder.respond(request.response(), failure, routeName);
        // Let an unread request body drain so the connection can be reused.
        request.resume();
    }
}
