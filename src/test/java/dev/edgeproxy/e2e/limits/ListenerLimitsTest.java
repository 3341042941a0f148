package dev.edgeproxy.e2e.limits;

import dev.edgeproxy.e2e.limits.RawConnection.End;
import dev.edgeproxy.e2e.limits.RawConnection.Response;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The limits of the proxy port, seen from raw sockets: the request-head deadline (1 s in this
 * profile), the connection cap (4 here) and the shipped header and request-line sizes.
 *
 * <p>No test measures time: each bound below is only how long to wait before calling a hang a failure.
 */
@QuarkusTest
@TestProfile(ListenerLimitsProfile.class)
class ListenerLimitsTest {

    /** Far above the 1 s deadline: a connection still open after this was not cut by it. */
    private static final Duration BOUND = Duration.ofSeconds(15);

    private static final String GET_OPEN = "GET /open/x HTTP/1.1\r\nHost: limits.test\r\n\r\n";

    // --- request-head deadline ----------------------------------------------------------------

    @Test
    void connectionThatSendsNothingIsClosed() throws IOException {
        try (RawConnection c = RawConnection.open()) {
            assertEquals(End.CLOSED, c.awaitEnd(BOUND));
        }
    }

    @Test
    void tricklingTheHeadDoesNotKeepTheConnection() throws Exception {
        try (RawConnection c = RawConnection.open()) {
            c.send("GET /open/x HTTP/1.1\r\nHost: limits.test\r\nX-Slow: ");
            // One byte every 100 ms, for up to 30 s: every byte would renew an idle timeout.
            for (int i = 0; i < 300; i++) {
                try {
                    c.send("a");
                } catch (IOException closed) {
                    return; // the proxy closed the connection: what we wanted
                }
                End end = c.awaitEnd(Duration.ofMillis(100));
                if (end == End.CLOSED) {
                    return;
                }
                assertEquals(End.STILL_OPEN, end, "the proxy answered an incomplete head");
            }
            fail("a connection trickling its head one byte at a time was kept open for 30 s");
        }
    }

    @Test
    void keepAliveConnectionIsClosedWhenTheNextHeadDoesNotCome() throws IOException {
        try (RawConnection c = RawConnection.open()) {
            c.send(GET_OPEN);
            assertEquals(200, c.readResponse(BOUND).status());
            // Straight away, the same connection serves the next request: the deadline restarts, it does not cut.
            c.send(GET_OPEN);
            assertEquals(200, c.readResponse(BOUND).status());
            assertEquals(End.CLOSED, c.awaitEnd(BOUND));
        }
    }

    @Test
    void slowRequestBodyIsNotCutByTheHeadDeadline() throws Exception {
        try (RawConnection c = RawConnection.open()) {
            c.send("POST /open/upload HTTP/1.1\r\nHost: limits.test\r\nContent-Length: 8\r\n\r\n");
            // 8 body bytes over about 2.4 s, more than twice the head deadline.
            for (int i = 0; i < 8; i++) {
                Thread.sleep(300);
                c.send("b");
            }
            Response response = c.readResponse(BOUND);
            assertEquals(200, response.status());
            assertTrue(response.body().contains("\"bodyBytes\":8"), response.body());
        }
    }

    // --- head sizes -----------------------------------------------------------------------------
    // On a path no route matches, so every answer is the proxy's own: 404 means it took the head whole.

    @Test
    void requestLineOverTheLimitIs414() throws IOException {
        assertEquals(414, status("GET /none/" + "a".repeat(9_000) + " HTTP/1.1\r\nHost: limits.test\r\n\r\n"));
    }

    @Test
    void requestLineUnderTheLimitPasses() throws IOException {
        // Above Vert.x's own default of 4096: the shipped 8192 is in force.
        assertEquals(404, status("GET /none/" + "a".repeat(6_000) + " HTTP/1.1\r\nHost: limits.test\r\n\r\n"));
    }

    @Test
    void headersOverTheLimitAre431() throws IOException {
        String big = "X-Big-1: " + "h".repeat(9_000) + "\r\nX-Big-2: " + "h".repeat(9_000) + "\r\n";
        assertEquals(431, status("GET /none HTTP/1.1\r\nHost: limits.test\r\n" + big + "\r\n"));
    }

    @Test
    void headersUnderTheLimitPass() throws IOException {
        String big = "X-Big: " + "h".repeat(14_000) + "\r\n";
        assertEquals(404, status("GET /none HTTP/1.1\r\nHost: limits.test\r\n" + big + "\r\n"));
    }

    private static int status(String request) throws IOException {
        try (RawConnection c = RawConnection.open()) {
            c.send(request);
            return c.readResponse(BOUND).status();
        }
    }

    // --- connection cap -------------------------------------------------------------------------

    @Test
    void connectionsBeyondTheCapAreClosedWithoutAnAnswer() throws Exception {
        int cap = ListenerLimitsProfile.MAX_CONNECTIONS;
        List<RawConnection> connections = new ArrayList<>();
        try {
            int held = 0;
            int refused = 0;
            // Each sends a request that the origin never answers, so an accepted connection stays busy.
            for (int i = 0; i < cap + 2; i++) {
                RawConnection c = RawConnection.open();
                connections.add(c);
                try {
                    c.send("GET /hang/hang HTTP/1.1\r\nHost: limits.test\r\n\r\n");
                } catch (IOException closed) {
                    refused++;
                    continue;
                }
                End end = c.awaitEnd(Duration.ofSeconds(2));
                assertTrue(end != End.DATA, "connection " + i + " got an answer");
                if (end == End.CLOSED) {
                    refused++;
                } else {
                    held++;
                }
            }
            assertTrue(held <= cap, held + " connections held, the cap is " + cap);
            assertTrue(refused >= 2, "only " + refused + " of " + (cap + 2) + " connections were refused");
        } finally {
            for (RawConnection c : connections) {
                c.close();
            }
        }
        // Closed connections give their places back.
        for (int attempt = 0; ; attempt++) {
            try {
                if (status(GET_OPEN) == 200) {
                    return;
                }
            } catch (IOException stillFull) {
                // not yet
            }
            if (attempt == 50) {
                fail("no connection was served after the held ones were closed");
            }
            Thread.sleep(100);
        }
    }
}
