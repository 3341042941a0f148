package dev.edgeproxy.compile;

import dev.edgeproxy.authz.Authorizer;
import dev.edgeproxy.cel.CelEnvironment;
import dev.edgeproxy.config.ConfigLoader;
import dev.edgeproxy.config.InvalidConfigException;
import dev.edgeproxy.config.LoadedConfig;
import dev.edgeproxy.config.ProxyLimits;
import dev.edgeproxy.crypto.SignatureProvider;
import dev.edgeproxy.jwt.JwtAuthenticator;
import dev.edgeproxy.jwt.jwks.JwksFetcher;
import dev.edgeproxy.metrics.GatewayMetrics;
import dev.edgeproxy.proxy.OriginClient;
import dev.edgeproxy.proxy.OriginClientFactory;
import dev.edgeproxy.route.Route;
import dev.edgeproxy.route.RouteTable;
import io.smallrye.config.SmallRyeConfig;
import io.vertx.core.Vertx;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.Config;
import org.jboss.logging.Logger;

/**
 * The route table in force, and the one place it is made: loads the configuration ({@link ConfigLoader}),
 * compiles it ({@link GatewayCompiler}) and holds the result. Owns the one CEL environment, the one JWKS
 * fetcher and the one origin client factory that every table uses; each table's origin clients are made as
 * it is compiled, before it is put in force.
 *
 * <p>The startup table is compiled when this bean is created, before the router serves anything; an
 * invalid configuration throws there, which aborts startup with every route and field at fault.
 * {@link #reload()} puts a new table in force or refuses, keeping the old one.
 */
@ApplicationScoped
public class RouteTables {

    private static final Logger LOG = Logger.getLogger(RouteTables.class);

    private final ConfigLoader loader;
    private final GatewayMetrics metrics;
    private final CelEnvironment cel = new CelEnvironment();
    /** {@code null}: tables are compiled without origin clients (a test that only reads them). */
    private final Vertx vertx;
    private JwksFetcher fetcher;
    private OriginClientFactory origins;
    private volatile GatewayCompiler.Compiled compiled;

    @Inject
    public RouteTables(Config config, GatewayMetrics metrics, Vertx vertx) {
        this(ConfigLoader.of(config.unwrap(SmallRyeConfig.class)), metrics, vertx);
    }

    /**
     * @throws InvalidConfigException when the configuration is refused (also a bad crypto provider setting)
     */
    RouteTables(ConfigLoader loader, GatewayMetrics metrics, Vertx vertx) {
        this.loader = loader;
        this.metrics = metrics;
        this.vertx = vertx;
        GatewayCompiler.Compiled first = GatewayCompiler.compile(loader.load(), cel, this::fetcher, this::originMaker);
        // Off the startup path: loading ACCP (unpacking and linking its library, self-tests) takes longer than
        // the rest of startup. Until it is in place the JDK's providers check signatures.
        SignatureProvider.installInBackground(first.cryptoProvider());
        for (Route route : first.table().routes()) {
            JwtAuthenticator jwt = route.policies().find(JwtAuthenticator.class);
            LOG.infof("route %s -> %s (jwt: %s, rules: %s)", route.name(), route.backends().all(),
                    jwt == null ? "none" : jwt.mode().name().toLowerCase(),
                    Authorizer.of(route.policies()).hasRules() ? "yes" : "no");
        }
        this.compiled = first;
    }

    /** The route table in force: requests take it once, when they start. */
    public RouteTable current() {
        return compiled.table();
    }

    /**
     * What is in force: the table and the configuration it came from. (The pipeline and the origin client
     * take the access log and the limits once, at startup; a reload changes the routes.)
     */
    public GatewayCompiler.Compiled compiled() {
        return compiled;
    }

    /**
     * Loads the configuration as the files say now, compiles it and puts it in force for every request that
     * starts from now on; requests already running finish on the table they started with, and the previous
     * table is retired (its key refreshes stop). When the new configuration is refused, nothing changes.
     *
     * @return the configuration now in force
     * @throws InvalidConfigException           naming every route and field at fault
     * @throws RuntimeException                 from SmallRye when the content does not bind
     */
    public synchronized LoadedConfig reload() {
        GatewayCompiler.Compiled next = GatewayCompiler.compile(loader.reload(), cel, this::fetcher, this::originMaker);
        RouteTable previous = compiled.table();
        compiled = next;
        previous.retire();
        return next.loaded();
    }

    /** Stops the background refresh of remote JWKS. */
    @PreDestroy
    synchronized void close() {
        if (fetcher != null) {
            fetcher.close();
        }
    }

    /** The one fetcher, sized by the limits of the first configuration compiled. */
    private synchronized JwksFetcher fetcher(ProxyLimits limits) {
        if (fetcher == null) {
            fetcher = new JwksFetcher(limits.jwksMaxBytes());
            fetcher.onFetch(metrics::jwksFetch);
        }
        return fetcher;
    }

    /**
     * The one origin client factory, with the limits of the first configuration compiled (the user's limits
     * also while the sample routes are in force: they protect the process, not a route).
     */
    private synchronized OriginClient.Maker originMaker(ProxyLimits limits) {
        if (vertx == null) {
            return OriginClient.Maker.NONE;
        }
        if (origins == null) {
            origins = OriginClientFactory.of(vertx, limits, metrics::upstreamTlsFailure);
        }
        return origins;
    }

    /** What makes the origin clients (the server's shared ones too); {@code null} without Vert.x. */
    public synchronized OriginClientFactory origins() {
        return origins;
    }
}
