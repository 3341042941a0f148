import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFactory;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;

import java.util.ArrayDeque;
import java.util.List;

/**
 * The floor of Netty as an HTTP/1.1 proxy: the HTTP codec on both sides, one event loop, keep-alive origin
 * channels pooled on that loop, and the decoded request and response objects passed from one side to the
 * other as they are (headers edited in place, body buffers handed on, never copied). No routing, no
 * authentication, no logging: what a proxy written on Netty's own pipeline costs at least (bench/run.sh,
 * target floor-netty-*).
 *
 * <pre>java -cp "target/quarkus-app/lib/main/*:target/bench-classes/floors" NettyFloor listen-port origin-port</pre>
 */
@SuppressWarnings("deprecation") // EpollEventLoopGroup: Netty 4.1's way, as in the Vert.x it is measured against
public final class NettyFloor {

    private static final List<CharSequence> HOP_BY_HOP = List.of(HttpHeaderNames.CONNECTION, HttpHeaderNames.KEEP_ALIVE,
            HttpHeaderNames.TE, HttpHeaderNames.UPGRADE, HttpHeaderNames.PROXY_CONNECTION, HttpHeaderNames.TRAILER);

    private final ArrayDeque<Channel> idle = new ArrayDeque<>();   // touched on the one event loop only
    private final Bootstrap origin;

    private NettyFloor(EventLoopGroup loop, boolean epoll, int originPort) {
        // channel factories, not classes: Netty would find a class's constructor by reflection, which a native
        // image does not keep without metadata
        ChannelFactory<Channel> channels = epoll ? EpollSocketChannel::new : NioSocketChannel::new;
        origin = new Bootstrap().group(loop).channelFactory(channels)
                .option(ChannelOption.TCP_NODELAY, true).remoteAddress("127.0.0.1", originPort)
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(new HttpClientCodec(), new Back());
                    }
                });
    }

    public static void main(String[] args) throws InterruptedException {
        int port = Integer.parseInt(args[0]);
        boolean epoll = Epoll.isAvailable();
        EventLoopGroup loop = epoll ? new EpollEventLoopGroup(1) : new NioEventLoopGroup(1);
        NettyFloor floor = new NettyFloor(loop, epoll, Integer.parseInt(args[1]));
        ChannelFactory<ServerChannel> listeners = epoll ? EpollServerSocketChannel::new : NioServerSocketChannel::new;
        new ServerBootstrap().group(loop).channelFactory(listeners)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(new HttpServerCodec(), floor.new Front());
                    }
                })
                .bind("127.0.0.1", port).sync();
        System.out.println("netty floor on :" + port + " -> :" + args[1] + ", epoll " + epoll);
    }

    private static void strip(HttpHeaders headers) {
        for (CharSequence name : HOP_BY_HOP) {
            headers.remove(name);
        }
    }

    /** The client's connection: one request at a time, forwarded to a leased origin channel. */
    private final class Front extends SimpleChannelInboundHandler<HttpObject> {
        private Channel leased;
        private final ArrayDeque<HttpObject> waiting = new ArrayDeque<>();   // until the origin connects
        private boolean keepAlive;

        Front() {
            super(false);
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, HttpObject msg) {
            if (msg instanceof HttpRequest request) {
                keepAlive = HttpUtil.isKeepAlive(request);
                strip(request.headers());
                request.setProtocolVersion(HttpVersion.HTTP_1_1);
                lease(ctx.channel());
            }
            if (leased != null && leased.isActive()) {
                send(msg);
            } else {
                waiting.add(msg);
            }
        }

        private void lease(Channel front) {
            Channel ch = idle.pollLast();
            if (ch != null && ch.isActive()) {
                attach(ch, front);
                return;
            }
            leased = null;
            origin.connect().addListener((ChannelFutureListener) f -> {
                if (!f.isSuccess()) {
                    waiting.forEach(ReferenceCountUtil::release);
                    waiting.clear();
                    front.writeAndFlush(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.BAD_GATEWAY))
                            .addListener(ChannelFutureListener.CLOSE);
                    return;
                }
                attach(f.channel(), front);
                while (!waiting.isEmpty()) {
                    send(waiting.poll());
                }
            });
        }

        private void attach(Channel ch, Channel front) {
            leased = ch;
            ch.pipeline().get(Back.class).front = this;
            ch.pipeline().get(Back.class).frontChannel = front;
        }

        private void send(HttpObject msg) {
            if (msg instanceof LastHttpContent) {
                leased.writeAndFlush(msg, leased.voidPromise());
            } else {
                leased.write(msg, leased.voidPromise());
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    /** An origin channel: its response goes to the front that leased it; at its end the channel is idle again. */
    private final class Back extends SimpleChannelInboundHandler<HttpObject> {
        private Front front;
        private Channel frontChannel;
        private boolean reusable;

        Back() {
            super(false);
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, HttpObject msg) {
            if (msg instanceof HttpResponse response) {
                reusable = HttpUtil.isKeepAlive(response);
                strip(response.headers());
                if (!front.keepAlive) {
                    response.headers().set(HttpHeaderNames.CONNECTION, "close");
                }
            }
            if (msg instanceof LastHttpContent) {
                Front done = front;
                Channel client = frontChannel;
                front = null;
                frontChannel = null;
                done.leased = null;
                if (reusable) {
                    idle.addLast(ctx.channel());
                } else {
                    ctx.close();
                }
                if (done.keepAlive) {
                    client.writeAndFlush(msg, client.voidPromise());
                } else {
                    client.writeAndFlush(msg).addListener(ChannelFutureListener.CLOSE);
                }
            } else if (msg instanceof HttpContent || msg instanceof HttpResponse) {
                frontChannel.write(msg, frontChannel.voidPromise());
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            idle.remove(ctx.channel());
            if (frontChannel != null) {
                frontChannel.close();
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
