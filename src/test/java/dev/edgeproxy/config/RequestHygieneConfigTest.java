package dev.edgeproxy.config;

import dev.edgeproxy.error.GatewayError;
import dev.edgeproxy.http.EscapeAction;
import dev.edgeproxy.http.TargetCanonicalizer;
import dev.edgeproxy.http.TargetPolicy;
import dev.edgeproxy.route.Route;
import dev.edgeproxy.route.RouteTable;
import dev.edgeproxy.testing.Configs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The gateway-wide request settings as the compiler reads them: canonicalisation, headers removed from
 * every request, body limits; and route paths checked against the canonicalisation.
 */
class RequestHygieneConfigTest {

    private static final String ROUTES = """
              routes:
                - name: a
                  matches: [{path: {pathPrefix: /a}}]
                  backends: [{host: "127.0.0.1:1"}]
                  policies:
                    transformations:
                      request:
                        set: {X-User-Id: '"u"'}
                - name: b
                  matches: [{path: {pathPrefix: /b}}]
                  backends: [{host: "127.0.0.1:1"}]
                  limits: {maxRequestBody: 2K}
                  policies:
                    transformations:
                      request:
                        add: {x-route: '"b"'}
            """;

    @Test
    void defaults() {
        RouteTable table = Configs.compile("gateway:\n" + ROUTES);
        assertCanonicalizesAs(TargetPolicy.STRICT, table);
        assertEquals(Set.of("forwarded", "x-forwarded-host", "x-forwarded-proto", "x-real-ip", "x-original-url",
                "x-rewrite-url", "x-user-id", "x-route"), table.hygiene().removedHeaders());
        assertEquals(Route.UNLIMITED, Configs.route(table, "a").maxRequestBody());
        assertEquals(2048, Configs.route(table, "b").maxRequestBody());
    }

    @Test
    void configured() {
        RouteTable table = Configs.compile("""
                gateway:
                  requestTarget: {mergeSlashes: false, escapedSlash: decode, escapedBackslash: keep, backslash: DECODE,
                                  escapedNul: keep, pathParameters: decode}
                  untrustedHeaders: [X-Real-IP, x-client-cert]
                  limits: {maxRequestBody: 10M}
                """ + ROUTES);
        assertCanonicalizesAs(new TargetPolicy(false, EscapeAction.DECODE, EscapeAction.KEEP, EscapeAction.DECODE,
                EscapeAction.KEEP, EscapeAction.DECODE), table);
        assertEquals(Set.of("x-real-ip", "x-client-cert", "x-user-id", "x-route"), table.hygiene().removedHeaders());
        assertEquals(10 * 1024 * 1024, Configs.route(table, "a").maxRequestBody());
        assertEquals(2048, Configs.route(table, "b").maxRequestBody());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
            "requestTarget: {escapedSlash: sometimes} | gateway | requestTarget.escapedSlash | unknown action 'sometimes'",
            "requestTarget: {escapedNul: decode}      | gateway | requestTarget.escapedNul   | 'decode' is not possible",
            "untrustedHeaders: ['x bad']              | gateway | untrustedHeaders[0]        | not a valid header name",
            "untrustedHeaders: [host]                 | gateway | untrustedHeaders[0]        | managed by the proxy",
            "untrustedHeaders: [Upgrade]              | gateway | untrustedHeaders[0]        | managed by the proxy",
            "limits: {maxRequestBody: lots}           | gateway | limits.maxRequestBody      | is not a size",
    })
    void globalErrorsNameTheField(String yaml, String where, String field, String reason) {
        InvalidConfigException e = Configs.compileFails("gateway:\n  " + yaml + "\n" + ROUTES);
        Configs.assertReported(e, where, field);
        assertTrue(e.getMessage().contains(reason), e.getMessage());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
            "{exact: /a/../b}        | matches[0].path.exact      | is not canonical: requests for it arrive as '/b'",
            "{pathPrefix: /%61pi}    | matches[0].path.pathPrefix | is not canonical: requests for it arrive as '/api'",
            "{pathPrefix: //api}     | matches[0].path.pathPrefix | is not canonical: requests for it arrive as '/api'",
            "{exact: /a%2Fb}         | matches[0].path.exact      | can never match: such a request is refused (encoded slash (%2F))",
            "{exact: '/a?b'}         | matches[0].path.exact      | must not contain a query",
    })
    void routePathsMustBeCanonical(String path, String field, String reason) {
        InvalidConfigException e = Configs.compileFails("""
                gateway:
                  routes:
                    - name: r
                      matches: [{path: %s}]
                      backends: [{host: "127.0.0.1:1"}]
                """.formatted(path));
        Configs.assertReported(e, "route 'r'", field);
        assertTrue(e.getMessage().contains(reason), e.getMessage());
    }

    @Test
    void routeLimitErrorNamesTheRoute() {
        InvalidConfigException e = Configs.compileFails("""
                gateway:
                  routes:
                    - name: r
                      backends: [{host: "127.0.0.1:1"}]
                      limits: {maxRequestBody: -5}
                """);
        Configs.assertReported(e, "route 'r'", "limits.maxRequestBody");
    }

    /** Targets that tell every setting of a {@link TargetPolicy} apart, each one setting at a time. */
    private static final List<String> PROBES = List.of("/a//b", "/a/%2F/b", "/a/%5C/b", "/a/\\/b", "/a/%00/b",
            "/a;p=1/b", "/a/b");

    /** The table canonicalizes every probe exactly as a canonicalizer with {@code expected} does. */
    private static void assertCanonicalizesAs(TargetPolicy expected, RouteTable table) {
        TargetCanonicalizer reference = new TargetCanonicalizer(expected);
        for (String probe : PROBES) {
            assertEquals(outcome(reference, probe), outcome(table.hygiene().canonicalizer(), probe), probe);
        }
    }

    private static String outcome(TargetCanonicalizer canonicalizer, String target) {
        try {
            return canonicalizer.canonicalize("GET", target, "t").originForm();
        } catch (GatewayError.BadRequest refused) {
            return "refused: " + refused.getMessage();
        }
    }
}
