package dev.edgeproxy.http;

import dev.edgeproxy.error.GatewayError;
import io.vertx.core.MultiMap;
import io.vertx.core.http.impl.HttpUtils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * docs/reference.md#header-fields: the one check of every header field on its way to an origin, as a table of
 * names and values; and, for every value it lets through, Vert.x's own client check agrees (it would otherwise
 * throw inside its pool-lease callback).
 */
class HeaderFieldsTest {

    static Stream<Arguments> names() {
        return Stream.of(
                arguments("x-a", true),
                arguments("X-Mixed-Case", true),
                arguments("!#$%&'*+-.^_`|~09az", true),
                arguments("", false),
                arguments("x a", false),
                arguments("x:a", false),
                arguments(":path", false),
                arguments("x\u0000", false),
                arguments("x\r\n", false),
                arguments("x\t", false),
                arguments("x(a)", false),
                arguments("x\"", false),
                arguments("x/a", false),
                arguments("x,a", false),
                arguments("x;a", false),
                arguments("x=a", false),
                arguments("x@a", false),
                arguments("x\u007f", false),
                arguments("x\u00e9", false));
    }

    @ParameterizedTest
    @MethodSource
    void names(String name, boolean valid) {
        assertEquals(valid, HeaderFields.validName(name), () -> printable(name));
    }

    static Stream<Arguments> values() {
        List<Arguments> rows = new ArrayList<>(List.of(
                arguments("", true),
                arguments("v", true),
                arguments("a b\tc", true),
                arguments("Bearer eyJ.eyJ.sig", true),
                arguments("caf\u00e9 \u00ff\u0080", true),
                arguments("v\r\n Transfer-Encoding: chunked", false),
                arguments("v\n Content-Length: 44", false),
                arguments("v\r\n\tX-Injected: 1", false),
                arguments("v\r", false),
                arguments("v\n", false),
                arguments(" leading", false),
                arguments("trailing ", false),
                arguments("\ttab", false),
                arguments("tab\t", false),
                arguments("del\u007f", false),
                arguments("beyond latin-1 \u0100", false)));
        for (char c = 0; c < 0x20; c++) {
            rows.add(arguments("v" + c + "v", c == '\t'));
        }
        return rows.stream();
    }

    @ParameterizedTest
    @MethodSource
    void values(String value, boolean valid) {
        assertEquals(valid, HeaderFields.validValue(value), () -> printable(value));
        if (valid) {
            // What passes here passes Vert.x's client check too: nothing it refuses reaches its lease callback.
            assertDoesNotThrow(() -> HttpUtils.validateHeader("x-a", value), () -> printable(value));
        }
    }

    @Test
    void theFirstInvalidFieldIsFound() {
        MultiMap headers = MultiMap.caseInsensitiveMultiMap()
                .add("host", "example.com")
                .add("x-a", "fine")
                .add("x-b", "v\u0000");
        assertEquals("x-b", HeaderFields.firstInvalid(headers).getKey());
        headers.remove("x-b");
        assertNull(HeaderFields.firstInvalid(headers));
        headers.add("x y", "v");
        assertEquals("x y", HeaderFields.firstInvalid(headers).getKey());
    }

    @Test
    void proxyMadeValuesAreSentAsUtf8Bytes() {
        assertEquals("ascii", HeaderFields.wireForm("ascii"));
        assertEquals("caf\u00c3\u00a9", HeaderFields.wireForm("caf\u00e9"));
        assertEquals("\u00e6\u0097\u00a5", HeaderFields.wireForm("\u65e5"));
        // A character whose UTF-8 bytes include no control byte stays valid; the check runs on the wire form.
        assertEquals(true, HeaderFields.validValue(HeaderFields.wireForm("\u010a\u0d0a")));
    }

    @Test
    void aRequestWithAnInvalidFieldIsRefusedWithoutNamingIt() {
        MultiMap headers = MultiMap.caseInsensitiveMultiMap().add("authorization", "Bearer secret\u0001");
        GatewayError.BadRequest refused = assertThrows(GatewayError.BadRequest.class,
                () -> RequestHead.checkFields(headers));
        assertEquals("bad request: invalid header field", refused.body());
    }

    static Stream<Arguments> schemes() {
        return Stream.of(
                // tls, :scheme (HTTP/2) or null, the scheme every step sees (null: refused)
                arguments(false, null, "http"),
                arguments(true, null, "https"),
                arguments(false, "https", "http"),
                arguments(true, "http", "https"),
                arguments(true, "HTTPS", "https"),
                arguments(false, "javascript", null),
                arguments(true, "ftp", null),
                arguments(false, "", null));
    }

    @ParameterizedTest
    @MethodSource
    void schemes(boolean tls, String claimed, String expected) {
        if (expected == null) {
            assertEquals("bad request: unsupported :scheme",
                    assertThrows(GatewayError.BadRequest.class, () -> RequestHead.scheme(tls, claimed)).body());
        } else {
            assertEquals(expected, RequestHead.scheme(tls, claimed));
        }
    }

    @Test
    void anHttp2RequestsAuthorityReachesTheOriginAsHostAndItsCookiesAsOneLine() {
        MultiMap h2 = MultiMap.caseInsensitiveMultiMap().add("cookie", "a=1").add("cookie", "session=s").add("x", "y");
        OriginHead.apply(h2, "api.example.com:8443");
        assertEquals(List.of("api.example.com:8443"), h2.getAll("host"));
        assertEquals(List.of("a=1; session=s"), h2.getAll("cookie"));

        MultiMap h1 = MultiMap.caseInsensitiveMultiMap().add("host", "api.example.com").add("cookie", "a=1");
        OriginHead.apply(h1, "api.example.com");
        assertEquals(List.of("api.example.com"), h1.getAll("host"));
        assertEquals(List.of("a=1"), h1.getAll("cookie"));

        MultiMap h10 = MultiMap.caseInsensitiveMultiMap();
        OriginHead.apply(h10, "");
        assertNull(h10.get("host"), "HTTP/1.0 without Host: the client's default stays");
    }

    private static String printable(String s) {
        StringBuilder out = new StringBuilder();
        for (char c : s.toCharArray()) {
            out.append(c < 0x20 || c >= 0x7f ? String.format("\\u%04x", (int) c) : String.valueOf(c));
        }
        return out.toString();
    }
}
