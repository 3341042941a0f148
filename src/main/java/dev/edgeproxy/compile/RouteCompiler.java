package dev.edgeproxy.compile;

import dev.edgeproxy.authz.AuthorizationCompiler;
import dev.edgeproxy.authz.Authorizer;
import dev.edgeproxy.cel.CelEnvironment;
import dev.edgeproxy.config.Durations;
import dev.edgeproxy.config.GatewayConfig;
import dev.edgeproxy.config.InvalidConfigException;
import dev.edgeproxy.config.Problems;
import dev.edgeproxy.config.ProxyLimits;
import dev.edgeproxy.config.Sizes;
import dev.edgeproxy.error.GatewayError;
import dev.edgeproxy.http.EscapeAction;
import dev.edgeproxy.http.HttpToken;
import dev.edgeproxy.http.RequestHygiene;
import dev.edgeproxy.http.TargetCanonicalizer;
import dev.edgeproxy.http.TargetPolicy;
import dev.edgeproxy.jwt.JwksFetcher;
import dev.edgeproxy.jwt.JwtAuthenticator;
import dev.edgeproxy.jwt.JwtPolicyCompiler;
import dev.edgeproxy.proxy.AllowedOrigins;
import dev.edgeproxy.proxy.Upstream;
import dev.edgeproxy.proxy.UpstreamPool;
import dev.edgeproxy.ratelimit.RateLimitCompiler;
import dev.edgeproxy.route.Admission;
import dev.edgeproxy.route.HostMatch;
import dev.edgeproxy.route.PathMatch;
import dev.edgeproxy.route.Route;
import dev.edgeproxy.route.RouteMatch;
import dev.edgeproxy.route.RouteTable;
import dev.edgeproxy.route.ValueMatch;
import dev.edgeproxy.route.WebSocketUpgrade;
import dev.edgeproxy.transform.HeaderTransform;
import dev.edgeproxy.transform.TransformCompiler;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Pattern;

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

    private static final Pattern METHOD = Pattern.compile("[A-Z]+");
    /** An RFC 9110 token: what a header (or cookie) name may be. */
    private static final Pattern HOST_LABELS = Pattern.compile("[a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*");

    /** The requests' canonicalisation, compiled first: route paths are checked against it. */
    private TargetCanonicalizer canonicalizer = new TargetCanonicalizer(TargetPolicy.STRICT);
    private final Problems problems = new Problems();
    private final JwtPolicyCompiler jwt;
    private final AuthorizationCompiler authorization;
    private final TransformCompiler transformations;
    private final RateLimitCompiler rateLimit;
    private final OriginCompiler origins;

    private RouteCompiler(CelEnvironment cel, Supplier<JwksFetcher> fetcher, ProxyLimits limits) {
        this.jwt = new JwtPolicyCompiler(problems, fetcher);
        this.authorization = new AuthorizationCompiler(cel, problems, limits.errorLogInterval());
        this.transformations = new TransformCompiler(cel, problems, limits.errorLogInterval());
        this.rateLimit = new RateLimitCompiler(problems);
        this.origins = new OriginCompiler(problems);
    }

    /**
     * @param fetcher fetches and refreshes remote JWKS ({@code jwks.url}) for the compiled routes
     * @throws InvalidConfigException listing every problem, each prefixed with its route and field
     */
    public static RouteTable compile(GatewayConfig config, CelEnvironment cel, JwksFetcher fetcher) {
        return new RouteCompiler(cel, () -> fetcher, ProxyLimits.from(config.limits())).compileAll(config);
    }

    /** As above, creating a fetcher only if some provider has a {@code jwks.url}. */
    public static RouteTable compile(GatewayConfig config, CelEnvironment cel) {
        ProxyLimits limits = ProxyLimits.from(config.limits());
        JwksFetcher[] lazy = new JwksFetcher[1];
        return new RouteCompiler(cel, () -> lazy[0] == null ? lazy[0] = new JwksFetcher(limits.jwksMaxBytes()) : lazy[0],
                limits).compileAll(config);
    }

    private RouteTable compileAll(GatewayConfig config) {
        List<GatewayConfig.Route> configs = config.routes().orElse(List.of());
        problems.route(GLOBAL);
        canonicalizer = new TargetCanonicalizer(targetPolicy(config.requestTarget()));
        long defaultMaxBody = config.limits().maxRequestBody()
                .map(v -> size("limits.maxRequestBody", v)).orElse(Route.UNLIMITED);
        WebSocketDefaults webSocketDefaults = new WebSocketDefaults(
                positiveDuration("limits.websocketIdleTimeout", config.limits().websocketIdleTimeout(),
                        DEFAULT_WEBSOCKET_IDLE_TIMEOUT),
                config.limits().websocketMaxLifetime()
                        .map(v -> positiveDuration("limits.websocketMaxLifetime", v, null)).orElse(null));
        List<Route> routes = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (int i = 0; i < configs.size(); i++) {
            GatewayConfig.Route rc = configs.get(i);
            String name = rc.name().map(String::strip).orElse("");
            problems.route(name.isEmpty() ? "route #" + i : "route '" + name + "'");
            if (name.isEmpty()) {
                error("name", "is required");
            } else if (!names.add(name)) {
                error("name", "is used by more than one route");
            }
            int before = problems.count();
            Route route = compileRoute(name, rc, defaultMaxBody, webSocketDefaults);
            if (problems.count() == before) {
                routes.add(route);
            }
        }
        problems.route(GLOBAL);
        RequestHygiene hygiene = hygiene(config, routes);
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

    // --- what every request goes through ---------------------------------------------------------

    private TargetPolicy targetPolicy(GatewayConfig.RequestTarget t) {
        String base = "requestTarget.";
        EscapeAction nul = action(base + "escapedNul", t.escapedNul());
        if (nul == EscapeAction.DECODE) {
            error(base + "escapedNul", "'decode' is not possible for %00 (expected reject or keep)");
            nul = EscapeAction.REJECT;
        }
        return new TargetPolicy(t.mergeSlashes(),
                action(base + "escapedSlash", t.escapedSlash()),
                action(base + "escapedBackslash", t.escapedBackslash()),
                action(base + "backslash", t.backslash()), nul,
                action(base + "pathParameters", t.pathParameters()));
    }

    private RequestHygiene hygiene(GatewayConfig config, List<Route> routes) {
        Set<String> removed = new HashSet<>();
        List<String> untrusted = config.untrustedHeaders();
        for (int i = 0; i < untrusted.size(); i++) {
            String name = untrusted.get(i).strip().toLowerCase(Locale.ROOT);
            if (!HttpToken.is(name)) {
                error("untrustedHeaders[" + i + "]", "'" + untrusted.get(i) + "' is not a valid header name");
            } else if (name.equals("host") || name.equals("content-length") || name.equals("transfer-encoding")) {
                error("untrustedHeaders[" + i + "]", "'" + name + "' frames the request and cannot be removed");
            } else {
                removed.add(name);
            }
        }
        // A header some route derives from verified claims must not come from the client on any route.
        routes.forEach(r -> removed.addAll(r.transform().suppliedHeaders()));
        return new RequestHygiene(canonicalizer, removed);
    }

    private EscapeAction action(String field, String value) {
        EscapeAction action = EscapeAction.parse(value);
        if (action == null) {
            error(field, "unknown action '" + value + "' (expected reject, decode or keep)");
            return EscapeAction.REJECT;
        }
        return action;
    }

    private long size(String field, String value) {
        try {
            return Sizes.parse(value);
        } catch (IllegalArgumentException e) {
            error(field, e.getMessage());
            return Route.UNLIMITED;
        }
    }

    private Route compileRoute(String name, GatewayConfig.Route rc, long defaultMaxBody, WebSocketDefaults webSocketDefaults) {
        HostMatch hosts = hostnames(rc.hostnames().orElse(List.of()));
        List<RouteMatch> matches = matches(rc.matches().orElse(List.of()));
        UpstreamPool upstreams = backends(name, rc.backends().orElse(List.of()));
        Optional<GatewayConfig.Policies> policies = rc.policies();
        JwtAuthenticator authenticator = policies.flatMap(GatewayConfig.Policies::jwtAuth)
                .map(j -> jwt.compile(name, j)).orElse(null);
        List<Admission> admissions = new ArrayList<>();
        policies.flatMap(GatewayConfig.Policies::localRateLimit).map(rateLimit::compile).ifPresent(admissions::add);
        Authorizer authorizer = policies.flatMap(GatewayConfig.Policies::authorization)
                .map(a -> authorization.compile(name, a)).orElse(Authorizer.ALLOW_ALL);
        HeaderTransform transform = policies.flatMap(GatewayConfig.Policies::transformations)
                .flatMap(GatewayConfig.Transformations::request)
                .map(t -> transformations.compile(name, t)).orElse(HeaderTransform.NONE);
        Duration timeout = policies.flatMap(GatewayConfig.Policies::timeout)
                .flatMap(GatewayConfig.Timeout::requestTimeout)
                .map(t -> positiveDuration("policies.timeout.requestTimeout", t, DEFAULT_REQUEST_TIMEOUT))
                .orElse(DEFAULT_REQUEST_TIMEOUT);
        long maxBody = rc.limits().flatMap(GatewayConfig.RouteLimits::maxRequestBody)
                .map(v -> size("limits.maxRequestBody", v)).orElse(defaultMaxBody);
        WebSocketUpgrade websocket = websocket(rc, webSocketDefaults);
        return new Route(name, hosts, matches, upstreams, admissions, authenticator, authorizer, transform, timeout, maxBody,
                websocket);
    }

    // --- matching -------------------------------------------------------------------------------

    private HostMatch hostnames(List<String> hostnames) {
        for (int i = 0; i < hostnames.size(); i++) {
            String h = hostnames.get(i).strip().toLowerCase(Locale.ROOT);
            String bare = h.startsWith("*.") ? h.substring(2) : h;
            if (!HOST_LABELS.matcher(bare).matches()) {
                error("hostnames[" + i + "]", "'" + hostnames.get(i)
                        + "' is not a hostname or a leading wildcard such as *.example.org");
            }
        }
        return HostMatch.of(hostnames.stream().map(String::strip).toList());
    }

    private List<RouteMatch> matches(List<GatewayConfig.Match> configs) {
        if (configs.isEmpty()) {
            return List.of(RouteMatch.ANY);
        }
        List<RouteMatch> out = new ArrayList<>();
        for (int i = 0; i < configs.size(); i++) {
            GatewayConfig.Match m = configs.get(i);
            String field = "matches[" + i + "]";
            PathMatch path = m.path().map(p -> path(field + ".path", p)).orElse(new PathMatch.Prefix("/"));
            String method = m.method().map(String::strip).map(s -> s.toUpperCase(Locale.ROOT)).orElse(null);
            if (method != null && !METHOD.matcher(method).matches()) {
                error(field + ".method", "'" + m.method().get() + "' is not an HTTP method");
            }
            List<ValueMatch> headers = valueMatches(field + ".headers", m.headers().orElse(List.of()), true);
            List<ValueMatch> query = valueMatches(field + ".query", m.query().orElse(List.of()), false);
            if (path != null) {
                out.add(new RouteMatch(path, method, headers, query));
            }
        }
        return out;
    }

    private PathMatch path(String field, GatewayConfig.Path p) {
        int given = count(p.exact(), p.pathPrefix(), p.regex());
        if (given != 1) {
            error(field, "needs exactly one of exact, pathPrefix or regex (found " + given + ")");
            return null;
        }
        if (p.exact().isPresent()) {
            return slashPath(field + ".exact", p.exact().get()) ? new PathMatch.Exact(p.exact().get()) : null;
        }
        if (p.pathPrefix().isPresent()) {
            String prefix = p.pathPrefix().get();
            if (!slashPath(field + ".pathPrefix", prefix)) {
                return null;
            }
            // "/api/" and "/api" mean the same segment-aware prefix; "/" stays "/".
            String normalized = prefix.length() > 1 && prefix.endsWith("/") ? prefix.substring(0, prefix.length() - 1) : prefix;
            return new PathMatch.Prefix(normalized);
        }
        com.google.re2j.Pattern pattern = regex(field + ".regex", p.regex().get());
        return pattern == null ? null : new PathMatch.Regex(pattern);
    }

    private boolean slashPath(String field, String value) {
        if (!value.startsWith("/")) {
            error(field, "'" + value + "' must start with /");
            return false;
        }
        // Paths are compared with the canonical request path: one that no request can have never matches.
        if (value.indexOf('?') >= 0) {
            error(field, "'" + value + "' must not contain a query");
            return false;
        }
        try {
            String canonical = canonicalizer.canonicalize("GET", value, null).path();
            if (!canonical.equals(value)) {
                error(field, "'" + value + "' is not canonical: requests for it arrive as '" + canonical + "'");
                return false;
            }
        } catch (GatewayError.BadRequest e) {
            error(field, "'" + value + "' can never match: such a request is refused (" + e.getMessage() + ")");
            return false;
        }
        return true;
    }

    private List<ValueMatch> valueMatches(String field, List<GatewayConfig.NamedMatch> configs, boolean header) {
        List<ValueMatch> out = new ArrayList<>();
        for (int i = 0; i < configs.size(); i++) {
            GatewayConfig.NamedMatch nm = configs.get(i);
            String f = field + "[" + i + "]";
            String name = nm.name().map(String::strip).orElse("");
            if (name.isEmpty()) {
                error(f + ".name", "is required");
                continue;
            }
            if (header && !HttpToken.is(name)) {
                error(f + ".name", "'" + name + "' is not a valid header name");
                continue;
            }
            if (nm.value().isEmpty()) {
                error(f + ".value", "is required ({exact: ...} or {regex: ...})");
                continue;
            }
            GatewayConfig.ValueMatch v = nm.value().get();
            if (count(v.exact(), v.regex()) != 1) {
                error(f + ".value", "needs exactly one of exact or regex");
                continue;
            }
            String key = header ? name.toLowerCase(Locale.ROOT) : name;
            if (v.exact().isPresent()) {
                out.add(ValueMatch.exact(key, v.exact().get()));
            } else {
                com.google.re2j.Pattern p = regex(f + ".value.regex", v.regex().get());
                if (p != null) {
                    out.add(ValueMatch.regex(key, p));
                }
            }
        }
        return out;
    }

    /**
     * Compiles a regex that will run on client input with RE2: matching takes time linear in the input
     * whatever the pattern, so no request can make the proxy backtrack for minutes. RE2 has no
     * backreferences or lookaround; such a pattern is refused here, naming route and field.
     */
    private com.google.re2j.Pattern regex(String field, String source) {
        try {
            return com.google.re2j.Pattern.compile(source);
        } catch (com.google.re2j.PatternSyntaxException e) {
            error(field, "invalid regex '" + source + "': " + e.getMessage().replaceFirst("^error parsing regexp: ", "")
                    + " (RE2 syntax: no backreferences or lookaround)");
            return null;
        }
    }

    private UpstreamPool backends(String routeName, List<GatewayConfig.Backend> configs) {
        if (configs.isEmpty()) {
            error("backends", "needs at least one backend with host: host:port");
            return null;
        }
        List<Upstream> upstreams = new ArrayList<>();
        for (int i = 0; i < configs.size(); i++) {
            String field = "backends[" + i + "].host";
            Optional<String> host = configs.get(i).host();
            if (host.isEmpty()) {
                error(field, "is required (host:port)");
                continue;
            }
            Upstream address;
            try {
                address = Upstream.parse(host.get());
            } catch (IllegalArgumentException e) {
                error(field, e.getMessage());
                continue;
            }
            Upstream upstream = origins.compile(routeName, "backends[" + i + "]", configs.get(i), address);
            if (upstream != null) {
                upstreams.add(upstream);
            }
        }
        return upstreams.isEmpty() ? null : new UpstreamPool(upstreams);
    }

    // --- policies -------------------------------------------------------------------------------

    /** {@code gateway.limits}' WebSocket settings, for the routes that set none: {@code maxLifetime} may be null. */
    private record WebSocketDefaults(Duration idleTimeout, Duration maxLifetime) {
    }

    /**
     * {@code websocket: true}, with the route's idle timeout, lifetime cap and allowed origins; {@code null} when
     * the route does not upgrade.
     */
    private WebSocketUpgrade websocket(GatewayConfig.Route rc, WebSocketDefaults defaults) {
        Optional<String> idle = rc.limits().flatMap(GatewayConfig.RouteLimits::websocketIdleTimeout);
        Optional<String> lifetime = rc.limits().flatMap(GatewayConfig.RouteLimits::websocketMaxLifetime);
        Optional<List<String>> origins = rc.websocketAllowedOrigins();
        if (!rc.websocket().orElse(false)) {
            // A setting that can never apply is a mistake worth naming, not a silent no-op: an origin list on a
            // route that does not upgrade would look like protection and be none.
            String only = "applies to a route with websocket: true only";
            idle.ifPresent(v -> error("limits.websocketIdleTimeout", only));
            lifetime.ifPresent(v -> error("limits.websocketMaxLifetime", only));
            origins.ifPresent(v -> error("websocketAllowedOrigins", only));
            return null;
        }
        // Tunnels speak HTTP/1.1 to the origin (ws://, or wss:// with tls): an HTTP/2 backend would get a request
        // it cannot upgrade. Vert.x 4.5's WebSocket client verifies the name it connects to, so a tls.sni other
        // than the host cannot be honoured; both are refused rather than half-honoured.
        List<GatewayConfig.Backend> backends = rc.backends().orElse(List.of());
        for (int i = 0; i < backends.size(); i++) {
            GatewayConfig.Backend backend = backends.get(i);
            if (backend.protocol().filter(p -> !p.strip().equals("http1")).isPresent()) {
                error("backends[" + i + "].protocol", "a websocket route tunnels over HTTP/1.1 (protocol: http2 is "
                        + "not supported with websocket: true)");
            }
            if (backend.tls().flatMap(GatewayConfig.BackendTls::sni).isPresent()) {
                error("backends[" + i + "].tls.sni", "not supported with websocket: true (the name verified is the "
                        + "host's; use the certificate's name as host)");
            }
        }
        return new WebSocketUpgrade(
                idle.map(v -> positiveDuration("limits.websocketIdleTimeout", v, defaults.idleTimeout()))
                        .orElse(defaults.idleTimeout()),
                lifetime.map(v -> positiveDuration("limits.websocketMaxLifetime", v, defaults.maxLifetime()))
                        .orElse(defaults.maxLifetime()),
                origins.map(this::allowedOrigins).orElse(AllowedOrigins.ANY));
    }

    /** Each entry checked on its own, so that every bad one is named with its index. */
    private AllowedOrigins allowedOrigins(List<String> entries) {
        List<String> valid = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
            String entry = entries.get(i).strip();
            try {
                valid.add(AllowedOrigins.normalize(entry));
            } catch (IllegalArgumentException e) {
                error("websocketAllowedOrigins[" + i + "]", e.getMessage());
            }
        }
        return AllowedOrigins.of(valid);
    }

    // --- helpers --------------------------------------------------------------------------------

    /** {@code text} as a duration greater than zero, or {@code fallback} (may be null) once the problem is reported. */
    private Duration positiveDuration(String field, String text, Duration fallback) {
        Duration d = Durations.field(problems, field, text, null);
        if (d == null) {
            return fallback;
        }
        if (d.isZero() || d.isNegative()) {
            error(field, "must be greater than zero");
            return fallback;
        }
        return d;
    }

    @SafeVarargs
    private static int count(Optional<String>... values) {
        int n = 0;
        for (Optional<String> v : values) {
            if (v.isPresent()) {
                n++;
            }
        }
        return n;
    }

    private void error(String field, String message) {
        problems.at(field, message);
    }
}
