package dev.edgeproxy.metrics;

import dev.edgeproxy.jwt.AuthFailure;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Meter names and tags as operators query them, on a real Micrometer registry. */
class GatewayMetricsTest {

    private final MeterRegistry registry = new SimpleMeterRegistry();
    private final GatewayMetrics metrics = new GatewayMetrics(registry);

    private double count(String name, String... tags) {
        return registry.get(name).tags(tags).counter().count();
    }

    @Test
    void requestsAreCountedByRouteAndStatusAndTimedByRoute() {
        metrics.route("api").request(200, 2_000_000);
        metrics.route("api").request(200, 4_000_000);
        metrics.route("api").request(503, 1_000_000);
        assertEquals(2, count("edgeproxy.requests", "route", "api", "status", "200"));
        assertEquals(1, count("edgeproxy.requests", "route", "api", "status", "503"));
        Timer timer = registry.get("edgeproxy.request.duration").tag("route", "api").timer();
        assertEquals(3, timer.count());
        assertEquals(7, timer.totalTime(TimeUnit.MILLISECONDS), 0.001);
    }

    @Test
    void histogramBucketsArePublished() {
        metrics.route("api").request(200, 7_000_000);
        var buckets = registry.get("edgeproxy.request.duration").tag("route", "api").timer()
                .takeSnapshot().histogramCounts();
        assertEquals(RouteMeters.BUCKETS.length, buckets.length);
        // 7 ms falls in the 10 ms bucket and every larger one, not in the 5 ms one.
        assertEquals(0, buckets[1].count());
        assertEquals(1, buckets[2].count());
    }

    @Test
    void requestsWithoutARouteAreTaggedNone() {
        metrics.route(null).request(404, 100_000);
        assertEquals(1, count("edgeproxy.requests", "route", "none", "status", "404"));
        assertSame(metrics.route(null), metrics.route(GatewayMetrics.NO_ROUTE));
    }

    @Test
    void routeMetersAreCreatedOnceAndReused() {
        assertSame(metrics.route("api"), metrics.route("api"));
    }

    @Test
    void upstreamTimeIsItsOwnTimer() {
        metrics.route("api").origin(3_000_000);
        assertEquals(1, registry.get("edgeproxy.upstream.duration").tag("route", "api").timer().count());
    }

    @Test
    void authFailuresAreCountedByLowerCaseReason() {
        metrics.route("strict").authFailure(AuthFailure.MISSING_TOKEN);
        metrics.route("strict").authFailure(AuthFailure.EXPIRED);
        metrics.route("strict").authFailure(AuthFailure.EXPIRED);
        assertEquals(1, count("edgeproxy.auth.failures", "route", "strict", "reason", "missing_token"));
        assertEquals(2, count("edgeproxy.auth.failures", "route", "strict", "reason", "expired"));
    }

    @Test
    void authorizationDenialsAreCountedByRouteFromZero() {
        metrics.route("admin");
        assertEquals(0, count("edgeproxy.authz.denials", "route", "admin"));
        metrics.route("admin").authzDenial();
        assertEquals(1, count("edgeproxy.authz.denials", "route", "admin"));
    }

    @Test
    void reloadsAndJwksFetchesAreCountedByResult() {
        metrics.configReload(true);
        metrics.configReload(false);
        metrics.configReload(false);
        metrics.jwksFetch(true);
        assertEquals(1, count("edgeproxy.config.reloads", "result", "success"));
        assertEquals(2, count("edgeproxy.config.reloads", "result", "failure"));
        assertEquals(1, count("edgeproxy.jwks.fetches", "result", "success"));
        assertEquals(0, count("edgeproxy.jwks.fetches", "result", "failure"));
    }

    @Test
    void noTagEverHoldsAPathOrAUser() {
        metrics.route("api").request(200, 1);
        metrics.route("api").authFailure(AuthFailure.BAD_SIGNATURE);
        // "le" is a histogram bucket's bound.
        registry.getMeters().forEach(meter -> meter.getId().getTags().forEach(tag ->
                assertTrue(java.util.Set.of("route", "status", "reason", "result", "le").contains(tag.getKey()),
                        meter.getId().getName() + " has tag " + tag.getKey())));
        assertNull(registry.find("edgeproxy.requests").tag("path", "/").counter());
    }
}
