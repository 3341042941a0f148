package dev.edgeproxy.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * The gateway's meters, named for operators (Prometheus names on {@code /q/metrics} of the management
 * port in brackets):
 *
 * <ul>
 *   <li>{@code edgeproxy.requests} {route, status} [{@code edgeproxy_requests_total}]: requests answered;</li>
 *   <li>{@code edgeproxy.request.duration} {route} [{@code edgeproxy_request_duration_seconds}]: whole
 *       request, from arrival to the end of the response, with histogram buckets;</li>
 *   <li>{@code edgeproxy.upstream.duration} {route} [{@code edgeproxy_upstream_duration_seconds}]: the
 *       exchange with the origin, with histogram buckets;</li>
 *   <li>{@code edgeproxy.auth.failures} {route, reason} [{@code edgeproxy_auth_failures_total}]: 401s by
 *       {@link dev.edgeproxy.jwt.AuthFailure} in lower case;</li>
 *   <li>{@code edgeproxy.authz.denials} {route} [{@code edgeproxy_authz_denials_total}]: 403s;</li>
 *   <li>{@code edgeproxy.requests.refused} {reason} [{@code edgeproxy_requests_refused_total}]: requests
 *       refused for their target, head or body size (400, 501, 413);</li>
 *   <li>{@code edgeproxy.config.reloads} {result} [{@code edgeproxy_config_reloads_total}];</li>
 *   <li>{@code edgeproxy.jwks.fetches} {result} [{@code edgeproxy_jwks_fetches_total}];</li>
 *   <li>{@code edgeproxy.websocket.sessions} {route} [{@code edgeproxy_websocket_sessions_total}]: WebSocket
 *       tunnels opened (both sides upgraded);</li>
 *   <li>{@code edgeproxy.websocket.open} [{@code edgeproxy_websocket_open}]: WebSocket tunnels open now;</li>
 *   <li>{@code edgeproxy.tls.handshake.failures} [{@code edgeproxy_tls_handshake_failures_total}]: TLS
 *       handshakes with clients that failed (or that the client abandoned), counted instead of logged;</li>
 *   <li>{@code edgeproxy.upstream.leased} [{@code edgeproxy_upstream_leased}]: forwarded requests holding or
 *       waiting for a pooled origin connection ({@link #originLeased});</li>
 *   <li>{@code edgeproxy.memory.resident} [{@code edgeproxy_memory_resident_bytes}]: the process's resident
 *       memory, the same figure for the JVM build and the native binary.</li>
 * </ul>
 *
 * <p>Tags are bounded: route names come from the configuration, {@link #NO_ROUTE} stands for requests
 * no route matched; never a path, a user or a token. Per-route meters are created on first use and
 * cached, so the request path only looks them up.
 */
@ApplicationScoped
public class GatewayMetrics {

    /** The route tag of requests that no route matched. */
    public static final String NO_ROUTE = "none";

    private final MeterRegistry registry;
    private final ConcurrentMap<String, RouteMeters> routes = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, Counter> refusals = new ConcurrentHashMap<>();
    private final Counter reloadSucceeded;
    private final Counter reloadFailed;
    private final Counter jwksFetchSucceeded;
    private final Counter jwksFetchFailed;
    private final ConcurrentMap<String, Counter> webSocketSessions = new ConcurrentHashMap<>();
    private final AtomicInteger openWebSockets = new AtomicInteger();
    private final Counter tlsHandshakeFailures;
    private final Counter upstreamTlsFailures;

    public GatewayMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.reloadSucceeded = resultCounter("edgeproxy.config.reloads", "Route configuration reloads", true);
        this.reloadFailed = resultCounter("edgeproxy.config.reloads", "Route configuration reloads", false);
        this.jwksFetchSucceeded = resultCounter("edgeproxy.jwks.fetches", "Remote JWKS fetches", true);
        this.jwksFetchFailed = resultCounter("edgeproxy.jwks.fetches", "Remote JWKS fetches", false);
        Gauge.builder("edgeproxy.websocket.open", openWebSockets, AtomicInteger::get)
                .description("WebSocket tunnels open now")
                .register(registry);
        Gauge.builder("edgeproxy.memory.resident", ResidentMemory::bytes)
                .description("Resident memory of the process (VmRSS)")
                .baseUnit("bytes")
                .strongReference(true)
                .register(registry);
        this.tlsHandshakeFailures = Counter.builder("edgeproxy.tls.handshake.failures")
                .description("TLS handshakes with clients that failed")
                .register(registry);
        this.upstreamTlsFailures = Counter.builder("edgeproxy.upstream.tls.failures")
                .description("TLS failures with origins (untrusted or misnamed certificate, refused client certificate)")
                .register(registry);
    }

    /** The meters of the route named {@code routeName}; {@code null} means no route matched. */
    public RouteMeters route(String routeName) {
        String name = routeName == null ? NO_ROUTE : routeName;
        RouteMeters meters = routes.get(name);
        return meters != null ? meters : routes.computeIfAbsent(name, n -> new RouteMeters(registry, n));
    }

    /**
     * A request was refused before any route saw it (400, 501) or for its body size (413). The reason is
     * one of a fixed set of texts, never client input.
     */
    public void refused(String reason) {
        Counter counter = refusals.get(reason);
        if (counter == null) {
            counter = refusals.computeIfAbsent(reason, r -> Counter.builder("edgeproxy.requests.refused")
                    .description("Requests refused for their target, head or body size")
                    .tag("reason", r)
                    .register(registry));
        }
        counter.increment();
    }

    /** A configuration reload was attempted: {@code ok} when the new routes are in force. */
    public void configReload(boolean ok) {
        (ok ? reloadSucceeded : reloadFailed).increment();
    }

    /** A remote JWKS was fetched: {@code ok} when usable keys were installed. */
    public void jwksFetch(boolean ok) {
        (ok ? jwksFetchSucceeded : jwksFetchFailed).increment();
    }

    /** A WebSocket tunnel of {@code routeName} is open: both sides have upgraded. */
    public void webSocketOpened(String routeName) {
        Counter counter = webSocketSessions.get(routeName);
        if (counter == null) {
            counter = webSocketSessions.computeIfAbsent(routeName, r -> Counter.builder("edgeproxy.websocket.sessions")
                    .description("WebSocket tunnels opened, by route")
                    .tag("route", r)
                    .register(registry));
        }
        counter.increment();
        openWebSockets.incrementAndGet();
    }

    /** A tunnel that {@link #webSocketOpened} counted has closed (once per tunnel). */
    public void webSocketClosed() {
        openWebSockets.decrementAndGet();
    }

    /** A client's TLS handshake failed: counted, never logged per connection (a scanner would flood the log). */
    public void tlsHandshakeFailure() {
        tlsHandshakeFailures.increment();
    }

    /**
     * Serves {@code edgeproxy_upstream_leased}: forwarded requests holding or waiting for a pooled origin connection,
     * zero whenever no request is in flight (a count that stays up is a connection the pool lost).
     */
    public synchronized void originLeased(LongSupplier leased) {
        // Each data path brings its count; the gauge reads their sum.
        leasedCounts.add(leased);
        if (leasedCounts.size() == 1) {
            Gauge.builder("edgeproxy.upstream.leased", leasedCounts,
                            counts -> counts.stream().mapToLong(LongSupplier::getAsLong).sum())
                    .description("Forwarded requests holding or waiting for a pooled origin connection")
                    .strongReference(true)
                    .register(registry);
        }
    }

    private final List<LongSupplier> leasedCounts = new CopyOnWriteArrayList<>();

    /** A TLS failure with an origin: every one is counted; the log line that names it is throttled. */
    public void upstreamTlsFailure() {
        upstreamTlsFailures.increment();
    }

    private Counter resultCounter(String name, String description, boolean ok) {
        return Counter.builder(name)
                .description(description)
                .tag("result", ok ? "success" : "failure")
                .register(registry);
    }
}
