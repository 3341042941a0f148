package dev.edgeproxy.testing;

import org.junit.jupiter.api.function.Executable;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Retries an assertion until it holds or {@code within} has passed: for what the proxy records a moment after
 * the client has its answer (metrics, the origin's view, a tunnel's events). It waits; it never asserts on time.
 */
public final class Eventually {

    private Eventually() {
    }

    /** Runs {@code assertion} every 50 ms until it passes; its last failure is thrown after {@code within}. */
    public static void assertEventually(Duration within, Executable assertion) {
        long deadline = System.nanoTime() + within.toNanos();
        while (true) {
            try {
                assertion.execute();
                return;
            } catch (AssertionError e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
            } catch (Throwable t) {
                fail(t);
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                fail(e);
            }
        }
    }
}
