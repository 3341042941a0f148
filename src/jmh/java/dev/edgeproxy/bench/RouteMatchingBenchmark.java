package dev.edgeproxy.bench;

import com.google.re2j.Pattern;
import dev.edgeproxy.http.RequestHygiene;
import dev.edgeproxy.pipeline.Arrival;
import dev.edgeproxy.pipeline.Evaluator;
import dev.edgeproxy.proxy.Backend;
import dev.edgeproxy.proxy.Backends;
import dev.edgeproxy.route.HostMatch;
import dev.edgeproxy.route.PathMatch;
import dev.edgeproxy.route.Route;
import dev.edgeproxy.route.RoutePolicies;
import dev.edgeproxy.route.RouteMatch;
import dev.edgeproxy.route.RouteTable;
import dev.edgeproxy.route.ValueMatch;
import io.vertx.core.MultiMap;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Route selection over a table of 20 routes mixing exact, prefix and regex paths, hostnames, methods, header
 * and query conditions. The request selects route 19 of 20 (a longer prefix with a header regex and a method),
 * so the whole table is looked at. The request is the proxy's own adapter ({@link IncomingRequest}), built per
 * request over a Vert.x header map, as the pipeline builds it.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class RouteMatchingBenchmark {

    private RouteTable table;
    private MultiMap headers;

    @Setup(Level.Trial)
    public void setUp() {
        table = new RouteTable(List.of(
                route("healthz", List.of(), exact("/healthz")),
                route("public", List.of(), prefix("/public")),
                route("cdn", List.of("cdn.example.com"), prefix("/static")),
                route("users", List.of(), prefix("/api/v1/users")),
                route("orders-read", List.of(), match(prefix("/api/v1/orders"), "GET")),
                route("orders-write", List.of(), match(prefix("/api/v1/orders"), "POST")),
                route("reports", List.of(), regex("/api/v[0-9]+/reports/.*")),
                route("admin-prod", List.of(), match(prefix("/admin"), null, ValueMatch.exact("x-env", "prod"))),
                route("admin", List.of(), prefix("/admin")),
                route("login", List.of(), exact("/login")),
                route("graphql", List.of(), match(prefix("/graphql"), "POST",
                        ValueMatch.regex("content-type", Pattern.compile("application/json.*")))),
                route("internal", List.of("*.internal.example.com"), prefix("/")),
                route("v2-preview", List.of("api.example.com"), new RouteMatch(new PathMatch.Prefix("/api/v2"), null,
                        List.of(), List.of(ValueMatch.exact("preview", "1")))),
                route("images", List.of(), regex("/files/[a-z0-9]+\\.(png|jpg)")),
                route("websocket", List.of(), match(prefix("/ws"), "GET", ValueMatch.exact("upgrade", "websocket"))),
                route("v2-orders", List.of("api.example.com"), prefix("/api/v2/orders")),
                route("v2-catalog", List.of("api.example.com", "*.example.org"), prefix("/api/v2/catalog")),
                route("v2-payments", List.of(), match(prefix("/api/v2/payments"), null,
                        ValueMatch.regex("x-tenant", Pattern.compile("[a-z]+")))),
                route("v2-refunds", List.of("api.example.com"), match(prefix("/api/v2/payments/refunds"), "POST",
                        ValueMatch.regex("x-tenant", Pattern.compile("[a-z]+")))),
                route("default", List.of(), prefix("/"))), List.of(), RequestHygiene.DEFAULT);
        headers = MultiMap.caseInsensitiveMultiMap()
                .add("host", "api.example.com:443")
                .add("user-agent", "orders-client/2.3")
                .add("accept", "application/json")
                .add("content-type", "application/json")
                .add("content-length", "87")
                .add("x-tenant", "acme")
                .add("x-request-id", "4bf92f3577b34da6a3ce929d0e0e4736");
        Route selected = select();
        if (selected == null || !selected.name().equals("v2-refunds")) {
            throw new IllegalStateException("selected " + (selected == null ? null : selected.name()));
        }
    }

    @Benchmark
    public Route select() {
        // A fresh canonical request each time (step 1 included), as the pipeline makes one per request.
        return table.select(Evaluator.canonicalise(RequestHygiene.DEFAULT, Arrival.described("POST",
                "/api/v2/payments/refunds/r-1234?reason=duplicate", headers, true, "192.0.2.7", 54_321)));
    }

    private static Route route(String name, List<String> hostnames, RouteMatch match) {
        return new Route(name, HostMatch.of(hostnames), List.of(match),
                new Backends(List.of(new Backend("127.0.0.1", 8081))), RoutePolicies.NONE, Duration.ofSeconds(15),
                Route.UNLIMITED, null);
    }

    private static RouteMatch exact(String path) {
        return new RouteMatch(new PathMatch.Exact(path), null, List.of(), List.of());
    }

    private static RouteMatch prefix(String path) {
        return new RouteMatch(new PathMatch.Prefix(path), null, List.of(), List.of());
    }

    private static RouteMatch regex(String pattern) {
        return new RouteMatch(new PathMatch.Regex(Pattern.compile(pattern)), null, List.of(), List.of());
    }

    private static RouteMatch match(RouteMatch path, String method, ValueMatch... headers) {
        return new RouteMatch(path.path(), method, List.of(headers), List.of());
    }
}
