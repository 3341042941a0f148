package dev.edgeproxy.e2e;

import dev.edgeproxy.testing.RawHttp;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The request-target attack table, sent byte for byte over raw sockets. Each target is either refused
 * (400, or not a path at all: 404 from the HTTP layer, never reaching a route) or decided on exactly the
 * path an origin will read. The check is differential: {@link #originReads} models an origin that
 * canonicalises aggressively (Tomcat and Spring drop {@code ;} parameters, then decode once; nginx merges
 * slashes; all remove dot segments), and the proxy's decision (status, route) must be the one the test
 * routes give for the path that origin would read — from the raw target when the proxy refuses nothing,
 * and from what the origin really received when it forwards.
 *
 * <p>Routes of {@link GatewayTestResource} used: {@code open} (prefix {@code /open}, no policy, adds
 * {@code x-route: open}), {@code strict} (prefix {@code /strict}, token required), {@code admin} (exact
 * {@code /admin}, token required). Without a token these answer 200, 401 and 401.
 */
@QuarkusTest
@QuarkusTestResource(GatewayTestResource.class)
class RequestTargetAttackTest {

    /** The proxy must refuse the target; nothing reaches the origin. */
    private static final String REFUSED = "refused";

    /** {target, expected: REFUSED, a status, or the request target the origin must receive} */
    private static final String[][] TABLE = {
            {"/open/x", "/open/x"},
            {"/open/../admin", "401"},
            {"/open/%2e%2e/admin", "401"},
            {"/open/%2E%2E/admin", "401"},
            {"/open/%2e%2E/admin", "401"},
            {"/open/.%2e/admin", "401"},
            {"/open/%2e./admin", "401"},
            {"/open/x/../../admin", "401"},
            {"/./admin", "401"},
            {"/%2e%2e/admin", "401"},
            {"/op%65n/../strict/y", "401"},
            {"//admin", "401"},
            {"/open/..%2fadmin", REFUSED},
            {"/open/..%2Fadmin", REFUSED},
            {"/open/%2e%2e%2fadmin", REFUSED},
            {"/open%2f../admin", REFUSED},
            {"/admin%2f", REFUSED},
            {"/open/x%2F..%2F..%2Fadmin", REFUSED},
            {"/open/..%5cadmin", REFUSED},
            {"/open/..%5Cadmin", REFUSED},
            {"/open/..\\admin", REFUSED},
            {"/open\\..\\admin", REFUSED},
            {"/open/..;/admin", REFUSED},
            {"/open;x=1/y", REFUSED},
            {"/open/x;jsessionid=1", REFUSED},
            {"/open/%00/x", REFUSED},
            {"/open/..%00/admin", REFUSED},
            {"/open/x#frag", REFUSED},
            {"/open/x?q=1#frag", REFUSED},
            {"/open/%C0%AE%C0%AE/admin", REFUSED},
            {"/open/%c0%ae%c0%ae/admin", REFUSED},
            {"/open/%E0%80%AE%E0%80%AE/admin", REFUSED},
            {"/open/%C0%AF../admin", REFUSED},
            {"/open/\u00c0\u00ae\u00c0\u00ae/admin", REFUSED},
            {"/open/%ZZ", REFUSED},
            {"/open/%2", REFUSED},
            {"/open/a b", REFUSED},
            {"*", REFUSED},
            {"/open/%252e%252e/admin", "/open/%252e%252e/admin"},
            {"/open/..%252fadmin", "/open/..%252fadmin"},
            {"//open//x", "/open/x"},
            {"/open/./x", "/open/x"},
            {"/open/x/..", "/open/"},
            {"/%6fpen/x", "/open/x"},
            {"/%6Fpen/%78", "/open/x"},
            {"/open/%7euser", "/open/~user"},
            {"/open/a%20b", "/open/a%20b"},
            {"/open/%3b/x", "/open/%3B/x"},
            {"/open/x?next=/../admin&q=%2e%2e", "/open/x?next=/../admin&q=%2e%2e"},
            {"/OPEN/x", "404"},
            {"/admin/", "404"},
    };

    private static final List<String> REPORT = new ArrayList<>();

    @InjectGateway
    GatewayFixture gateway;

    @Test
    void everyTargetIsRefusedOrDecidedOnWhatTheOriginReads() {
        assertTrue(TABLE.length >= 40);
        for (String[] row : TABLE) {
            check(row[0], "GET " + row[0] + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n", row[1]);
        }
    }

    @Test
    void absoluteFormAndOtherRequestForms() {
        check("http://localhost/open/x", "GET http://localhost/open/x HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n",
                "/open/x");
        check("http://localhost/open/../admin",
                "GET http://localhost/open/../admin HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n", "401");
        check("http://other.example/open/x (Host: localhost)",
                "GET http://other.example/open/x HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n", REFUSED);
        check("http://user@localhost/open/x",
                "GET http://user@localhost/open/x HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n", REFUSED);
        check("OPTIONS *", "OPTIONS * HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n", REFUSED);
        check("CONNECT localhost:443", "CONNECT localhost:443 HTTP/1.1\r\nHost: localhost:443\r\nConnection: close\r\n\r\n",
                REFUSED);
    }

    @Test
    void rulesSeeTheCanonicalPath() {
        // The admin route's rule is request.path == "/admin": it holds for the canonical path, and the
        // origin receives that same path.
        String token = gateway.token("alice", "admins");
        RawHttp.Response r = RawHttp.exchange(RestAssured.port, "GET /open/%2e%2e//admin HTTP/1.1\r\nHost: localhost\r\n"
                + "Authorization: Bearer " + token + "\r\nConnection: close\r\n\r\n");
        assertEquals(200, r.status(), r.bodyText());
        assertEquals("/admin", JsonPath.from(r.bodyText()).getString("uri"));
    }

    @AfterAll
    static void printTable() {
        // The attack table's output, for the record (surefire keeps it in the test's output file).
        System.out.println("request-target attack table (" + REPORT.size() + " targets):");
        REPORT.forEach(System.out::println);
    }

    private void check(String label, String request, String expected) {
        int before = gateway.upstream().requests();
        RawHttp.Response response = RawHttp.exchange(RestAssured.port, request);
        String target = request.substring(request.indexOf(' ') + 1, request.indexOf(" HTTP/1.1"));
        String outcome;
        if (response.status() == 200) {
            JsonPath upstream = JsonPath.from(response.bodyText());
            String received = upstream.getString("uri");
            outcome = "200 via " + upstream.getString("headers.x-route[0]") + ", origin received " + received;
            assertEquals(expected, received, label + ": the request target the origin received");
            // What the origin reads of what it received is what the proxy decided on...
            assertEquals(originReads(received), decodeOnce(pathOf(received)), label + ": the origin would read it differently");
            // ...and the route that path leads to is the one that served it.
            assertEquals("open", routeFor(originReads(received)), label);
            assertEquals("open", upstream.getString("headers.x-route[0]"), label);
        } else {
            outcome = response.status() + " " + response.bodyText();
            assertEquals(before, gateway.upstream().requests(), label + ": nothing may reach the origin");
            if (expected.equals(REFUSED)) {
                assertTrue(response.status() == 400 || response.status() == 404, label + ": " + outcome);
            } else {
                assertEquals(expected, String.valueOf(response.status()), label + ": " + outcome);
                // Differential: the decision is the one for the path the origin would have read.
                String originPath = originReads(target.startsWith("http://") ? target.substring(target.indexOf('/', 7)) : target);
                assertEquals(statusFor(routeFor(originPath)), response.status(), label + " (origin reads " + originPath + ")");
            }
        }
        REPORT.add(String.format("  %-40s %s", label, outcome));
    }

    /** The test routes without a token: open answers, strict and admin want one, the rest is not found. */
    private static String routeFor(String path) {
        if (path.equals("/open") || path.startsWith("/open/")) {
            return "open";
        } else if (path.equals("/strict") || path.startsWith("/strict/")) {
            return "strict";
        } else if (path.equals("/admin")) {
            return "admin";
        }
        return "none";
    }

    private static int statusFor(String route) {
        return switch (route) {
            case "open" -> 200;
            case "strict", "admin" -> 401;
            default -> 404;
        };
    }

    private static String pathOf(String target) {
        int q = target.indexOf('?');
        return q < 0 ? target : target.substring(0, q);
    }

    /**
     * The path an aggressively canonicalising origin reads from a request target: path parameters dropped
     * per segment, percent-escapes decoded once, backslashes as slashes, slashes merged, dot segments removed.
     */
    static String originReads(String target) {
        String path = pathOf(target);
        StringBuilder noParams = new StringBuilder();
        for (String segment : path.split("/", -1)) {
            int semicolon = segment.indexOf(';');
            noParams.append(semicolon < 0 ? segment : segment.substring(0, semicolon)).append('/');
        }
        String decoded = decodeOnce(noParams.substring(0, noParams.length() - 1)).replace('\\', '/');
        List<String> kept = new ArrayList<>();
        String[] segments = decoded.split("/", -1);
        for (int i = 1; i < segments.length; i++) {
            String s = segments[i];
            boolean last = i == segments.length - 1;
            if (s.equals("..")) {
                if (!kept.isEmpty()) {
                    kept.remove(kept.size() - 1);
                }
                if (last) {
                    kept.add("");
                }
            } else if (s.equals(".")) {
                if (last) {
                    kept.add("");
                }
            } else if (!s.isEmpty() || last) {
                kept.add(s);
            }
        }
        return "/" + String.join("/", kept);
    }

    private static String decodeOnce(String s) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%' && i + 2 < s.length() && Character.digit(s.charAt(i + 1), 16) >= 0
                    && Character.digit(s.charAt(i + 2), 16) >= 0) {
                out.write(Integer.parseInt(s.substring(i + 1, i + 3), 16));
                i += 2;
            } else {
                out.write(c);
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
