package dev.edgeproxy.datapath;

import dev.edgeproxy.config.ProxyLimits;
import dev.edgeproxy.error.GatewayError;
import dev.edgeproxy.proxy.Backend;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.util.concurrent.FastThreadLocal;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Connections to plain HTTP/1.1 origins. Idle connections are kept per event loop and origin address, so that a
 * request and its origin connection share one thread (no locks, no hand-over between threads); the limits of
 * {@code gateway.limits} hold per origin across all event loops: at most {@code upstreamMaxConnections} open, at
 * most {@code upstreamMaxWaitQueue} requests waiting for one (503 beyond), {@code upstreamConnectTimeout} to
 * connect (502 after it). An idle connection is closed after {@link #KEEP_ALIVE_NANOS}, or as soon as its origin
 * closes it.
 *
 * <p>A waiting request is served by the first connection given back on its own event loop, or, when one is given
 * back (or lies idle) on another loop, by a new connection in the place of that one (closed for it). A place is
 * offered to the oldest waiting request first; one that has given up (its exchange timed out, its user agent left)
 * leaves the queue and passes the place on.
 */
final class OriginPool {

    /** How long an idle origin connection is kept (Vert.x's client, which the other data path uses, keeps 60 s). */
    static final long KEEP_ALIVE_NANOS = TimeUnit.SECONDS.toNanos(60);

    /** What asked for a connection learns. Called on the event loop it asked on. */
    interface Lease {
        void acquired(OriginChannel origin);

        void refused(GatewayError error);
    }

    /** A request waiting for a connection; cancelled when its exchange ends first (timeout, client gone). */
    static final class Waiter {
        final EventLoop loop;
        final Backend backend;
        final Lease lease;
        /** Served or cancelled; read from other loops (which skip such waiters), written on {@link #loop} only. */
        private volatile boolean done;
        private final Budget budget;

        Waiter(EventLoop loop, Backend backend, Lease lease, Budget budget) {
            this.loop = loop;
            this.backend = backend;
            this.lease = lease;
            this.budget = budget;
        }

        /** On the waiter's loop: whether it still waited (it no longer does). */
        boolean take() {
            if (done) {
                return false;
            }
            done = true;
            budget.waiting.decrementAndGet();
            return true;
        }

        /** On the waiter's loop: its exchange ended first; it leaves the queue. */
        void cancel() {
            if (take()) {
                budget.waiters.remove(this);
            }
        }
    }

    /** The counts of one origin over all event loops. */
    static final class Budget {
        final AtomicInteger open = new AtomicInteger();
        final AtomicInteger waiting = new AtomicInteger();
        final ConcurrentLinkedDeque<Waiter> waiters = new ConcurrentLinkedDeque<>();
        /** The loops that may hold idle connections to this origin. */
        final Set<EventLoop> idleLoops = ConcurrentHashMap.newKeySet();
    }

    private final ProxyLimits limits;
    private final boolean epoll;
    private final Map<Backend, Budget> budgets = new ConcurrentHashMap<>();
    private final FastThreadLocal<Map<Backend, ArrayDeque<OriginChannel>>> idle = new FastThreadLocal<>() {
        @Override
        protected Map<Backend, ArrayDeque<OriginChannel>> initialValue() {
            return new HashMap<>();
        }
    };

    OriginPool(ProxyLimits limits, boolean epoll) {
        this.limits = limits;
        this.epoll = epoll;
    }

    /**
     * Asks for a connection to {@code backend} on {@code loop} (the caller's): an idle one, a new one, or a place in
     * the wait queue.
     *
     * @return the waiter when the request has to wait, else {@code null} (the lease was answered, or will be once
     *         the connection is made)
     */
    Waiter acquire(EventLoop loop, Backend backend, Lease lease) {
        OriginChannel free = idleOn(backend);
        if (free != null) {
            lease.acquired(free);
            return null;
        }
        Budget budget = budgets.computeIfAbsent(backend, k -> new Budget());
        if (budget.open.incrementAndGet() <= limits.upstreamMaxConnections()) {
            connect(loop, backend, budget, lease);
            return null;
        }
        budget.open.decrementAndGet();
        if (budget.waiting.incrementAndGet() > limits.upstreamMaxWaitQueue()) {
            budget.waiting.decrementAndGet();
            lease.refused(new GatewayError.UpstreamBusy());
            return null;
        }
        Waiter waiter = new Waiter(loop, backend, lease, budget);
        budget.waiters.addLast(waiter);
        waiting(budget, backend, loop);
        return waiter;
    }

    /** An idle, open connection to {@code backend} on the calling loop (the most recently used), or null. */
    private OriginChannel idleOn(Backend backend) {
        ArrayDeque<OriginChannel> free = idle.get().get(backend);
        while (free != null && !free.isEmpty()) {
            OriginChannel origin = free.pollLast();
            if (origin.channel().isActive()) {
                return origin;
            }
        }
        return null;
    }

    /**
     * A request now waits: a place that came free meanwhile goes to the queue, and an idle connection on another
     * loop is closed so that its place serves the queue (idle connections count against the cap).
     */
    private void waiting(Budget budget, Backend backend, EventLoop here) {
        if (budget.open.get() < limits.upstreamMaxConnections()) {
            offerPlace(budget);
        }
        for (EventLoop other : budget.idleLoops) {
            if (other != here) {
                other.execute(() -> closeOneIdle(budget, backend, other));
                return;
            }
        }
    }

    /** On {@code loop}: closes its oldest idle connection to {@code backend} while requests wait; else asks another loop. */
    private void closeOneIdle(Budget budget, Backend backend, EventLoop loop) {
        if (budget.waiting.get() <= 0) {
            return;
        }
        ArrayDeque<OriginChannel> free = idle.get().get(backend);
        if (free == null || free.isEmpty()) {
            budget.idleLoops.remove(loop);
            waiting(budget, backend, loop);
            return;
        }
        free.pollFirst().channel().close();
    }

    private void connect(EventLoop loop, Backend backend, Budget budget, Lease lease) {
        ChannelFuture connect;
        try {
            connect = new Bootstrap().group(loop)
                    .channelFactory(epoll ? EpollSocketChannel::new : NioSocketChannel::new)
                    .option(ChannelOption.TCP_NODELAY, true)
                    .option(ChannelOption.CONNECT_TIMEOUT_MILLIS,
                            (int) Math.min(Integer.MAX_VALUE, limits.upstreamConnectTimeout().toMillis()))
                    .handler(new ChannelInitializer<Channel>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            HttpDecoderConfig decoder = new HttpDecoderConfig()
                                    .setHeadersFactory(NettyProxyServer.VERTX_HEADERS)
                                    .setTrailersFactory(NettyProxyServer.VERTX_HEADERS)
                                    .setMaxHeaderSize(65536);
                            ch.pipeline().addLast("codec", new HttpClientCodec(decoder, false, false))
                                    .addLast("origin", new OriginChannel(OriginPool.this, backend));
                        }
                    })
                    .connect(backend.host(), backend.port());
        } catch (RuntimeException e) {
            budget.open.decrementAndGet();
            lease.refused(new GatewayError.BadGateway(e));
            return;
        }
        // Every connection, however it ends, frees its place for a waiting request.
        connect.channel().closeFuture().addListener(f -> slotFreed(budget));
        connect.addListener(f -> {
            if (f.isSuccess()) {
                OriginChannel origin = connect.channel().pipeline().get(OriginChannel.class);
                lease.acquired(origin);
            } else {
                lease.refused(new GatewayError.BadGateway(f.cause()));
            }
        });
    }

    /** A connection closed: its place goes to the oldest waiting request, on whichever loop. */
    private void slotFreed(Budget budget) {
        budget.open.decrementAndGet();
        offerPlace(budget);
    }

    /** A place under the cap is free: the oldest waiting request is asked, on its own loop, to take it. */
    private void offerPlace(Budget budget) {
        Waiter waiter = nextWaiter(budget);
        if (waiter != null) {
            waiter.loop.execute(() -> retry(waiter, budget));
        }
    }

    /** On the waiter's loop, after a place came free: an idle connection, a new one, or back into the queue. */
    private void retry(Waiter waiter, Budget budget) {
        if (waiter.done) {
            // Gone meanwhile: the place goes to the next one.
            offerPlace(budget);
            return;
        }
        OriginChannel free = idleOn(waiter.backend);
        if (free != null && waiter.take()) {
            waiter.lease.acquired(free);
            // The place that came free was not used: the next one may have it.
            offerPlace(budget);
            return;
        }
        if (budget.open.incrementAndGet() <= limits.upstreamMaxConnections()) {
            if (waiter.take()) {
                connect(waiter.loop, waiter.backend, budget, waiter.lease);
            } else {
                budget.open.decrementAndGet();
            }
            return;
        }
        // Another request took the place first: this one waits on, first in line.
        budget.open.decrementAndGet();
        budget.waiters.addFirst(waiter);
        if (budget.open.get() < limits.upstreamMaxConnections()) {
            offerPlace(budget);
        }
    }

    private static Waiter nextWaiter(Budget budget) {
        Waiter waiter;
        while ((waiter = budget.waiters.pollFirst()) != null) {
            if (!waiter.done) {
                return waiter;
            }
        }
        return null;
    }

    /**
     * The exchange on {@code origin} ended; called on its event loop. Done as a task of the loop, after the origin's
     * read has been handled whole: bytes the origin sent beyond its answer then find the connection unclaimed and
     * close it, rather than reach the next request as its answer. A connection whose exchange ended cleanly
     * (response whole, request whole, keep-alive on both sides) serves a waiting request of this loop, or goes idle;
     * when the waiting request is another loop's it is closed so that one can connect in its place. Any other is
     * closed.
     */
    void release(OriginChannel origin, boolean reusable) {
        origin.detach();
        Channel ch = origin.channel();
        if (!reusable) {
            ch.close();
            return;
        }
        ch.eventLoop().execute(() -> park(origin));
    }

    private void park(OriginChannel origin) {
        Channel ch = origin.channel();
        if (!ch.isActive()) {
            ch.close();
            return;
        }
        Budget budget = budgets.get(origin.key());
        Waiter waiter = budget == null ? null : nextWaiter(budget);
        if (waiter != null) {
            if (waiter.loop == ch.eventLoop() && waiter.take()) {
                waiter.lease.acquired(origin);
                return;
            }
            // Another loop's request: it connects in this connection's place (slotFreed).
            budget.waiters.addFirst(waiter);
            ch.close();
            return;
        }
        origin.idle(System.nanoTime());
        ArrayDeque<OriginChannel> free = idle.get().computeIfAbsent(origin.key(), k -> {
            ArrayDeque<OriginChannel> deque = new ArrayDeque<>();
            ch.eventLoop().scheduleAtFixedRate(() -> sweep(deque), 15, 15, TimeUnit.SECONDS);
            return deque;
        });
        free.addLast(origin);
        if (budget != null) {
            budget.idleLoops.add(ch.eventLoop());
        }
    }

    /** An idle connection that its origin closed leaves the pool at once. */
    void closedWhileIdle(OriginChannel origin) {
        ArrayDeque<OriginChannel> free = idle.get().get(origin.key());
        if (free != null) {
            free.remove(origin);
        }
    }

    /** Closes the connections idle for longer than the keep-alive time (the oldest are first). */
    private static void sweep(ArrayDeque<OriginChannel> free) {
        long now = System.nanoTime();
        while (!free.isEmpty() && now - free.peekFirst().idleSince() > KEEP_ALIVE_NANOS) {
            free.pollFirst().channel().close();
        }
    }
}
