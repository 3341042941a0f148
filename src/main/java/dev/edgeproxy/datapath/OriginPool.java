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
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
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
 * back on another loop, by a new connection in the place of that one (closed for it).
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
        private boolean cancelled;
        private final Budget budget;

        Waiter(EventLoop loop, Backend backend, Lease lease, Budget budget) {
            this.loop = loop;
            this.backend = backend;
            this.lease = lease;
            this.budget = budget;
        }

        /** On the waiter's event loop. */
        void cancel() {
            if (!cancelled) {
                cancelled = true;
                budget.waiting.decrementAndGet();
            }
        }
    }

    /** The counts of one origin over all event loops. */
    static final class Budget {
        final AtomicInteger open = new AtomicInteger();
        final AtomicInteger waiting = new AtomicInteger();
        final ConcurrentLinkedQueue<Waiter> waiters = new ConcurrentLinkedQueue<>();
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
        ArrayDeque<OriginChannel> free = idle.get().get(backend);
        while (free != null && !free.isEmpty()) {
            OriginChannel origin = free.pollLast();
            if (origin.channel().isActive()) {
                origin.leased();
                lease.acquired(origin);
                return null;
            }
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
        budget.waiters.add(waiter);
        return waiter;
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
                origin.leased();
                lease.acquired(origin);
            } else {
                lease.refused(new GatewayError.BadGateway(f.cause()));
            }
        });
    }

    /** A connection closed: the oldest waiting request, on whichever loop, may connect in its place. */
    private void slotFreed(Budget budget) {
        budget.open.decrementAndGet();
        Waiter waiter = nextWaiter(budget);
        if (waiter != null) {
            waiter.loop.execute(() -> retry(waiter, budget));
        }
    }

    /** On the waiter's loop, after a place came free: an idle connection, a new one, or back into the queue. */
    private void retry(Waiter waiter, Budget budget) {
        if (waiter.cancelled) {
            return;
        }
        ArrayDeque<OriginChannel> free = idle.get().get(waiter.backend);
        while (free != null && !free.isEmpty()) {
            OriginChannel origin = free.pollLast();
            if (origin.channel().isActive()) {
                waiter.cancel();
                origin.leased();
                waiter.lease.acquired(origin);
                return;
            }
        }
        if (budget.open.incrementAndGet() <= limits.upstreamMaxConnections()) {
            waiter.cancel();
            connect(waiter.loop, waiter.backend, budget, waiter.lease);
            return;
        }
        // Another request took the place first: this one waits on, now at the back.
        budget.open.decrementAndGet();
        budget.waiters.add(waiter);
    }

    private static Waiter nextWaiter(Budget budget) {
        Waiter waiter;
        while ((waiter = budget.waiters.poll()) != null) {
            if (!waiter.cancelled) {
                return waiter;
            }
        }
        return null;
    }

    /**
     * The exchange on {@code origin} ended; on its event loop. A connection whose exchange ended cleanly (response
     * whole, request whole, keep-alive on both sides) serves a waiting request of this loop, or goes idle; when the
     * waiting request is another loop's it is closed so that one can connect. Any other is closed.
     */
    void release(OriginChannel origin, boolean reusable) {
        Channel ch = origin.channel();
        if (!reusable || !ch.isActive()) {
            ch.close();
            return;
        }
        Budget budget = budgets.get(origin.key());
        Waiter waiter = budget == null ? null : nextWaiter(budget);
        if (waiter != null) {
            if (waiter.loop == ch.eventLoop()) {
                waiter.cancel();
                origin.leased();
                waiter.lease.acquired(origin);
            } else {
                // Put back so the loop that waits connects in this connection's place (slotFreed).
                budget.waiters.add(waiter);
                ch.close();
            }
            return;
        }
        origin.idle(System.nanoTime());
        ArrayDeque<OriginChannel> free = idle.get().computeIfAbsent(origin.key(), k -> {
            ArrayDeque<OriginChannel> deque = new ArrayDeque<>();
            ch.eventLoop().scheduleAtFixedRate(() -> sweep(deque), 15, 15, TimeUnit.SECONDS);
            return deque;
        });
        free.addLast(origin);
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
