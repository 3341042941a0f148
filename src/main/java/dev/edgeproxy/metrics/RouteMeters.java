package dev.edgeproxy.metrics;

import dev.edgeproxy.jwt.AuthFailure;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;

/**
 * One route's meters (see {@link GatewayMetrics}). The timers and the denial counter exist from the
 * start; a counter per status code and per authentication failure reason is created the first time
 * it is needed, then reused.
 */
public final class RouteMeters {

    /** Histogram bucket bounds of both timers: from a fast local hop to a slow origin. */
    static final Duration[] BUCKETS = {
            Duration.ofMillis(1), Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25),
            Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500),
            Duration.ofSeconds(1), Duration.ofMillis(2_500), Duration.ofSeconds(5), Duration.ofSeconds(10),
            Duration.ofSeconds(30), Duration.ofSeconds(60)};

    private final MeterRegistry registry;
    private final String route;
    private final Timer requestDuration;
    private final Timer originDuration;
    private final Counter authzDenials;
    private final ConcurrentMap<Integer, Counter> requestsByStatus = new ConcurrentHashMap<>();
    private final ConcurrentMap<AuthFailure, Counter> authFailures = new ConcurrentHashMap<>();

    RouteMeters(MeterRegistry registry, String route) {
        this.registry = registry;
        this.route = route;
        this.requestDuration = timer("edgeproxy.request.duration",
                "Whole request, from arrival to the end of the response");
        this.originDuration = timer("edgeproxy.upstream.duration",
                "Exchange with the origin, from asking for its connection to the end of its response");
        this.authzDenials = Counter.builder("edgeproxy.authz.denials")
                .description("Requests denied by the route's authorization rules")
                .tag("route", route)
                .register(registry);
    }

    /** A request of this route was answered with {@code status} after {@code nanos}. */
    public void request(int status, long nanos) {
        requestDuration.record(nanos, TimeUnit.NANOSECONDS);
        Counter counter = requestsByStatus.get(status);
        if (counter == null) {
            counter = requestsByStatus.computeIfAbsent(status, s -> Counter.builder("edgeproxy.requests")
                    .description("Requests answered, by route and status code")
                    .tag("route", route)
                    .tag("status", Integer.toString(s))
                    .register(registry));
        }
        counter.increment();
    }

    /** The exchange with the origin took {@code nanos}. */
    public void origin(long nanos) {
        originDuration.record(nanos, TimeUnit.NANOSECONDS);
    }

    /** The JWT policy rejected a request for {@code reason}. */
    public void authFailure(AuthFailure reason) {
        authFailures.computeIfAbsent(reason, r -> Counter.builder("edgeproxy.auth.failures")
                .description("Requests rejected by the JWT policy, by reason")
                .tag("route", route)
                .tag("reason", r.name().toLowerCase(Locale.ROOT))
                .register(registry)).increment();
    }

    /** The authorization rules denied a request. */
    public void authzDenial() {
        authzDenials.increment();
    }

    private Timer timer(String name, String description) {
        return Timer.builder(name)
                .description(description)
                .tag("route", route)
                .serviceLevelObjectives(BUCKETS)
                .register(registry);
    }
}
