package dev.edgeproxy.datapath;

import dev.edgeproxy.config.ProxyLimits;
import dev.edgeproxy.error.GatewayError;
import dev.edgeproxy.proxy.Backend;
import dev.edgeproxy.testing.RawOrigin;
import io.netty.channel.EventLoop;
import io.netty.channel.nio.NioEventLoopGroup;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link OriginPool} across two real event loops against a real origin (a {@link RawOrigin}): the per-origin cap
 * holds over all loops, a waiting request is served by a place that comes free on any loop (an idle connection on
 * another loop included), the wait queue is bounded, and a waiter that gives up leaves the queue.
 */
class OriginPoolTest {

    private static final Duration BOUND = Duration.ofSeconds(10);

    private NioEventLoopGroup group;
    private EventLoop a;
    private EventLoop b;
    private RawOrigin origin;
    private Backend backend;

    @BeforeEach
    void start() {
        group = new NioEventLoopGroup(2);
        a = group.next();
        b = group.next();
        assertFalse(a == b, "two distinct loops");
        origin = new RawOrigin();
        backend = new Backend("127.0.0.1", origin.port());
    }

    @AfterEach
    void stop() throws Exception {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        origin.close();
    }

    private static OriginPool pool(int maxConnections, int maxWaitQueue) {
        return new OriginPool(new ProxyLimits(Duration.ofSeconds(10), Duration.ofSeconds(2), maxConnections,
                maxWaitQueue, 1024, Duration.ofSeconds(10)), false);
    }

    /** What one request learns from the pool. */
    private static final class Asked implements OriginPool.Lease {
        final CompletableFuture<OriginChannel> acquired = new CompletableFuture<>();
        final CompletableFuture<GatewayError> refused = new CompletableFuture<>();
        OriginPool.Waiter waiter;

        @Override
        public void acquired(OriginChannel channel) {
            acquired.complete(channel);
        }

        @Override
        public void refused(GatewayError error) {
            refused.complete(error);
        }
    }

    /** Asks on {@code loop}, as an exchange of that loop does. */
    private Asked ask(OriginPool pool, EventLoop loop) throws Exception {
        Asked asked = new Asked();
        asked.waiter = loop.submit(() -> pool.acquire(loop, backend, asked)).get(BOUND.toSeconds(), TimeUnit.SECONDS);
        return asked;
    }

    private static OriginChannel acquired(Asked asked) throws Exception {
        return asked.acquired.get(BOUND.toSeconds(), TimeUnit.SECONDS);
    }

    @Test
    void aWaitingRequestIsServedInThePlaceOfAConnectionIdleOnAnotherLoop() throws Exception {
        OriginPool pool = pool(1, 4);
        OriginChannel first = acquired(ask(pool, a));
        assertSame(a, first.channel().eventLoop());
        a.submit(() -> pool.release(first, true)).get();
        // The one place is held by an idle connection of loop a; loop b's request must not wait for a's traffic.
        Asked onB = ask(pool, b);
        OriginChannel second = acquired(onB);
        assertSame(b, second.channel().eventLoop());
        assertTrue(first.channel().closeFuture().await(BOUND.toMillis()), "a's idle connection gave its place up");
    }

    @Test
    void theCapHoldsOverAllLoopsAndTheQueueIsBounded() throws Exception {
        OriginPool pool = pool(1, 1);
        OriginChannel held = acquired(ask(pool, a));
        Asked waiting = ask(pool, b);
        assertNotNull(waiting.waiter, "over the cap: it waits");
        Asked beyond = ask(pool, a);
        assertInstanceOf(GatewayError.UpstreamBusy.class, beyond.refused.get(BOUND.toSeconds(), TimeUnit.SECONDS));
        assertFalse(waiting.acquired.isDone());
        // The held connection ends unusable: its place goes to the waiting request, on its own loop.
        a.submit(() -> pool.release(held, false)).get();
        assertSame(b, acquired(waiting).channel().eventLoop());
        // The origin counts a connection when its accepting thread gets to it, which may be after the client's
        // connect completed: waited for, within the bound.
        long deadline = System.nanoTime() + BOUND.toNanos();
        while (origin.connections() < 2 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(2, origin.connections(), "one connection at a time, two in all");
    }

    @Test
    void aWaiterThatGivesUpLeavesTheQueueAndThePlaceGoesToTheNext() throws Exception {
        OriginPool pool = pool(1, 2);
        OriginChannel held = acquired(ask(pool, a));
        Asked gaveUp = ask(pool, b);
        Asked next = ask(pool, b);
        b.submit(gaveUp.waiter::cancel).get();
        // The queue has room again for one more.
        Asked third = ask(pool, a);
        assertNull(third.refused.getNow(null), "the cancelled waiter no longer takes a place in the queue");
        a.submit(() -> pool.release(held, true)).get();
        // The released connection is a's; b's request gets a's place, a new connection on b.
        assertSame(b, acquired(next).channel().eventLoop());
        assertFalse(gaveUp.acquired.isDone(), "a cancelled waiter is never served");
    }
}
