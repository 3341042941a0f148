package dev.edgeproxy.datapath;

import dev.edgeproxy.proxy.Backend;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;

/**
 * The last handler of a pooled origin connection: hands what the origin sends to the exchange that holds the
 * connection, and notices a connection that its origin closes while idle. Lives on the connection's event loop.
 */
final class OriginChannel extends ChannelInboundHandlerAdapter {

    /** The exchange holding the connection. */
    interface Listener {
        /** A response head, a body part or its end; the listener owns (releases) it. */
        void originRead(Object message);

        void originReadComplete();

        void originWritable(boolean writable);

        /** The connection failed or closed before the exchange was over with it. */
        void originLost(Throwable cause);
    }

    private final OriginPool pool;
    private final Backend backend;
    private Channel channel;
    private Listener listener;
    private long idleSince;

    OriginChannel(OriginPool pool, Backend backend) {
        this.pool = pool;
        this.backend = backend;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        channel = ctx.channel();
    }

    Channel channel() {
        return channel;
    }

    Backend key() {
        return backend;
    }

    long idleSince() {
        return idleSince;
    }

    void attach(Listener exchange) {
        this.listener = exchange;
    }

    /** Back in the pool: read (so that a close by the origin is seen at once). */
    void idle(long now) {
        listener = null;
        idleSince = now;
        channel.config().setAutoRead(true);
    }

    /** The exchange lets go of the connection (closing it or giving it back). */
    void detach() {
        listener = null;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        Listener l = listener;
        if (l != null) {
            l.originRead(msg);
            return;
        }
        // Nothing is asked of an idle connection: whatever arrives makes it unusable.
        ReferenceCountUtil.release(msg);
        ctx.close();
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        Listener l = listener;
        if (l != null) {
            l.originReadComplete();
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        Listener l = listener;
        if (l != null) {
            l.originWritable(ctx.channel().isWritable());
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        Listener l = listener;
        listener = null;
        ctx.close();
        if (l != null) {
            l.originLost(cause);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        Listener l = listener;
        listener = null;
        if (l != null) {
            l.originLost(null);
        } else {
            pool.closedWhileIdle(this);
        }
    }
}
