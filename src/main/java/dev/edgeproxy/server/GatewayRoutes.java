package dev.edgeproxy.server;

import dev.edgeproxy.compile.GatewayCompiler;
import dev.edgeproxy.compile.RouteTables;
import dev.edgeproxy.metrics.GatewayMetrics;
import dev.edgeproxy.pipeline.ProxyPipeline;
import dev.edgeproxy.proxy.Forwarder;
import dev.edgeproxy.proxy.OriginClientFactory;
import dev.edgeproxy.proxy.OriginLeases;
import dev.edgeproxy.proxy.WebSocketTunnel;
import dev.edgeproxy.trace.Tracing;
import io.opentelemetry.api.OpenTelemetry;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.ConfigProvider;
import org.jboss.logging.Logger;

/**
 * Installs the proxy pipeline on the HTTP router, over the route table in force ({@link RouteTables}).
 *
 * <p>The routes are compiled before the router serves anything (when {@link RouteTables} is first used,
 * here); an invalid configuration throws there, which aborts startup.
 */
@ApplicationScoped
public class GatewayRoutes {

    private static final Logger LOG = Logger.getLogger(GatewayRoutes.class);

    /** After Quarkus' own routes (dev UI and the like), before the default 404 handling. */
    static final int ROUTE_ORDER = 10_000;

    private final RouteTables routes;
    private final GatewayMetrics metrics;
    private final Vertx vertx;
    private final OpenTelemetry openTelemetry;

    public GatewayRoutes(RouteTables routes, GatewayMetrics metrics, Vertx vertx, OpenTelemetry openTelemetry) {
        this.routes = routes;
        this.metrics = metrics;
        this.vertx = vertx;
        this.openTelemetry = openTelemetry;
    }

    void install(@Observes Router router) {
        if (vertx.isNativeTransportEnabled()) {
            LOG.info("network transport: native (epoll)");
        } else {
            Throwable why = vertx.unavailableNativeTransportCause();
            LOG.infof("network transport: NIO (%s)", why == null ? "native transport off or not in this build" : why.toString());
        }
        GatewayCompiler.Compiled startup = routes.compiled();
        // Plain origins share the server's clients; those with TLS or HTTP/2 have their own, made by the same
        // factory as their route table was compiled, and closed when it is retired.
        OriginClientFactory origins = routes.origins();
        var forwarder = new Forwarder(vertx, origins.makeShared(), new OriginLeases());
        metrics.originLeased(forwarder.leases()::leased);
        var tunnel = new WebSocketTunnel(vertx, origins.makeSharedWebSocket());
        // Off unless an OTLP endpoint is configured; a wrong edge-proxy.tracing.client-sampling stops startup here.
        Tracing tracing = Tracing.configured(ConfigProvider.getConfig(), openTelemetry);
        LOG.info("tracing: " + tracing.description());
        ProxyPipeline pipeline = new ProxyPipeline(routes::current, forwarder, tunnel,
                metrics, startup.accessLog(), tracing);
        router.route().order(ROUTE_ORDER).handler(pipeline);
    }
}
