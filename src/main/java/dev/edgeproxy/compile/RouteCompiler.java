package dev.edgeproxy.compile;

import dev.edgeproxy.authz.AuthorizationCompiler;
import dev.edgeproxy.cel.CelEnvironment;
import dev.edgeproxy.config.Durations;
import dev.edgeproxy.config.GatewayConfig;
import dev.edgeproxy.config.InvalidConfigException;
import dev.edgeproxy.config.ProblemSink;
import dev.edgeproxy.config.Problems;
import dev.edgeproxy.config.ProxyLimits;
import dev.edgeproxy.config.Sizes;
import dev.edgeproxy.http.RequestHygiene;
import dev.edgeproxy.http.TargetCanonicalizer;
import dev.edgeproxy.ipaccess.IpAccessCompiler;
import dev.edgeproxy.jwt.JwtPolicyCompiler;
import dev.edgeproxy.jwt.jwks.JwksFetcher;
import dev.edgeproxy.proxy.AllowedOrigins;
import dev.edgeproxy.proxy.Backend;
import dev.edgeproxy.proxy.Backends;
import dev.edgeproxy.proxy.OriginClient;
import dev.edgeproxy.ratelimit.RateLimitCompiler;
import dev.edgeproxy.route.HostMatch;
import dev.edgeproxy.route.Route;
import dev.edgeproxy.route.RouteMatch;
import dev.edgeproxy.route.RoutePolicies;
import dev.edgeproxy.route.RoutePolicy;
import dev.edgeproxy.route.RouteTable;
import dev.edgeproxy.route.WebSocketUpgrade;
import dev.edgeproxy.transform.TransformCompiler;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The only place where configuration can be wrong: turns the {@link GatewayConfig} tree into an
 * immutable {@link RouteTable}, loading keys and compiling every CEL expression on the way.
 *
 * <p>It never stops at the first problem: every error is collected with the route and the field it
 * concerns, and if there is any, {@link #compile} throws them all in one {@link InvalidConfigException}
 * so that nothing ever runs half-configured.
 */
public final class RouteCompiler {

    static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(15);
    /** As {@link GatewayConfig.Limits#websocketIdleTimeout()} declares it. */
    static final Duration DEFAULT_WEBSOCKET_IDLE_TIMEOUT = Duration.ofMinutes(5);
    /** How problems outside any route read: {@code gateway: limits.maxRequestBody: ...}. */
    private static final String GLOBAL = "gateway";


    private final Problems problems = new Problems();
    private final JwtPolicyCompiler jwt;
    private final AuthorizationCompiler authorization;
    private final TransformCompiler transformations;
    private final RateLimitCompiler rateLimit;
    private final IpAccessCompiler ipAccess = new IpAccessCompiler();
    private final OriginCompiler origins;

    private RouteCompiler(CelEnvironment cel, Supplier<JwksFetcher> fetcher, ProxyLimits limits,
            OriginClient.Maker maker) {
        this.jwt = new JwtPolicyCompiler(fetcher);
        this.authorization = new AuthorizationCompiler(cel, limits.errorLogInterval());
        this.transformations = new TransformCompiler(cel, limits.errorLogInterval());
        this.rateLimit = new RateLimitCompiler();
        this.origins = new OriginCompiler(maker);
    }

    /**
     * @param fetcher fetches and refreshes remote JWKS ({@code jwks.url}) for the compiled routes
     * @param maker   makes the origin clients of the routes' backends as they are compiled; the table owns them
     * @throws InvalidConfigException listing every problem, each prefixed with its route and field
     */
    public static RouteTable compile(GatewayConfig config, CelEnvironment cel, JwksFetcher fetcher,
            OriginClient.Maker maker) {
        return new RouteCompiler(cel, () -> fetcher, ProxyLimits.from(config.limits()), maker).compileAll(config);
    }

    /**
     * A table to read, not to serve: origin clients are not made ({@link OriginClient.Maker#NONE}), and a
     * fetcher is created only if some provider has a {@code jwks.url}.
     */
    public static RouteTable compile(GatewayConfig config, CelEnvironment cel) {
        ProxyLimits limits = ProxyLimits.from(config.limits());
        JwksFetcher[] lazy = new JwksFetcher[1];
        return new RouteCompiler(cel, () -> lazy[0] == null ? lazy[0] = new JwksFetcher(limits.jwksMaxBytes()) : lazy[0],
                limits, OriginClient.Maker.NONE).compileAll(config);
    }

    private RouteTable compileAll(GatewayConfig config) {
        List<GatewayConfig.Route> configs = config.routes().orElse(List.of());
        ProblemSink gateway = problems.scope(GLOBAL, "");
        RequestTargetCompiler requests = new RequestTargetCompiler(gateway);
        TargetCanonicalizer canonicalizer = new TargetCanonicalizer(requests.targetPolicy(config.requestTarget()));
        long defaultMaxBody = config.limits().maxRequestBody()
                .map(v -> size(gateway, "limits.maxRequestBody", v)).orElse(Route.UNLIMITED);
        WebSocketDefaults webSocketDefaults = new WebSocketDefaults(
                positiveDuration(gateway, "limits.websocketIdleTimeout", config.limits().websocketIdleTimeout(),
                        DEFAULT_WEBSOCKET_IDLE_TIMEOUT),
                config.limits().websocketMaxLifetime()
                        .map(v -> positiveDuration(gateway, "limits.websocketMaxLifetime", v, null)).orElse(null));
        List<Route> routes = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (int i = 0; i < configs.size(); i++) {
            GatewayConfig.Route rc = configs.get(i);
            String name = rc.name().map(String::strip).orElse("");
            String where = name.isEmpty() ? "route #" + i : "route '" + name + "'";
            ProblemSink here = problems.scope(where, "");
            if (name.isEmpty()) {
                here.at("name", "is required");
            } else if (!names.add(name)) {
                here.at("name", "is used by more than one route");
            }
            int before = problems.count();
            Route route = compileRoute(here, where, name, rc, new MatchCompiler(here, canonicalizer), defaultMaxBody,
                    webSocketDefaults);
            if (problems.count() == before) {
                routes.add(route);
            }
        }
        RequestHygiene hygiene = requests.hygiene(config, routes, canonicalizer);
        if (problems.count() > 0) {
            // Nothing half-configured keeps running: stop the key refreshes this attempt started.
            new RouteTable(List.of(), jwt.started(), RequestHygiene.DEFAULT).retire();
            throw new InvalidConfigException(problems.all());
        }
        // The table owns its origin clients: once retired, they close after its longest request can be over.
        origins.clients().grace(routes.stream().map(Route::requestTimeout).max(Duration::compareTo)
                .orElse(DEFAULT_REQUEST_TIMEOUT).plusSeconds(1));
        List<AutoCloseable> resources = new ArrayList<>(jwt.started());
        resources.add(origins.clients());
        return new RouteTable(routes, resources, hygiene);
    }

    private static long size(ProblemSink problems, String field, String value) {
        try {
            return Sizes.parse(value);
        } catch (IllegalArgumentException e) {
            problems.at(field, e.getMessage());
            return Route.UNLIMITED;
        }
    }

    /**
     * @param here  the route's problems: fields are reported as {@code backends[0].host}
     * @param where the route as problems name it: {@code route 'x'}, or {@code route #i} without a name
     */
    private Route compileRoute(ProblemSink here, String where, String name, GatewayConfig.Route rc,
            MatchCompiler matching, long defaultMaxBody, WebSocketDefaults webSocketDefaults) {
        HostMatch hosts = matching.hostnames(rc.hostnames().orElse(List.of()));
        List<RouteMatch> matches = matching.matches(rc.matches().orElse(List.of()));
        Backends backends = backends(here, where, name, rc.backends().orElse(List.of()));
        Optional<GatewayConfig.Policies> policies = rc.policies();
        // Each policy compiler gets a sink scoped to its own key, and reports fields relative to it. The list is
        // in configuration order; RoutePolicies orders it by phase.
        List<RoutePolicy> compiled = new ArrayList<>();
        policies.flatMap(GatewayConfig.Policies::jwtAuth)
                .map(j -> jwt.compile(name, j, policy(where, "jwtAuth"))).ifPresent(compiled::add);
        policies.flatMap(GatewayConfig.Policies::localRateLimit)
                .map(l -> rateLimit.compile(l, policy(where, "localRateLimit"))).ifPresent(compiled::add);
        policies.flatMap(GatewayConfig.Policies::ipAccess)
                .map(a -> ipAccess.compile(a, policy(where, "ipAccess"))).ifPresent(compiled::add);
        policies.flatMap(GatewayConfig.Policies::authorization)
                .map(a -> authorization.compile(name, a, policy(where, "authorization"))).ifPresent(compiled::add);
        policies.flatMap(GatewayConfig.Policies::transformations)
                .map(t -> transformations.compile(name, t, policy(where, "transformations"))).ifPresent(compiled::add);
        Duration timeout = policies.flatMap(GatewayConfig.Policies::timeout)
                .flatMap(GatewayConfig.Timeout::requestTimeout)
                .map(t -> positiveDuration(here, "policies.timeout.requestTimeout", t, DEFAULT_REQUEST_TIMEOUT))
                .orElse(DEFAULT_REQUEST_TIMEOUT);
        long maxBody = rc.limits().flatMap(GatewayConfig.RouteLimits::maxRequestBody)
                .map(v -> size(here, "limits.maxRequestBody", v)).orElse(defaultMaxBody);
        WebSocketUpgrade websocket = websocket(here, rc, webSocketDefaults);
        return new Route(name, hosts, matches, backends, new RoutePolicies(compiled), timeout, maxBody, websocket);
    }

    private Backends backends(ProblemSink here, String where, String routeName, List<GatewayConfig.Backend> configs) {
        if (configs.isEmpty()) {
            here.at("backends", "needs at least one backend with host: host:port");
            return null;
        }
        List<Backend> compiled = new ArrayList<>();
        for (int i = 0; i < configs.size(); i++) {
            String field = "backends[" + i + "].host";
            Optional<String> host = configs.get(i).host();
            if (host.isEmpty()) {
                here.at(field, "is required (host:port)");
                continue;
            }
            Backend address;
            try {
                address = Backend.parse(host.get());
            } catch (IllegalArgumentException e) {
                here.at(field, e.getMessage());
                continue;
            }
            String entry = "backends[" + i + "]";
            Backend backend = origins.compile(routeName, entry, configs.get(i), address,
                    problems.scope(where, entry));
            if (backend != null) {
                compiled.add(backend);
            }
        }
        return compiled.isEmpty() ? null : new Backends(compiled);
    }

    // --- policies -------------------------------------------------------------------------------

    /** {@code gateway.limits}' WebSocket settings, for the routes that set none: {@code maxLifetime} may be null. */
    private record WebSocketDefaults(Duration idleTimeout, Duration maxLifetime) {
    }

    /**
     * {@code websocket: true}, with the route's idle timeout, lifetime cap and allowed origins; {@code null} when
     * the route does not upgrade.
     */
    private static WebSocketUpgrade websocket(ProblemSink here, GatewayConfig.Route rc, WebSocketDefaults defaults) {
        Optional<String> idle = rc.limits().flatMap(GatewayConfig.RouteLimits::websocketIdleTimeout);
        Optional<String> lifetime = rc.limits().flatMap(GatewayConfig.RouteLimits::websocketMaxLifetime);
        Optional<List<String>> origins = rc.websocketAllowedOrigins();
        if (!rc.websocket().orElse(false)) {
            // A setting that can never apply is a mistake worth naming, not a silent no-op: an origin list on a
            // route that does not upgrade would look like protection and be none.
            String only = "applies to a route with websocket: true only";
            idle.ifPresent(v -> here.at("limits.websocketIdleTimeout", only));
            lifetime.ifPresent(v -> here.at("limits.websocketMaxLifetime", only));
            origins.ifPresent(v -> here.at("websocketAllowedOrigins", only));
            return null;
        }
        // Tunnels speak HTTP/1.1 to the origin (ws://, or wss:// with tls): an HTTP/2 backend would get a request
        // it cannot upgrade. Vert.x 4.5's WebSocket client verifies the name it connects to, so a tls.sni other
        // than the host cannot be honoured; both are refused rather than half-honoured.
        List<GatewayConfig.Backend> backends = rc.backends().orElse(List.of());
        for (int i = 0; i < backends.size(); i++) {
            GatewayConfig.Backend backend = backends.get(i);
            if (backend.protocol().filter(p -> !p.strip().equals("http1")).isPresent()) {
                here.at("backends[" + i + "].protocol", "a websocket route tunnels over HTTP/1.1 (protocol: http2 is "
                        + "not supported with websocket: true)");
            }
            if (backend.tls().flatMap(GatewayConfig.BackendTls::sni).isPresent()) {
                here.at("backends[" + i + "].tls.sni", "not supported with websocket: true (the name verified is the "
                        + "host's; use the certificate's name as host)");
            }
        }
        return new WebSocketUpgrade(
                idle.map(v -> positiveDuration(here, "limits.websocketIdleTimeout", v, defaults.idleTimeout()))
                        .orElse(defaults.idleTimeout()),
                lifetime.map(v -> positiveDuration(here, "limits.websocketMaxLifetime", v, defaults.maxLifetime()))
                        .orElse(defaults.maxLifetime()),
                origins.map(entries -> allowedOrigins(here, entries)).orElse(AllowedOrigins.ANY));
    }

    /** Each entry checked on its own, so that every bad one is named with its index. */
    private static AllowedOrigins allowedOrigins(ProblemSink here, List<String> entries) {
        List<String> valid = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
            String entry = entries.get(i).strip();
            try {
                valid.add(AllowedOrigins.normalize(entry));
            } catch (IllegalArgumentException e) {
                here.at("websocketAllowedOrigins[" + i + "]", e.getMessage());
            }
        }
        return AllowedOrigins.of(valid);
    }

    // --- helpers --------------------------------------------------------------------------------

    /** The sink of one policy of the route {@code where}: {@code route 'x': policies.<key>.<field>: ...}. */
    private ProblemSink policy(String where, String key) {
        return problems.scope(where, "policies." + key);
    }

    /** {@code text} as a duration greater than zero, or {@code fallback} (may be null) once the problem is reported. */
    private static Duration positiveDuration(ProblemSink problems, String field, String text, Duration fallback) {
        Duration d = Durations.field(problems, field, text, null);
        if (d == null) {
            return fallback;
        }
        if (d.isZero() || d.isNegative()) {
            problems.at(field, "must be greater than zero");
            return fallback;
        }
        return d;
    }
}
