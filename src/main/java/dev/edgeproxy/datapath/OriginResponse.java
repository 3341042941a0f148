package dev.edgeproxy.datapath;

import dev.edgeproxy.error.GatewayError;
import dev.edgeproxy.http.HeaderFields;
import dev.edgeproxy.http.HopByHop;
import dev.edgeproxy.proxy.Outbound;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.vertx.core.MultiMap;

/**
 * The origin's side of one {@link Exchange}: sends the request's head and body on a pooled connection and relays
 * the answer to the user agent, its hop-by-hop headers dropped and its fields checked, with back-pressure both
 * ways; at its end the connection goes back to the pool when it can carry another request, else it is closed.
 */
final class OriginResponse implements OriginChannel.Listener {

    private final Exchange exchange;
    private final ChannelHandlerContext client;
    final long startedAt;
    private final HttpRequest head;
    private OriginChannel channel;
    /** An informational answer (100, 103) is under way: not relayed, the final one follows. */
    private boolean skipping;
    private boolean originKeepAlive;
    /** The request was sent whole (its last part written). */
    private boolean requestSent;
    private int status;

    OriginResponse(Exchange exchange, Outbound outbound, long startedAt, HttpRequest head) {
        this.exchange = exchange;
        this.client = exchange.ctx;
        this.startedAt = startedAt;
        this.head = head;
    }

    boolean attached() {
        return channel != null;
    }

    void attach(OriginChannel origin) {
        channel = origin;
        origin.attach(this);
        Channel ch = origin.channel();
        ch.config().setAutoRead(client.channel().isWritable());
        ch.write(head);
    }

    void send(HttpContent content, boolean last) {
        if (last) {
            requestSent = true;
        }
        channel.channel().writeAndFlush(content);
    }

    boolean writable() {
        return channel != null && channel.channel().isWritable();
    }

    void clientWritable(boolean writable) {
        if (channel != null) {
            channel.channel().config().setAutoRead(writable);
        }
    }

    /** The exchange ends before the origin's answer did: its connection cannot be reused. */
    void abandon() {
        if (channel != null) {
            OriginChannel ch = channel;
            channel = null;
            ch.detach();
            ch.channel().close();
        }
    }

    @Override
    public void originWritable(boolean writable) {
        if (writable) {
            exchange.originWritable();
        }
    }

    @Override
    public void originRead(Object message) {
        if (channel == null) {
            ReferenceCountUtil.release(message);
            return;
        }
        if (message instanceof HttpObject object && object.decoderResult().isFailure()) {
            // Not HTTP as the decoder reads it (a bad status line, an invalid header field, broken chunk framing).
            Throwable cause = object.decoderResult().cause();
            ReferenceCountUtil.release(message);
            exchange.fail(new GatewayError.BadGateway(cause));
            return;
        }
        if (message instanceof HttpResponse response && !responseHead(response)) {
            ReferenceCountUtil.release(message);
            return;
        }
        if (message instanceof HttpContent content) {
            if (skipping) {
                skipping = !(content instanceof LastHttpContent);
                content.release();
                return;
            }
            if (content instanceof LastHttpContent last) {
                end(last);
            } else {
                client.write(content);
                if (!client.channel().isWritable()) {
                    // The user agent reads slower than the origin sends: stop reading the origin until it catches up
                    // (before the flush, which may bring the writability back at once).
                    channel.channel().config().setAutoRead(false);
                    client.flush();
                }
            }
        }
    }

    /** @return false when the exchange failed on this head */
    private boolean responseHead(HttpResponse response) {
        status = response.status().code();
        if (status < 200) {
            if (status == 101) {
                // The connection now speaks something else, and the user agent was promised an HTTP answer.
                exchange.fail(new GatewayError.BadGateway(new IllegalStateException("origin answered 101 to a plain request")));
                return false;
            }
            skipping = true;
            return true;
        }
        MultiMap headers = (MultiMap) response.headers();
        if (HeaderFields.firstInvalid(headers) != null) {
            exchange.fail(new GatewayError.BadGateway(new IllegalStateException("origin answered with an invalid header field")));
            return false;
        }
        MultiMap out = NettyProxyServer.newHeaders();
        HopByHop.copyEndToEnd(headers, out);
        boolean http10 = exchange.request.protocolVersion().minorVersion() == 0;
        boolean body = status != 204 && status != 304 && !HttpMethod.HEAD.equals(exchange.request.method());
        if (body && !out.contains("content-length")) {
            if (http10) {
                // No chunked framing for HTTP/1.0: the body ends when the connection does.
                exchange.keepAlive = false;
            } else {
                out.set("transfer-encoding", "chunked");
            }
        }
        if (!exchange.keepAlive) {
            out.set("connection", "close");
        } else if (http10) {
            out.set("connection", "keep-alive");
        }
        originKeepAlive = HttpUtil.isKeepAlive(response);
        String reason = response.status().reasonPhrase();
        HttpResponseStatus line = reason != null && HeaderFields.validValue(reason) ? response.status()
                : HttpResponseStatus.valueOf(status);
        exchange.status = status;
        exchange.headSent = true;
        client.write(new DefaultHttpResponse(exchange.request.protocolVersion(), line, (HttpHeaders) out));
        return true;
    }

    private void end(LastHttpContent last) {
        LastHttpContent relayed = last;
        if (!last.trailingHeaders().isEmpty()) {
            MultiMap trailers = (MultiMap) last.trailingHeaders();
            if (HeaderFields.firstInvalid(trailers) != null) {
                last.release();
                exchange.fail(new GatewayError.BadGateway(new IllegalStateException("origin answered with an invalid trailer field")));
                return;
            }
            MultiMap out = NettyProxyServer.newHeaders();
            HopByHop.copyEndToEnd(trailers, out);
            ByteBuf content = last.content();
            relayed = new DefaultLastHttpContent(content, (HttpHeaders) out);
        }
        OriginChannel done = channel;
        channel = null;
        exchange.originOver(status);
        // Reusable only when both messages were whole and the origin keeps the connection open.
        exchange.connection.path().origins().release(done, originKeepAlive && requestSent);
        ChannelFuture written = client.writeAndFlush(relayed);
        exchange.done(written);
    }

    @Override
    public void originReadComplete() {
        client.flush();
    }

    @Override
    public void originLost(Throwable cause) {
        channel = null;
        exchange.fail(new GatewayError.BadGateway(cause));
    }
}
