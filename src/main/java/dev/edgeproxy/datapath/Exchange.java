package dev.edgeproxy.datapath;

import dev.edgeproxy.error.GatewayError;
import dev.edgeproxy.http.ClientCertificate;
import dev.edgeproxy.http.HeaderFields;
import dev.edgeproxy.http.RequestHead;
import dev.edgeproxy.pipeline.Arrival;
import dev.edgeproxy.pipeline.Evaluation;
import dev.edgeproxy.pipeline.Evaluator;
import dev.edgeproxy.pipeline.RequestRecord;
import dev.edgeproxy.proxy.Outbound;
import dev.edgeproxy.route.Route;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;
import io.vertx.core.MultiMap;
import org.jboss.logging.Logger;

import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLPeerUnverifiedException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One request on the Netty data path, from its head to the end of its answer: 1.–5. the pipeline's evaluation
 * ({@link Evaluator}, the same as the other data path's), 6. forwarding to a pooled origin connection with both
 * bodies streamed under back-pressure ({@link OriginResponse} relays the answer), or the refusal. Every way it ends
 * (answered whole, refused, timed out, the origin failing, the user agent gone) ends it once, reports it once
 * ({@link RequestRecord}), and gives the origin connection back or closes it. Lives on the connection's event loop.
 */
final class Exchange implements OriginPool.Lease {

    private static final Logger LOG = Logger.getLogger(Exchange.class);

    final Http1Connection connection;
    final ChannelHandlerContext ctx;
    final HttpRequest request;
    final RequestRecord record;
    /** Whether the user agent's connection may carry another request after this one. */
    boolean keepAlive;
    private boolean requestEnded;
    /** The request was refused: the rest of its body is read and dropped. */
    private boolean discarding;
    private final ArrayDeque<HttpContent> pending = new ArrayDeque<>();
    private OriginPool.Waiter waiter;
    OriginResponse origin;
    private long maxBody = Long.MAX_VALUE;
    private long bodyBytes;
    private ScheduledFuture<?> deadline;
    /** The exchange with the origin is over (its answer relayed, or failed): later events are ignored. */
    private boolean over;
    /** The answer's head is out: a failure from here on can only cut the connection. */
    boolean headSent;
    int status;

    Exchange(Http1Connection connection, HttpRequest request) {
        this.connection = connection;
        this.ctx = connection.context();
        this.request = request;
        DataPath path = connection.path();
        String client = connection.clientAddress();
        this.record = new RequestRecord(request.method().name(), client, path.metrics(), path.accessLog(),
                path.tracing().start(request.method().name(), headers(request), connection.tls(), version(), client));
    }

    /** The request's headers as the evaluation reads them: decoded into Vert.x's map (NettyProxyServer.VERTX_HEADERS). */
    static MultiMap headers(HttpRequest request) {
        if (request.headers() instanceof MultiMap map) {
            return map;
        }
        // Not decoded by our decoder (Netty's own answer to a malformed request): copied.
        MultiMap copy = NettyProxyServer.newHeaders();
        request.headers().forEach(h -> copy.add(h.getKey(), h.getValue()));
        return copy;
    }

    boolean requestEnded() {
        return requestEnded;
    }

    private io.vertx.core.http.HttpVersion version() {
        return request.protocolVersion().minorVersion() == 0 ? io.vertx.core.http.HttpVersion.HTTP_1_0
                : io.vertx.core.http.HttpVersion.HTTP_1_1;
    }

    void start() {
        keepAlive = HttpUtil.isKeepAlive(request);
        if (request.decoderResult().isFailure()) {
            requestEnded = true;
            Answers.malformed(this, request.decoderResult().cause());
            return;
        }
        boolean tls = connection.tls();
        Arrival arrival = new Arrival(request.method().name(), version(), request.uri(), headers(request),
                null, null, tls, connection.clientAddress(), connection.clientPort(),
                tls ? this::clientCertificate : Map::of);
        try {
            Evaluator.evaluate(connection.path().routes().get(), arrival, Evaluator.Purpose.FORWARD, ctx.executor())
                    .whenComplete((evaluation, failure) -> {
                        if (over) {
                            // The user agent left while the evaluation waited (a JWKS fetch): nothing to do.
                            return;
                        }
                        try {
                            if (failure != null) {
                                refuse(failure instanceof CompletionException c ? c.getCause() : failure);
                            } else {
                                act(evaluation);
                            }
                        } catch (RuntimeException e) {
                            failWith(e);
                        }
                    });
        } catch (RuntimeException e) {
            failWith(e);
        }
    }

    /** The verified client certificate as CEL sees it; none when none was asked for or sent. */
    private Map<String, Object> clientCertificate() {
        SslHandler ssl = ctx.pipeline().get(SslHandler.class);
        try {
            return ssl == null ? Map.of() : ClientCertificate.describe(List.of(ssl.engine().getSession().getPeerCertificates()));
        } catch (SSLPeerUnverifiedException e) {
            return Map.of();
        }
    }

    /** 6. Forward, or answer the refusal. */
    private void act(Evaluation evaluation) {
        record.evaluated(evaluation);
        if (!evaluation.forwarded()) {
            refuse(evaluation.refusal());
            return;
        }
        Route route = evaluation.route();
        // The compiler refuses both on this path (compile/DataPathScope); refused here too, so that a gap between the
        // two never forwards a request wrongly.
        if (route.websocket() != null && request.headers().contains("upgrade")) {
            refuse(new GatewayError.NotImplemented("WebSocket tunnels are not served by this data path yet"));
            return;
        }
        Outbound outbound = evaluation.outbound(route.backends().pick());
        if (outbound.backend().origin() != null) {
            refuse(new GatewayError.BadGateway(new IllegalStateException(
                    "origins with TLS or HTTP/2 are not served by this data path yet")));
            return;
        }
        record.forwarding(outbound.backend(), outbound.headers());
        MultiMap headers = outbound.headers();
        maxBody = outbound.maxBody();
        long declared = RequestHead.declaredLength(headers(request));
        if (declared > maxBody) {
            refuse(new GatewayError.PayloadTooLarge(maxBody));
            return;
        }
        boolean hasBody = declared > 0 || declared < 0 && request.headers().contains("transfer-encoding");
        if (hasBody && request.protocolVersion().minorVersion() == 1
                && request.headers().containsValue("expect", "100-continue", true)) {
            // We answer the user agent's expectation ourselves; the origin gets a plain request.
            headers.remove("expect");
            Answers.writeContinue(this);
        }
        if (declared < 0) {
            headers.remove("content-length");
            if (hasBody) {
                headers.set("transfer-encoding", "chunked");
            }
        }
        // Every field was checked on the way in (RequestHead.checkFields, transformations); a failure here is ours.
        Map.Entry<String, String> invalid = HeaderFields.firstInvalid(headers);
        if (invalid != null) {
            long dropped = connection.path().invalidHeaderLog().acquire();
            if (dropped >= 0) {
                LOG.warnf("not forwarded: header field '%s' is not valid (its value is not logged)%s",
                        HeaderFields.validName(invalid.getKey()) ? invalid.getKey() : "(invalid name)",
                        connection.path().invalidHeaderLog().suffix(dropped));
            }
            refuse(new GatewayError.BadGateway(new IllegalArgumentException("invalid header field")));
            return;
        }
        origin = new OriginResponse(this, outbound, System.nanoTime(),
                new DefaultHttpRequest(HttpVersion.HTTP_1_1, request.method(), outbound.uri(), (HttpHeaders) headers));
        deadline = ctx.executor().schedule(() -> fail(new GatewayError.GatewayTimeout(outbound.timeout())),
                outbound.timeout().toNanos(), TimeUnit.NANOSECONDS);
        connection.path().leased().increment();
        leaseHeld = true;
        waiter = connection.path().origins().acquire(ctx.channel().eventLoop(), outbound.backend(), this);
    }

    @Override
    public void acquired(OriginChannel channel) {
        waiter = null;
        if (over) {
            // Answered meanwhile (a timeout while waiting, the user agent gone): the connection goes back unused.
            releaseLease();
            connection.path().origins().release(channel, true);
            return;
        }
        origin.attach(channel);
        for (HttpContent part; (part = pending.poll()) != null; ) {
            origin.send(part, part instanceof LastHttpContent);
        }
        channel.channel().flush();
        if (!requestEnded && channel.channel().isWritable()) {
            connection.readMore();
        }
    }

    @Override
    public void refused(GatewayError error) {
        waiter = null;
        releaseLease();
        fail(error);
    }

    /** Once per exchange: it no longer holds or waits for an origin connection. */
    private void releaseLease() {
        if (leaseHeld) {
            leaseHeld = false;
            connection.path().leased().decrement();
        }
    }

    /** A part of the request's body, in order. */
    void body(HttpContent content) {
        boolean last = content instanceof LastHttpContent;
        if (last) {
            requestEnded = true;
        }
        if (content.decoderResult().isFailure()) {
            // Broken framing (a bad chunk size, trailers over the limit): the origin must not take what came so far
            // for the whole body, and nothing after it on this connection can be framed.
            ReferenceCountUtil.release(content);
            requestEnded = true;
            keepAlive = false;
            if (!over) {
                failWith(new GatewayError.BadRequest("request body broken off"));
            } else if (written != null) {
                connection.exchangeDone(this, written, false);
            }
            return;
        }
        if (discarding || over) {
            ReferenceCountUtil.release(content);
            if (last) {
                done(null);
            } else {
                connection.readMore();
            }
            return;
        }
        bodyBytes += content.content().readableBytes();
        if (bodyBytes > maxBody) {
            ReferenceCountUtil.release(content);
            fail(new GatewayError.PayloadTooLarge(maxBody));
            return;
        }
        if (last && !((LastHttpContent) content).trailingHeaders().isEmpty()) {
            // The user agent's trailer fields were checked by no step: they go no further (as on the other path).
            content = new DefaultLastHttpContent(content.content());
        }
        if (origin == null || !origin.attached()) {
            pending.add(content);
            return;
        }
        origin.send(content, last);
        if (!requestEnded && origin.writable()) {
            connection.readMore();
        }
    }

    /** The origin takes writes again: read on. */
    void originWritable() {
        if (!requestEnded && !over && !discarding) {
            connection.readMore();
        }
    }

    void clientWritable(boolean writable) {
        if (origin != null) {
            origin.clientWritable(writable);
        }
    }

    /** The exchange fails: 502/503/504/413 while the answer has not begun, a cut connection after. */
    void fail(GatewayError error) {
        failWith(error);
    }

    /** {@link #fail} for any failure: one that is not a {@link GatewayError} is answered 500 (and logged). */
    private void failWith(Throwable failure) {
        if (over) {
            return;
        }
        originOver(0);
        refuse(failure);
    }

    /** The exchange with the origin is over; reports how long it took (once). */
    void originOver(int originStatus) {
        if (over) {
            return;
        }
        over = true;
        cancelDeadline();
        releaseLease();
        if (waiter != null) {
            waiter.cancel();
            waiter = null;
        }
        Http1Connection.releaseAll(pending);
        if (origin != null) {
            record.originTook(System.nanoTime() - origin.startedAt, originStatus);
            if (originStatus == 0) {
                origin.abandon();
            }
        }
    }

    private void cancelDeadline() {
        if (deadline != null) {
            deadline.cancel(false);
            deadline = null;
        }
    }

    private void refuse(Throwable failure) {
        if (written != null) {
            return;
        }
        over = true;
        cancelDeadline();
        Http1Connection.releaseAll(pending);
        record.failed(failure);
        if (headSent) {
            // The origin's answer is under way: the user agent learns of the failure only by the connection's end.
            record.end(status, true, false);
            ctx.close();
            return;
        }
        discarding = true;
        Answers.refusal(this, failure);
    }

    /**
     * The answer has been written whole ({@code written}, or {@code null} when it already was): the exchange ends
     * once the request has been read whole too.
     */
    void done(ChannelFuture written) {
        if (written != null) {
            record.end(status, true, true);
            this.written = written;
        }
        if (this.written != null && (requestEnded || !keepAlive)) {
            connection.exchangeDone(this, this.written, keepAlive);
        } else if (this.written != null) {
            // The rest of the request's body is still to come: read and drop it, then the next request.
            discarding = true;
            connection.readMore();
        }
    }

    private ChannelFuture written;
    /** Counted in {@link DataPath#leased} from asking for an origin connection until {@link #releaseLease}. */
    private boolean leaseHeld;

    /** The user agent's connection closed first. */
    void clientGone() {
        originOver(0);
        // Reported once: an exchange that ended whole was reported as it ended.
        record.end(status, headSent, written != null);
    }
}
