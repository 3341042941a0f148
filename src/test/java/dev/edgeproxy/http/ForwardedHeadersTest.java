package dev.edgeproxy.http;

import io.vertx.core.MultiMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** docs/reference.md#forwarding: X-Forwarded-For appended, X-Forwarded-Proto and X-Forwarded-Host set, Host kept. */
class ForwardedHeadersTest {

    static MultiMap headers(String... nameValues) {
        MultiMap m = MultiMap.caseInsensitiveMultiMap();
        for (int i = 0; i < nameValues.length; i += 2) {
            m.add(nameValues[i], nameValues[i + 1]);
        }
        return m;
    }

    static Stream<Arguments> forwardedFor() {
        return Stream.of(
                arguments("created when absent", List.of(), "10.0.0.1"),
                arguments("appended to one value", List.of("203.0.113.5"), "203.0.113.5, 10.0.0.1"),
                arguments("appended to a list", List.of("203.0.113.5, 198.51.100.7"), "203.0.113.5, 198.51.100.7, 10.0.0.1"),
                arguments("appended to several headers, in order", List.of("203.0.113.5", "198.51.100.7"),
                        "203.0.113.5, 198.51.100.7, 10.0.0.1"),
                arguments("blank existing value is replaced", List.of(" "), "10.0.0.1"));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("forwardedFor")
    void forwardedForGetsTheClientAddressAppended(String description, List<String> existing, String expected) {
        MultiMap h = MultiMap.caseInsensitiveMultiMap();
        for (String v : existing) {
            h.add("X-Forwarded-For", v);
        }
        ForwardedHeaders.apply(h, "10.0.0.1", "http", "api.example.com");
        assertEquals(List.of(expected), h.getAll("x-forwarded-for"));
    }

    @Test
    void forwardedForWithIpv6ClientAddress() {
        MultiMap h = headers("x-forwarded-for", "203.0.113.5");
        ForwardedHeaders.apply(h, "2001:db8::1", "http", "api.example.com");
        assertEquals("203.0.113.5, 2001:db8::1", h.get("X-Forwarded-For"));
    }

    @Test
    void forwardedForIsLeftAloneWithoutAClientAddress() {
        MultiMap h = headers("X-Forwarded-For", "203.0.113.5");
        ForwardedHeaders.apply(h, null, "http", "api.example.com");
        assertEquals(List.of("203.0.113.5"), h.getAll("x-forwarded-for"));
    }

    @Test
    void protoAndHostAreSetWhenAbsent() {
        MultiMap h = headers("Host", "api.example.com:8443");
        ForwardedHeaders.apply(h, "10.0.0.1", "https", "api.example.com:8443");
        assertEquals(List.of("https"), h.getAll("x-forwarded-proto"));
        assertEquals(List.of("api.example.com:8443"), h.getAll("x-forwarded-host"));
    }

    @Test
    void protoAndHostReplaceClientSentValues() {
        MultiMap h = headers(
                "X-Forwarded-Proto", "https",
                "x-forwarded-proto", "ftp",
                "X-Forwarded-Host", "evil.example",
                "X-FORWARDED-HOST", "evil2.example",
                "Host", "api.example.com");
        ForwardedHeaders.apply(h, "10.0.0.1", "http", "api.example.com");
        assertEquals(List.of("http"), h.getAll("x-forwarded-proto"));
        assertEquals(List.of("api.example.com"), h.getAll("x-forwarded-host"));
    }

    @Test
    void clientSentForwardedHostIsRemovedWhenTheRequestHasNoHost() {
        MultiMap h = headers("X-Forwarded-Host", "evil.example");
        ForwardedHeaders.apply(h, "10.0.0.1", "http", null);
        assertFalse(h.contains("x-forwarded-host"));
    }

    @Test
    void hostIsNotTouched() {
        MultiMap h = headers("Host", "api.example.com:8080", "Accept", "*/*");
        ForwardedHeaders.apply(h, "10.0.0.1", "https", "other.example:9999");
        assertEquals(List.of("api.example.com:8080"), h.getAll("host"));
        assertEquals(List.of("*/*"), h.getAll("accept"));
        assertEquals("other.example:9999", h.get("x-forwarded-host"));
    }
}
