package dev.edgeproxy.route;

import com.google.re2j.Pattern;
import dev.edgeproxy.http.RequestHygiene;
import dev.edgeproxy.proxy.Backend;
import dev.edgeproxy.proxy.Backends;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** Route selection per docs/reference.md#route-selection. */
class RouteTableTest {

    // ---------------------------------------------------------------------------------------------
    // helpers

    /** A request as route selection sees it. Header lookup is case-insensitive, like Vert.x headers. */
    record Req(String host, String method, String path, Map<String, List<String>> headers,
               Map<String, List<String>> params) implements MatchInput {

        static Req get(String path) {
            return new Req("api.example.com", "GET", path, Map.of(), Map.of());
        }

        Req host(String h) {
            return new Req(h, method, path, headers, params);
        }

        Req method(String m) {
            return new Req(host, m, path, headers, params);
        }

        Req header(String name, String... values) {
            Map<String, List<String>> h = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            h.putAll(headers);
            h.computeIfAbsent(name, k -> new ArrayList<>()).addAll(List.of(values));
            return new Req(host, method, path, h, params);
        }

        Req query(String name, String... values) {
            Map<String, List<String>> q = new TreeMap<>(params);
            q.computeIfAbsent(name, k -> new ArrayList<>()).addAll(List.of(values));
            return new Req(host, method, path, headers, q);
        }

        @Override
        public String header(String name) {
            for (Map.Entry<String, List<String>> e : headers.entrySet()) {
                if (e.getKey().equalsIgnoreCase(name)) {
                    return String.join(",", e.getValue());
                }
            }
            return null;
        }

        @Override
        public String queryParam(String name) {
            List<String> values = params.get(name);
            return values == null || values.isEmpty() ? null : values.get(0);
        }
    }

    static Route route(String name, List<String> hostnames, RouteMatch... matches) {
        return new Route(name, HostMatch.of(hostnames), List.of(matches),
                new Backends(List.of(new Backend("127.0.0.1", 1))), RoutePolicies.NONE, Duration.ofSeconds(1),
                Route.UNLIMITED, null);
    }

    static Route route(String name, RouteMatch... matches) {
        return route(name, List.of(), matches);
    }

    static RouteMatch exact(String path) {
        return new RouteMatch(new PathMatch.Exact(path), null, List.of(), List.of());
    }

    static RouteMatch prefix(String path) {
        return new RouteMatch(new PathMatch.Prefix(path), null, List.of(), List.of());
    }

    static RouteMatch regex(String pattern) {
        return new RouteMatch(new PathMatch.Regex(Pattern.compile(pattern)), null, List.of(), List.of());
    }

    static RouteMatch withMethod(RouteMatch m, String method) {
        return new RouteMatch(m.path(), method, m.headers(), m.query());
    }

    static RouteMatch withHeaders(RouteMatch m, ValueMatch... headers) {
        return new RouteMatch(m.path(), m.method(), List.of(headers), m.query());
    }

    static RouteMatch withQuery(RouteMatch m, ValueMatch... query) {
        return new RouteMatch(m.path(), m.method(), m.headers(), List.of(query));
    }

    static String selected(List<Route> routes, MatchInput in) {
        Route r = table(routes).select(in);
        return r == null ? null : r.name();
    }

    /** Selects from the routes in the given order and in reverse, which must agree when no tie is involved. */
    static void assertSelectedInAnyOrder(String expected, List<Route> routes, MatchInput in) {
        assertEquals(expected, selected(routes, in), "listed order");
        List<Route> reversed = new ArrayList<>(routes);
        Collections.reverse(reversed);
        assertEquals(expected, selected(reversed, in), "reversed order");
    }

    // ---------------------------------------------------------------------------------------------
    // path kind precedence

