package dev.edgeproxy.datapath;

import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;

import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One user agent's HTTP/1.x connection: its requests are answered one after the other, in the order they came
 * (pipelined ones wait, decoded, until the one before has been answered), each by an {@link Exchange}. Reading is
 * on demand (auto-read off): a request's body is read only as fast as its origin takes it, and nothing more is
 * read while a response streams. Lives on the connection's event loop.
 */
final class Http1Connection extends ChannelInboundHandlerAdapter {

    /** How long a connection that we close after an answer keeps reading (and discarding) what the user agent still sends. */
    static final long LINGER_MILLIS = 2_000;

    private final DataPath path;
    private final boolean tls;
    private ChannelHandlerContext ctx;
    /** What was decoded but belongs to a request after the current one. */
    private final ArrayDeque<Object> queued = new ArrayDeque<>();
    private Exchange current;
    /** Everything that arrives is dropped: the connection closes once the user agent stops sending, or at the linger's end. */
    private boolean lingering;
    private ScheduledFuture<?> lingerTimer;
    private ChannelFuture lingerWritten;
    /** Since when a request head is awaited ({@link System#nanoTime()}); 0 while a request is under way. */
    private long headSince;
    private ScheduledFuture<?> headTimer;
    /** Whether {@link #channelActive} counted this connection in {@link DataPath#connections}. */
    private boolean counted;
    /** The user agent's address and port, read once per connection. */
    private String clientAddress = "";
    private int clientPort;

    /** @param tls whether the connection is TLS (the scheme every step sees) */
    Http1Connection(DataPath path, boolean tls) {
        this.path = path;
        this.tls = tls;
    }

    boolean tls() {
        return tls;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    ChannelHandlerContext context() {
        return ctx;
    }

    DataPath path() {
        return path;
    }

    String clientAddress() {
        return clientAddress;
    }

    int clientPort() {
        return clientPort;
    }

    /** Releases what {@code parts} still holds (decoded messages, body parts), emptying it. */
    static void releaseAll(Queue<?> parts) {
        for (Object part; (part = parts.poll()) != null; ) {
            ReferenceCountUtil.release(part);
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        counted = true;
        if (path.connections().incrementAndGet() > path.maxConnections()) {
            // Over the cap: closed as soon as accepted, without an answer.
            ctx.close();
            return;
        }
        if (ctx.channel().remoteAddress() instanceof InetSocketAddress remote) {
            clientAddress = remote.getAddress().getHostAddress();
            clientPort = remote.getPort();
        }
        awaitHead();
        ctx.read();
        ctx.fireChannelActive();
    }

    /**
     * From now the connection has {@code requestHeadTimeout} to deliver a whole request head (slowloris): not renewed
     * by incoming bytes. One timer per connection, moved on lazily, rather than one per request.
     */
    private void awaitHead() {
        if (path.headTimeoutNanos() <= 0) {
            return;
        }
        headSince = System.nanoTime();
        if (headTimer == null) {
            headTimer = ctx.executor().schedule(this::headDeadline, path.headTimeoutNanos(), TimeUnit.NANOSECONDS);
        }
    }

    private void headDeadline() {
        headTimer = null;
        if (headSince == 0 || !ctx.channel().isActive()) {
            return;
        }
        long left = headSince + path.headTimeoutNanos() - System.nanoTime();
        if (left <= 0) {
            ctx.close();
            return;
        }
        headTimer = ctx.executor().schedule(this::headDeadline, left, TimeUnit.NANOSECONDS);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (lingering) {
            boolean last = msg instanceof LastHttpContent;
            ReferenceCountUtil.release(msg);
            if (last) {
                // The user agent has sent all: close once the answer is out (closing earlier would cut it).
                lingerWritten.addListener(ChannelFutureListener.CLOSE);
            } else {
                ctx.read();
            }
            return;
        }
        if (msg instanceof HttpRequest) {
            headSince = 0;
        }
        if (current != null && !current.requestEnded() && queued.isEmpty() && msg instanceof HttpContent content
                && !(msg instanceof HttpRequest)) {
            current.body(content);
            return;
        }
        queued.add(msg);
        next();
    }

    /** Starts the next queued request when none is being answered, feeding it the body parts already decoded. */
    private void next() {
        while (current == null && !queued.isEmpty()) {
            Object msg = queued.poll();
            if (msg instanceof HttpRequest request) {
                current = new Exchange(this, request);
                current.start();
            } else {
                // A body part of no request (the rest of one whose answer closed the connection): dropped.
                ReferenceCountUtil.release(msg);
            }
        }
        while (current != null && !current.requestEnded() && queued.peek() instanceof HttpContent content
                && !(content instanceof HttpRequest)) {
            queued.poll();
            current.body(content);
        }
        if (current == null && queued.isEmpty() && ctx.channel().isActive()) {
            awaitHead();
            ctx.read();
        }
    }

    /** The current exchange wants more of its request's body. */
    void readMore() {
        if (queued.isEmpty()) {
            ctx.read();
        }
    }

    /**
     * The current exchange is over: its request was read whole and its response written whole ({@code keepAlive}),
     * or the connection is to close once {@code written} is out.
     */
    void exchangeDone(Exchange exchange, ChannelFuture written, boolean keepAlive) {
        if (exchange != current) {
            return;
        }
        current = null;
        if (!keepAlive) {
            closeAfter(written, exchange.requestEnded());
            return;
        }
        next();
    }

    /**
     * Closes once {@code written} is out: at once when the user agent has sent its whole request, else after it has
     * (or after {@link #LINGER_MILLIS}); closing while a request body still arrives would make the kernel reset the
     * connection, and the answer could be lost before the user agent reads it.
     */
    private void closeAfter(ChannelFuture written, boolean requestEnded) {
        releaseAll(queued);
        if (requestEnded) {
            written.addListener(ChannelFutureListener.CLOSE);
            return;
        }
        lingering = true;
        lingerWritten = written;
        // The linger counts from when the answer is out, not from when it was handed to the channel.
        written.addListener(f -> {
            if (ctx.channel().isActive()) {
                lingerTimer = ctx.executor().schedule(() -> {
                    ctx.close();
                }, LINGER_MILLIS, TimeUnit.MILLISECONDS);
            }
        });
        ctx.read();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (current != null) {
            current.clientWritable(ctx.channel().isWritable());
        }
        ctx.fireChannelWritabilityChanged();
    }

    /** The listener's idle timeout ({@code quarkus.http.idle-timeout}): nothing went either way for that long. */
    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event instanceof IdleStateEvent) {
            ctx.close();
            return;
        }
        ctx.fireUserEventTriggered(event);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (counted) {
            counted = false;
            path.connections().decrementAndGet();
        }
        if (lingerTimer != null) {
            lingerTimer.cancel(false);
        }
        if (headTimer != null) {
            headTimer.cancel(false);
        }
        Exchange exchange = current;
        current = null;
        if (exchange != null) {
            exchange.clientGone();
        }
        releaseAll(queued);
        ctx.fireChannelInactive();
    }
}
