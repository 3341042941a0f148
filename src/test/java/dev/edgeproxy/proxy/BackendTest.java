package dev.edgeproxy.proxy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** docs/reference.md#configuration (backends[].host): a backend is host:port; a route's backends are taken in turn. */
class BackendTest {

    @ParameterizedTest(name = "{0} -> host {1}, port {2}")
    @CsvSource({
            "127.0.0.1:8081, 127.0.0.1, 8081",
            "example.com:80, example.com, 80",
            "[::1]:8080, ::1, 8080",
            "[2001:db8::1]:443, 2001:db8::1, 443",
            "localhost:1, localhost, 1",
            "localhost:65535, localhost, 65535",
            "'  host:9000  ', host, 9000",
    })
    void validBackendParses(String value, String host, int port) {
        assertEquals(new Backend(host, port), Backend.parse(value));
    }

    @ParameterizedTest(name = "{0} is refused")
    @ValueSource(strings = {
            "nohost",
            "host:",
            ":80",
            "host:0",
            "host:-1",
            "host:70000",
            "host:65536",
            "host:abc",
            "host:80x",
            "a:b:c",
            "::1:8080",
            "http://x:80",
            "x/path:80",
            "ho st:80",
            "[]:80",
            "[::1]",
            "host: 80",
    })
    void invalidBackendIsRefused(String value) {
        assertThrows(IllegalArgumentException.class, () -> Backend.parse(value));
    }

    /**
     * The port is read with {@link Integer#parseInt}, which also takes a leading sign and non-ASCII
     * digits, so these are accepted as port 80 although a URI port is only ASCII digits (RFC 3986 §3.2.3).
     */
    @ParameterizedTest(name = "{0} is refused")
    @ValueSource(strings = {"host:+80", "host:\u0668\u0660", "host:\uFF18\uFF10"})
    void portWithSignOrNonAsciiDigitsIsRefused(String value) {
        assertThrows(IllegalArgumentException.class, () -> Backend.parse(value));
    }

    @ParameterizedTest(name = "{0} is refused")
    @NullAndEmptySource
    void nullOrEmptyBackendIsRefused(String value) {
        assertThrows(IllegalArgumentException.class, () -> Backend.parse(value));
    }

    @ParameterizedTest(name = "{0} prints as {1}")
    @CsvSource({
            "127.0.0.1:8081, 127.0.0.1:8081",
            "[::1]:8080, [::1]:8080",
            "example.com:80, example.com:80",
    })
    void toStringRoundTrips(String value, String printed) {
        Backend u = Backend.parse(value);
        assertEquals(printed, u.toString());
        assertEquals(u, Backend.parse(u.toString()));
    }

    @Test
    void poolTakesBackendsInTurn() {
        Backend a = new Backend("a", 1);
        Backend b = new Backend("b", 2);
        Backend c = new Backend("c", 3);
        Backends pool = new Backends(List.of(a, b, c));
        List<Backend> picked = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            picked.add(pool.pick());
        }
        assertEquals(List.of(a, b, c, a, b, c, a), picked);
        assertEquals(List.of(a, b, c), pool.all());
    }

    @Test
    void poolWithTwoBackendsAlternates() {
        Backend a = new Backend("a", 1);
        Backend b = new Backend("b", 2);
        Backends pool = new Backends(List.of(a, b));
        assertEquals(List.of(a, b, a, b), List.of(pool.pick(), pool.pick(), pool.pick(), pool.pick()));
    }

    @Test
    void poolWithOneBackendAlwaysPicksIt() {
        Backend a = new Backend("a", 1);
        Backends pool = new Backends(List.of(a));
        for (int i = 0; i < 3; i++) {
            assertSame(a, pool.pick());
        }
    }

    @Test
    void emptyPoolIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new Backends(List.of()));
    }

    @Test
    void poolIsACopy() {
        List<Backend> list = new ArrayList<>(List.of(new Backend("a", 1)));
        Backends pool = new Backends(list);
        list.add(new Backend("b", 2));
        assertEquals(1, pool.all().size());
    }
}