    static Stream<Arguments> pathPrecedence() {
        return Stream.of(
                arguments("exact beats prefix", "/admin",
                        List.of(route("prefix", prefix("/admin")), route("exact", exact("/admin"))), "exact"),
                arguments("exact beats regex", "/admin",
                        List.of(route("regex", regex("/adm.*")), route("exact", exact("/admin"))), "exact"),
                arguments("prefix beats regex", "/admin/x",
                        List.of(route("regex", regex("/admin/.*")), route("prefix", prefix("/admin"))), "prefix"),
                arguments("short prefix '/' still beats regex", "/v1/x",
                        List.of(route("regex", regex("/v[0-9]+/.*")), route("root", prefix("/"))), "root"),
                arguments("exact beats prefix and regex", "/v1/x",
                        List.of(route("regex", regex("/v[0-9]+/.*")), route("prefix", prefix("/v1")),
                                route("exact", exact("/v1/x"))), "exact"),
                arguments("longest prefix wins", "/api/v1/users",
                        List.of(route("api", prefix("/api")), route("apiv1", prefix("/api/v1")),
                                route("root", prefix("/"))), "apiv1"),
                arguments("longest prefix that matches wins", "/api/v2",
                        List.of(route("api", prefix("/api")), route("apiv1", prefix("/api/v1")),
                                route("root", prefix("/"))), "api"),
                arguments("non-matching exact is ignored", "/admin/x",
                        List.of(route("exact", exact("/admin")), route("prefix", prefix("/admin"))), "prefix"),
                arguments("longer prefix beats method match on shorter prefix", "/api/v1",
                        List.of(route("api-get", withMethod(prefix("/api"), "GET")), route("apiv1", prefix("/api/v1"))),
                        "apiv1"),
                arguments("exact without method beats prefix with method and headers", "/a",
                        List.of(route("rich", withHeaders(withMethod(prefix("/a"), "GET"), ValueMatch.exact("x-env", "prod"))),
                                route("exact", exact("/a"))), "exact"),
                arguments("best match within a route's several matches counts", "/admin",
                        List.of(route("prefix", prefix("/admin")), route("multi", regex("/x"), exact("/admin"))), "multi"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("pathPrecedence")
    void mostSpecificPathWinsRegardlessOfListingOrder(String description, String path, List<Route> routes, String expected) {
        assertSelectedInAnyOrder(expected, routes, Req.get(path).header("x-env", "prod"));
    }

    // ---------------------------------------------------------------------------------------------
    // path matching

    @ParameterizedTest(name = "prefix {0} vs {1} -> {2}")
    @CsvSource({
            "/api, /api, true",
            "/api, /api/, true",
            "/api, /api/x, true",
            "/api, /api/x/y, true",
            "/api, /apix, false",
            "/api, /ap, false",
            "/api, /, false",
            "/api, /API, false",
            "/api, /x/api, false",
            "/, /, true",
            "/, /anything, true",
            "/, /a/b/c, true",
            "/api/, /api/x, true",
    })
    void prefixIsSegmentAware(String prefix, String path, boolean expected) {
        assertEquals(expected, new PathMatch.Prefix(prefix).matches(path));
        assertEquals(expected ? "p" : null, selected(List.of(route("p", prefix(prefix))), Req.get(path)));
    }

    @ParameterizedTest(name = "regex {0} vs {1} -> {2}")
    @CsvSource({
            "'/v[0-9]+/.*', /v1/users, true",
            "'/v[0-9]+/.*', /v12/, true",
            "'/v[0-9]+/.*', /x/v1/users, false",
            "'/v[0-9]+/.*', /v1, false",
            "/v1, /v1/x, false",
            "/v1, /v1, true",
            "'v1', /v1, false",
    })
    void regexIsAFullMatch(String pattern, String path, boolean expected) {
        assertEquals(expected ? "r" : null, selected(List.of(route("r", regex(pattern))), Req.get(path)));
    }

    @ParameterizedTest(name = "exact {0} vs {1} -> {2}")
    @CsvSource({
            "/admin, /admin, true",
            "/admin, /admin/, false",
            "/admin, /Admin, false",
            "/admin, /admin/x, false",
    })
    void exactIsExact(String value, String path, boolean expected) {
        assertEquals(expected ? "e" : null, selected(List.of(route("e", exact(value))), Req.get(path)));
    }

    // ---------------------------------------------------------------------------------------------
    // method, headers, query

    @Test
    void methodMatchBeatsNoMethodAtEqualPath() {
        List<Route> routes = List.of(route("any", prefix("/api")), route("get", withMethod(prefix("/api"), "GET")));
        assertSelectedInAnyOrder("get", routes, Req.get("/api/x"));
        assertSelectedInAnyOrder("any", routes, Req.get("/api/x").method("POST"));
    }

    @Test
    void methodIsRequiredWhenGiven() {
        List<Route> routes = List.of(route("post", withMethod(exact("/a"), "POST")));
        assertEquals("post", selected(routes, Req.get("/a").method("POST")));
        assertNull(selected(routes, Req.get("/a")));
    }

    @Test
    void moreHeaderAndQueryMatchesWin() {
        RouteMatch base = prefix("/api");
        Route none = route("none", base);
        Route oneHeader = route("one-header", withHeaders(base, ValueMatch.exact("x-env", "prod")));
        Route headerAndQuery = route("header-and-query",
                withQuery(withHeaders(base, ValueMatch.exact("x-env", "prod")), ValueMatch.exact("debug", "1")));
        Route twoHeaders = route("two-headers",
                withHeaders(base, ValueMatch.exact("x-env", "prod"), ValueMatch.regex("x-team", Pattern.compile("a.*"))));
        List<Route> routes = List.of(none, oneHeader, headerAndQuery);

        assertSelectedInAnyOrder("header-and-query", routes,
                Req.get("/api").header("X-Env", "prod").query("debug", "1"));
        assertSelectedInAnyOrder("one-header", routes, Req.get("/api").header("X-Env", "prod").query("debug", "0"));
        assertSelectedInAnyOrder("none", routes, Req.get("/api").header("X-Env", "dev").query("debug", "1"));
        assertSelectedInAnyOrder("two-headers", List.of(none, oneHeader, twoHeaders),
                Req.get("/api").header("x-env", "prod").header("x-team", "alpha"));
    }

    @Test
    void methodBeatsMoreHeaderMatches() {
        List<Route> routes = List.of(
                route("headers", withHeaders(prefix("/api"), ValueMatch.exact("x-env", "prod"), ValueMatch.exact("x-a", "1"))),
                route("method", withMethod(prefix("/api"), "GET")));
        assertSelectedInAnyOrder("method", routes, Req.get("/api").header("x-env", "prod").header("x-a", "1"));
    }

    @ParameterizedTest(name = "request header {0}: {1} matches x-env=prod -> {2}")
    @CsvSource({
            "x-env, prod, true",
            "X-Env, prod, true",
            "X-ENV, prod, true",
            "x-env, Prod, false",
            "x-env, production, false",
            "x-other, prod, false",
    })
    void headerNamesAreCaseInsensitiveValuesAreNot(String name, String value, boolean expected) {
        List<Route> routes = List.of(route("h", withHeaders(prefix("/"), ValueMatch.exact("x-env", "prod"))));
        assertEquals(expected ? "h" : null, selected(routes, Req.get("/").header(name, value)));
    }

    @Test
    void headerRegexIsAFullMatchOverAllValuesJoined() {
        List<Route> routes = List.of(route("h", withHeaders(prefix("/"), ValueMatch.regex("x-v", Pattern.compile("[0-9]+")))));
        assertEquals("h", selected(routes, Req.get("/").header("X-V", "42")));
        assertNull(selected(routes, Req.get("/").header("X-V", "42a")));
        assertNull(selected(routes, Req.get("/").header("X-V", "4", "2")), "two values are joined as 4,2");
        assertNull(selected(routes, Req.get("/")), "absent header never matches");
    }

    @Test
    void allHeaderAndQueryConditionsMustHold() {
        List<Route> routes = List.of(route("both",
                withQuery(withHeaders(prefix("/"), ValueMatch.exact("x-env", "prod")), ValueMatch.exact("debug", "1"))));
        assertEquals("both", selected(routes, Req.get("/").header("x-env", "prod").query("debug", "1")));
        assertNull(selected(routes, Req.get("/").header("x-env", "prod")));
        assertNull(selected(routes, Req.get("/").query("debug", "1")));
    }

    @Test
    void queryMatchUsesTheFirstValue() {
        List<Route> one = List.of(route("q1", withQuery(prefix("/"), ValueMatch.exact("debug", "1"))));
        List<Route> zero = List.of(route("q0", withQuery(prefix("/"), ValueMatch.exact("debug", "0"))));
        Req req = Req.get("/").query("debug", "1", "0");
        assertEquals("q1", selected(one, req));
        assertNull(selected(zero, req));
    }

    @Test
    void queryNamesAreCaseSensitive() {
        List<Route> routes = List.of(route("q", withQuery(prefix("/"), ValueMatch.exact("debug", "1"))));
        assertNull(selected(routes, Req.get("/").query("DEBUG", "1")));
    }

    // ---------------------------------------------------------------------------------------------
    // ties

    @Test
    void tiesGoToTheRouteListedFirst() {
        assertEquals("first", selected(List.of(route("first", prefix("/api")), route("second", prefix("/api"))), Req.get("/api")));
        assertEquals("second", selected(List.of(route("second", prefix("/api")), route("first", prefix("/api"))), Req.get("/api")));
        assertEquals("a", selected(List.of(route("a", regex("/x.*")), route("b", regex("/.*"))), Req.get("/xy")));
        assertEquals("b", selected(List.of(route("b", regex("/.*")), route("a", regex("/x.*"))), Req.get("/xy")));
        // equal specificity with different headers
        List<Route> routes = List.of(
                route("env", withHeaders(prefix("/"), ValueMatch.exact("x-env", "prod"))),
                route("team", withHeaders(prefix("/"), ValueMatch.exact("x-team", "a"))));
        Req both = Req.get("/").header("x-env", "prod").header("x-team", "a");
        assertEquals("env", selected(routes, both));
        assertEquals("team", selected(List.of(routes.get(1), routes.get(0)), both));
    }

    // ---------------------------------------------------------------------------------------------
    // hostnames

    @ParameterizedTest(name = "hostnames {0} vs host {1} -> {2}")
    @CsvSource({
            "api.example.com, api.example.com, true",
            "api.example.com, other.example.com, false",
            "api.example.com, example.com, false",
            "api.example.com, xapi.example.com, false",
            "API.Example.COM, api.example.com, true",
            "*.example.org, a.example.org, true",
            "*.example.org, a.b.example.org, true",
            "*.example.org, example.org, false",
            "*.example.org, .example.org, false",
            "*.example.org, aexample.org, false",
            "*.example.org, a.example.org.evil, false",
            "*.Example.ORG, a.example.org, true",
            "api.example.com;*.example.org, a.example.org, true",
            "api.example.com;*.example.org, api.example.com, true",
            "api.example.com;*.example.org, example.com, false",
            "api.example.com, '', false",
    })
    void hostnamesMatchExactlyOrByLeadingWildcard(String hostnames, String host, boolean expected) {
        HostMatch match = HostMatch.of(List.of(hostnames.split(";")));
        assertEquals(expected, match.matches(host));
        assertEquals(expected ? "h" : null,
                selected(List.of(route("h", List.of(hostnames.split(";")), prefix("/"))), Req.get("/").host(host)));
    }

    @ParameterizedTest(name = "route without hostnames matches host {0}")
    @CsvSource({"api.example.com", "localhost", "10.0.0.1", "''"})
    void routeWithoutHostnamesMatchesAnyHost(String host) {
        assertTrue(HostMatch.ANY.matches(host));
        assertTrue(HostMatch.of(List.of()).matches(host));
        assertEquals("any", selected(List.of(route("any", prefix("/"))), Req.get("/").host(host)));
    }

    @Test
    void hostFiltersBeforeSpecificity() {
        List<Route> routes = List.of(
                route("other-host-exact", List.of("other.example.com"), exact("/admin")),
                route("this-host-prefix", List.of("api.example.com"), prefix("/")));
        assertSelectedInAnyOrder("this-host-prefix", routes, Req.get("/admin"));
        assertSelectedInAnyOrder("other-host-exact", routes, Req.get("/admin").host("other.example.com"));
    }

    @Test
    void hostMatchLowerCasesConfiguredNames() {
        HostMatch m = HostMatch.of(List.of("API.Example.com", "*.Example.ORG"));
        assertEquals(List.of("api.example.com"), m.exact());
        assertEquals(List.of(".example.org"), m.suffixes());
        assertFalse(m.matches("example.org"));
    }

    // ---------------------------------------------------------------------------------------------
    // no match

    @Test
    void noMatchGivesNull() {
        assertNull(table(List.of()).select(Req.get("/")));
        assertNull(selected(List.of(route("a", exact("/a")), route("b", prefix("/b"))), Req.get("/c")));
        assertNull(selected(List.of(route("h", List.of("api.example.com"), prefix("/"))), Req.get("/").host("x.example.com")));
        assertNull(selected(List.of(route("m", withMethod(prefix("/"), "DELETE"))), Req.get("/")));
    }

    @Test
    void defaultMatchIsPrefixSlash() {
        assertEquals("any", selected(List.of(route("any", RouteMatch.ANY)), Req.get("/x/y").method("PATCH")));
    }

    @Test
    void routesAreKeptInConfigurationOrder() {
        List<Route> routes = List.of(route("b", prefix("/")), route("a", prefix("/")));
        assertEquals(List.of("b", "a"), table(routes).routes().stream().map(Route::name).toList());
    }

    /** A table as the compiler builds it, without resources to stop and with the default hygiene. */
    private static RouteTable table(List<Route> routes) {
        return new RouteTable(routes, List.of(), RequestHygiene.DEFAULT);
    }
}
