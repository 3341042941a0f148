package dev.edgeproxy.proxy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link AllowedOrigins}: which {@code Origin} headers a list lets through (scheme and host without regard to
 * case, the port exactly, a default port the same as none), and which configured entries are not origins.
 */
class AllowedOriginsTest {

    private static final AllowedOrigins LIST = AllowedOrigins.of(List.of(
            "https://app.example.com", "http://localhost:3000", "HTTPS://Admin.Example.COM:443", "https://[::1]:8443",
            "http://plain.example:80", "null"));

    /** One {@code Origin} header value, and whether the list above lets it through. */
    static Stream<Arguments> singleOrigins() {
        return Stream.of(
                Arguments.of("https://app.example.com", true),
                Arguments.of("HTTPS://APP.EXAMPLE.COM", true),
                Arguments.of("https://app.example.com:443", true),
                Arguments.of("  https://app.example.com ", true),
                Arguments.of("https://admin.example.com", true),
                Arguments.of("http://plain.example", true),
                Arguments.of("http://localhost:3000", true),
                Arguments.of("https://[::1]:8443", true),
                Arguments.of("null", true),
                // Another scheme, host, or port is another origin.
                Arguments.of("http://app.example.com", false),
                Arguments.of("https://app.example.com:8443", false),
                Arguments.of("http://localhost", false),
                Arguments.of("http://localhost:3001", false),
                Arguments.of("https://evil.example.com", false),
                Arguments.of("https://app.example.com.evil.example", false),
                Arguments.of("https://evil-app.example.com", false),
                Arguments.of("https://[::1]", false),
                // Not a serialized origin: can equal no entry.
                Arguments.of("https://app.example.com/", false),
                Arguments.of("https://app.example.com/path", false),
                Arguments.of("https://user@app.example.com", false),
                Arguments.of("app.example.com", false),
                Arguments.of("https://app.example.com https://evil.example", false),
                Arguments.of("https://app.example.com,https://evil.example", false),
                Arguments.of("NULL", false),
                Arguments.of("", false));
    }

    @ParameterizedTest(name = "[{index}] Origin: ''{0}'' passes: {1}")
    @MethodSource("singleOrigins")
    void oneOriginHeader(String origin, boolean allowed) {
        assertEquals(allowed, LIST.allows(List.of(origin)));
    }

    @Test
    void noOriginPassesAndTwoAreRefused() {
        assertTrue(LIST.allows(List.of()), "a client that is no browser sends none");
        assertEquals(false, LIST.allows(List.of("https://app.example.com", "https://app.example.com")));
        assertEquals(false, LIST.allows(List.of("https://app.example.com", "https://evil.example")));
    }

    @Test
    void withoutAListEveryOriginPasses() {
        assertTrue(AllowedOrigins.ANY.allows(List.of("https://evil.example")));
        assertTrue(AllowedOrigins.ANY.allows(List.of("not an origin", "null")));
        assertTrue(AllowedOrigins.ANY.allows(List.of()));
    }

    /** Configured entries that are not origins, and the start of the reason given. */
    static Stream<Arguments> invalidEntries() {
        return Stream.of(
                Arguments.of("https://app.example.com/", "'https://app.example.com/' is not an origin"),
                Arguments.of("https://app.example.com/chat", "is not an origin"),
                Arguments.of("https://app.example.com?x=1", "is not an origin"),
                Arguments.of("https://user@app.example.com", "is not an origin"),
                Arguments.of("app.example.com", "is not an origin"),
                Arguments.of("*.example.com", "is not an origin"),
                Arguments.of("https://*.example.com", "is not an origin"),
                Arguments.of("https://", "is not an origin"),
                Arguments.of("", "is not an origin"),
                Arguments.of("Null", "is not an origin"),
                Arguments.of("wss://app.example.com", "has scheme 'wss' (expected http or https)"),
                Arguments.of("ftp://app.example.com", "has scheme 'ftp'"),
                Arguments.of("https://app..example.com", "has no valid host"),
                Arguments.of("https://app.example.com:0", "has port out of range 1-65535"),
                Arguments.of("https://app.example.com:65536", "has port out of range 1-65535"),
                Arguments.of("https://app.example.com:", "is not an origin"));
    }

    @ParameterizedTest(name = "[{index}] ''{0}''")
    @MethodSource("invalidEntries")
    void anEntryThatIsNotAnOriginIsRefused(String entry, String reason) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> AllowedOrigins.normalize(entry));
        assertTrue(e.getMessage().contains(reason), e::getMessage);
    }

    @Test
    void entriesAreKeptInTheirCanonicalForm() {
        assertEquals("https://admin.example.com", AllowedOrigins.normalize("HTTPS://Admin.Example.COM:443"));
        assertEquals("http://plain.example", AllowedOrigins.normalize("http://plain.example:80"));
        assertEquals("http://plain.example:443", AllowedOrigins.normalize("http://plain.example:443"));
        assertEquals("https://[::1]:8443", AllowedOrigins.normalize("https://[::1]:8443"));
        assertEquals("null", AllowedOrigins.normalize("null"));
    }
}
