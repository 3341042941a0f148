package dev.edgeproxy.server;

import dev.edgeproxy.pipeline.ProxyPipeline;
import dev.edgeproxy.accesslog.AccessLog;
import dev.edgeproxy.cel.CelEnvironment;
import dev.edgeproxy.config.EffectiveConfig;
import dev.edgeproxy.config.GatewayConfig;
import dev.edgeproxy.config.ProxyLimits;
import dev.edgeproxy.compile.RouteCompiler;
import dev.edgeproxy.jwt.JwksFetcher;
import dev.edgeproxy.jwt.SignatureProvider;
import dev.edgeproxy.metrics.GatewayMetrics;
import dev.edgeproxy.proxy.Forwarder;
import dev.edgeproxy.route.Route;
import dev.edgeproxy.route.RouteTable;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;
import io.vertx.ext.web.Router;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Compiles the configured routes at startup and installs the proxy pipeline on the HTTP router.
 *
 * <p>Compilation happens before the router serves anything; an invalid configuration throws here,
 * which aborts startup with the compiler's message (every route and field at fault).
 */
@ApplicationScoped
public class GatewayRoutes {

    private static final Logger LOG = Logger.getLogger(GatewayRoutes.class);

    /** After Quarkus' own routes (dev UI and the like), before the default 404 handling. */
    static final int ROUTE_ORDER = 10_000;

    private final EffectiveConfig config;
    private final GatewayConfig.AccessLog accessLogConfig;
    private final GatewayMetrics metrics;
    private final Vertx vertx;
    private final String cryptoProvider;
    private final ProxyLimits limits;
    private final JwksFetcher fetcher;
    private volatile RouteTable table;

    /**
     * @param configured the user's configuration: the access log settings always come from there, also
     *                   while the sample routes are in force
     */
    public GatewayRoutes(EffectiveConfig config, GatewayConfig configured, GatewayMetrics metrics, Vertx vertx,
            @ConfigProperty(name = "edge-proxy.crypto.provider", defaultValue = "auto") String cryptoProvider) {
        this.config = config;
        this.cryptoProvider = cryptoProvider;
        this.accessLogConfig = configured.accessLog();
        this.metrics = metrics;
        this.vertx = vertx;
        // The user's limits also while the sample routes are in force: they protect the process, not a route.
        this.limits = ProxyLimits.from(configured.limits());
        this.fetcher = new JwksFetcher(limits.jwksMaxBytes());
        fetcher.onFetch(metrics::jwksFetch);
    }

    void install(@Observes Router router) {
        // Before any key is used: smallrye-jwt looks signature algorithms up by name at every check.
        SignatureProvider.install(cryptoProvider);
        if (vertx.isNativeTransportEnabled()) {
            LOG.info("network transport: native (epoll)");
        } else {
            Throwable why = vertx.unavailableNativeTransportCause();
            LOG.infof("network transport: NIO (%s)", why == null ? "native transport off or not in this build" : why.toString());
        }
        table = RouteCompiler.compile(config.get(), new CelEnvironment(), fetcher);
        AccessLog accessLog = AccessLog.create(accessLogConfig.enabled(), accessLogConfig.format());
        for (Route route : table.routes()) {
            LOG.infof("route %s -> %s (jwt: %s, rules: %s)", route.name(), route.upstreams().upstreams(),
                    route.authenticator() == null ? "none" : route.authenticator().mode().name().toLowerCase(),
                    route.authorizer().hasRules() ? "yes" : "no");
        }
        // Pool and wait queue are per origin (host:port); a full queue answers 503 (Forwarder).
        var client = vertx.createHttpClient(
                new HttpClientOptions()
                        .setKeepAlive(true)
                        .setKeepAliveTimeout(60)
                        .setConnectTimeout((int) Math.min(Integer.MAX_VALUE, limits.upstreamConnectTimeout().toMillis()))
                        .setDecompressionSupported(false),
                new PoolOptions()
                        .setHttp1MaxSize(limits.upstreamMaxConnections())
                        .setMaxWaitQueueSize(limits.upstreamMaxWaitQueue()));
        ProxyPipeline pipeline = new ProxyPipeline(() -> table, new Forwarder(vertx, client), metrics, accessLog);
        router.route().order(ROUTE_ORDER).handler(pipeline);
    }

    /** Stops the background refresh of remote JWKS. */
    @PreDestroy
    void close() {
        fetcher.close();
    }

    /**
     * Puts {@code next} in force for every request that starts from now on; requests already running
     * finish on the table they started with. The previous table is retired (its key refreshes stop).
     */
    public synchronized void replace(RouteTable next) {
        RouteTable previous = table;
        table = next;
        if (previous != null) {
            previous.retire();
        }
    }

    /** The fetcher that remote JWKS of every table use. */
    public JwksFetcher fetcher() {
        return fetcher;
    }

    /** The route table in force. */
    public RouteTable table() {
        return table;
    }
}
