package dev.edgeproxy.http;

import io.vertx.core.MultiMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * docs/reference.md#forwarding: hop-by-hop headers, and every header named in Connection, are removed in both
 * directions.
 */
class HopByHopTest {

    static MultiMap headers(String... nameValues) {
        MultiMap m = MultiMap.caseInsensitiveMultiMap();
        for (int i = 0; i < nameValues.length; i += 2) {
            m.add(nameValues[i], nameValues[i + 1]);
        }
        return m;
    }

    static MultiMap copy(MultiMap from) {
        MultiMap to = MultiMap.caseInsensitiveMultiMap();
        HopByHop.copyEndToEnd(from, to);
        return to;
    }

    /** The headers as (name, value) pairs in order, names as written. */
    static List<String> entries(MultiMap m) {
        List<String> out = new ArrayList<>();
        for (Map.Entry<String, String> e : m) {
            out.add(e.getKey() + ": " + e.getValue());
        }
        return out;
    }

    static Stream<Arguments> hopByHopSpellings() {
        List<String> names = List.of("connection", "keep-alive", "proxy-connection", "te", "trailer",
                "transfer-encoding", "upgrade");
        return names.stream().flatMap(n -> Stream.of(
                arguments(n),
                arguments(n.toUpperCase(java.util.Locale.ROOT)),
                arguments(titleCase(n)),
                arguments(alternating(n))));
    }

    private static String titleCase(String name) {
        StringBuilder sb = new StringBuilder();
        boolean up = true;
        for (char c : name.toCharArray()) {
            sb.append(up ? Character.toUpperCase(c) : c);
            up = c == '-';
        }
        return sb.toString();
    }

    private static String alternating(String name) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            sb.append(i % 2 == 0 ? Character.toLowerCase(c) : Character.toUpperCase(c));
        }
        return sb.toString();
    }

    @ParameterizedTest(name = "{0} is removed")
    @MethodSource("hopByHopSpellings")
    void fixedHopByHopHeaderIsRemovedInAnyCase(String name) {
        MultiMap out = copy(headers(name, "some-value", "X-Keep", "1", name, "second"));
        assertFalse(out.contains(name), () -> name + " forwarded: " + entries(out));
        assertEquals(List.of("X-Keep: 1"), entries(out));
    }

    @Test
    void fixedSetIsExactlyTheContractsSeven() {
        assertEquals(java.util.Set.of("connection", "keep-alive", "proxy-connection", "te", "trailer",
                "transfer-encoding", "upgrade"), HopByHop.HEADERS);
    }

    static Stream<Arguments> connectionNamedHeaders() {
        return Stream.of(
                arguments("single token", List.of("x-internal"), List.of("x-internal")),
                arguments("several tokens", List.of("x-a, x-b"), List.of("x-a", "x-b")),
                arguments("several tokens without spaces", List.of("x-a,x-b,x-c"), List.of("x-a", "x-b", "x-c")),
                arguments("odd spacing and empty tokens", List.of("  x-a ,\tx-b,, ,x-c  "), List.of("x-a", "x-b", "x-c")),
                arguments("token case differs from header case", List.of("X-INTERNAL, x-Secret"), List.of("x-internal", "X-Secret")),
                arguments("several Connection headers", List.of("x-a", "X-B, close", "keep-alive"), List.of("x-a", "x-b")),
                arguments("close and keep-alive tokens only", List.of("close", "Keep-Alive"), List.of()));
    }

    @ParameterizedTest(name = "{0}: Connection {1} removes {2}")
    @MethodSource("connectionNamedHeaders")
    void headersNamedInConnectionAreRemoved(String description, List<String> connectionValues, List<String> removed) {
        MultiMap in = MultiMap.caseInsensitiveMultiMap();
        in.add("Accept", "text/plain");
        for (String name : List.of("x-a", "X-B", "x-c", "X-Internal", "x-secret")) {
            in.add(name, "v-" + name);
        }
        for (String v : connectionValues) {
            in.add("Connection", v);
        }
        in.add("Keep-Alive", "timeout=5");
        in.add("X-Last", "z");

        MultiMap out = copy(in);

        assertFalse(out.contains("connection"));
        assertFalse(out.contains("keep-alive"));
        for (String r : removed) {
            assertFalse(out.contains(r), () -> r + " forwarded: " + entries(out));
        }
        for (String name : List.of("x-a", "X-B", "x-c", "X-Internal", "x-secret")) {
            boolean named = removed.stream().anyMatch(name::equalsIgnoreCase);
            assertEquals(!named, out.contains(name), () -> name + " in " + entries(out));
        }
        assertEquals("text/plain", out.get("accept"));
        assertEquals("z", out.get("x-last"));
    }

    @Test
    void endToEndHeadersAreKeptWithRepeatedValuesInOrder() {
        MultiMap in = headers(
                "Accept", "text/html",
                "Set-Cookie", "a=1",
                "Connection", "x-hop",
                "X-Multi", "first",
                "Set-Cookie", "b=2",
                "x-multi", "second",
                "X-Hop", "gone",
                "X-MULTI", "third",
                "Set-Cookie", "c=3",
                "Cache-Control", "no-cache, no-store");
        MultiMap out = copy(in);
        assertEquals(List.of(
                "Accept: text/html",
                "Set-Cookie: a=1",
                "X-Multi: first",
                "Set-Cookie: b=2",
                "x-multi: second",
                "X-MULTI: third",
                "Set-Cookie: c=3",
                "Cache-Control: no-cache, no-store"), entries(out));
        assertEquals(List.of("a=1", "b=2", "c=3"), out.getAll("set-cookie"));
        assertEquals(List.of("first", "second", "third"), out.getAll("x-multi"));
    }

    @Test
    void headersAreAddedToWhatTheTargetAlreadyHolds() {
        MultiMap to = headers("Via", "1.1 edge");
        HopByHop.copyEndToEnd(headers("Via", "1.0 client", "TE", "trailers"), to);
        assertEquals(List.of("1.1 edge", "1.0 client"), to.getAll("via"));
        assertFalse(to.contains("te"));
    }

    @Test
    void theSourceIsNotModified() {
        MultiMap in = headers("Connection", "x-a", "X-A", "1", "Upgrade", "websocket");
        copy(in);
        assertEquals(List.of("Connection: x-a", "X-A: 1", "Upgrade: websocket"), entries(in));
    }

    @Test
    void upstreamResponseHeadersAreCleanedTheSameWay() {
        MultiMap upstream = headers(
                "Content-Type", "application/json",
                "Connection", "close, x-internal",
                "X-Internal", "debug-token",
                "Transfer-Encoding", "chunked",
                "Keep-Alive", "timeout=5",
                "Trailer", "x-checksum",
                "Set-Cookie", "s=1",
                "Set-Cookie", "t=2",
                "Content-Length", "10");
        MultiMap toClient = copy(upstream);
        assertEquals(List.of(
                "Content-Type: application/json",
                "Set-Cookie: s=1",
                "Set-Cookie: t=2",
                "Content-Length: 10"), entries(toClient));
    }

    @ParameterizedTest(name = "end-to-end header {0} is kept")
    @ValueSource(strings = {"Accept", "Authorization", "Content-Length", "Content-Type", "Cookie", "Host",
            "Trailers", "Tea", "X-Upgrade", "Connection-Id", "Via"})
    void endToEndHeaderIsKept(String name) {
        MultiMap out = copy(headers(name, "v", "Connection", "close"));
        assertTrue(out.contains(name), () -> name + " dropped");
        assertEquals("v", out.get(name));
    }
}
