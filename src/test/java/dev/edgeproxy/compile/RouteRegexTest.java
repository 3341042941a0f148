package dev.edgeproxy.compile;

import dev.edgeproxy.config.InvalidConfigException;
import dev.edgeproxy.route.MatchInput;
import dev.edgeproxy.route.Route;
import dev.edgeproxy.route.RouteTable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Map;
import java.util.concurrent.TimeUnit;

import static dev.edgeproxy.testing.Configs.assertReported;
import static dev.edgeproxy.testing.Configs.compile;
import static dev.edgeproxy.testing.Configs.compileFails;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Route regexes (path, header value, query value) run on client input, so they are RE2 (linear time in
 * the input): the full-match semantics stay, constructs RE2 lacks are refused at startup with route and
 * field, and a pattern that makes a backtracking engine run for ages answers at once.
 */
class RouteRegexTest {

    /** A request with the given path and, optionally, one header {@code x-v} and query parameter {@code v}. */
    private record Request(String path, String header, String query) implements MatchInput {
        @Override
        public String host() {
            return "gw.test";
        }

        @Override
        public String method() {
            return "GET";
        }

        @Override
        public String header(String name) {
            return name.equals("x-v") ? header : null;
        }

        @Override
        public String queryParam(String name) {
            return name.equals("v") ? query : null;
        }
    }

    private static RouteTable routes(String matchYaml) {
        return compile("""
                gateway:
                  routes:
                    - name: r
                      backends: [{host: "127.0.0.1:8081"}]
                      matches:
                %s""".formatted(matchYaml.indent(8)));
    }

    private static boolean selected(RouteTable table, Request request) {
        Route route = table.select(request);
        return route != null;
    }

    @ParameterizedTest(name = "path regex {0} on {1}: {2}")
    @CsvSource(delimiter = ';', textBlock = """
            /v[0-9]+/.*     ; /v2/items      ; true
            /v[0-9]+/.*     ; /x/v2/items    ; false
            /api            ; /api/x         ; false
            /a|/b           ; /b             ; true
            /a|/b           ; /ab            ; false
            /(?i)caps       ; /CAPS          ; true
            /[^/]+/end      ; /one/end       ; true
            /[^/]+/end      ; /one/two/end   ; false
            /é+             ; /éé            ; true
            """)
    void pathRegexIsAFullMatch(String regex, String path, boolean matches) {
        RouteTable table = routes("- path: {regex: '%s'}".formatted(regex));
        assertEquals(matches, selected(table, new Request(path, null, null)));
    }

    @ParameterizedTest(name = "header and query regex {0} on {1}: {2}")
    @CsvSource(delimiter = ';', textBlock = """
            t-[0-9]+        ; t-42           ; true
            t-[0-9]+        ; xt-42          ; false
            t-[0-9]+        ; t-42x          ; false
            prod|staging    ; staging        ; true
            prod|staging    ; prodstaging    ; false
            """)
    void valueRegexIsAFullMatch(String regex, String value, boolean matches) {
        RouteTable headers = routes("""
                - path: {pathPrefix: /}
                  headers:
                    - name: x-v
                      value: {regex: '%s'}""".formatted(regex));
        RouteTable query = routes("""
                - path: {pathPrefix: /}
                  query:
                    - name: v
                      value: {regex: '%s'}""".formatted(regex));
        assertEquals(matches, selected(headers, new Request("/x", value, null)), "header");
        assertEquals(matches, selected(query, new Request("/x", null, value)), "query");
        assertNull(headers.select(new Request("/x", null, null)), "an absent header never matches");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = ';', textBlock = """
            backreference          ; (a+)-\\1
            lookahead              ; /x(?=y)
            negative lookahead     ; /x(?!y)
            lookbehind             ; (?<=/a)b
            possessive quantifier  ; /a*+
            atomic group           ; /(?>a+)
            unclosed group         ; (/a
            """)
    void constructsRe2LacksAreRefusedNamingRouteAndField(String what, String regex) {
        for (Map.Entry<String, String> place : Map.of(
                "matches[0].path.regex", "- path: {regex: '%s'}",
                "matches[0].headers[0].value.regex", """
                        - path: {pathPrefix: /}
                          headers:
                            - name: x-v
                              value: {regex: '%s'}""",
                "matches[0].query[0].value.regex", """
                        - path: {pathPrefix: /}
                          query:
                            - name: v
                              value: {regex: '%s'}""").entrySet()) {
            InvalidConfigException e = compileFails("""
                    gateway:
                      routes:
                        - name: r
                          backends: [{host: "127.0.0.1:8081"}]
                          matches:
                    %s""".formatted(place.getValue().formatted(regex).indent(8)));
            assertReported(e, "route 'r'", place.getKey());
            assertTrue(e.getMessage().contains("invalid regex '" + regex + "'"), e::getMessage);
            assertTrue(e.getMessage().contains("RE2 syntax"), e::getMessage);
        }
    }

    /**
     * {@code (a+)+$} on {@code aaaa…!} takes a backtracking engine exponential time (java.util.regex would
     * not finish within the age of the universe at this length). The timeout only detects a hang: RE2
     * answers in linear time.
     */
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void catastrophicPatternsAnswerOnLongInput() {
        String attack = "a".repeat(100_000) + "!";
        RouteTable path = routes("- path: {regex: '/(a+)+$'}");
        assertNull(path.select(new Request("/" + attack, null, null)));
        assertTrue(selected(path, new Request("/" + "a".repeat(100_000), null, null)));

        RouteTable header = routes("""
                - path: {pathPrefix: /}
                  headers:
                    - name: x-v
                      value: {regex: '(a|aa)+'}""");
        assertNull(header.select(new Request("/", attack, null)));
        assertTrue(selected(header, new Request("/", "a".repeat(100_000), null)));
    }
}
