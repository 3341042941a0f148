package dev.edgeproxy.datapath;

import dev.edgeproxy.error.GatewayError;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import org.jboss.logging.Logger;

import java.nio.charset.StandardCharsets;

/**
 * The answers the proxy writes itself on the Netty data path: refusals from their {@link GatewayError} (status,
 * body, headers; {@code Connection: close} when the error closes the connection), and the answers to requests that
 * cannot be read at all.
 */
final class Answers {

    private static final Logger LOG = Logger.getLogger(Answers.class);

    private Answers() {
    }

    /** {@code 100 Continue}, so that a user agent that waits for it sends its body. */
    static void writeContinue(Exchange exchange) {
        exchange.ctx.writeAndFlush(new DefaultFullHttpResponse(exchange.request.protocolVersion(),
                HttpResponseStatus.CONTINUE, Unpooled.EMPTY_BUFFER));
    }

    /**
     * A request the decoder could not read: 414 for a request line, 431 for headers over the listener's limits, 400
     * for anything else. The connection closes: nothing after it can be framed with confidence.
     */
    static void malformed(Exchange exchange, Throwable cause) {
        if (cause instanceof TooLongHttpLineException) {
            bare(exchange, HttpResponseStatus.REQUEST_URI_TOO_LONG);
        } else if (cause instanceof TooLongHttpHeaderException
                || cause instanceof TooLongFrameException && !(cause instanceof TooLongHttpLineException)) {
            bare(exchange, HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE);
        } else {
            exchange.record.failed(new GatewayError.BadRequest("malformed request"));
            write(exchange, new GatewayError.BadRequest("malformed request"));
        }
    }

    private static void bare(Exchange exchange, HttpResponseStatus status) {
        FullHttpResponse response = new DefaultFullHttpResponse(exchange.request.protocolVersion(), status,
                Unpooled.EMPTY_BUFFER);
        response.headers().set("content-length", "0").set("connection", "close");
        exchange.keepAlive = false;
        exchange.status = status.code();
        exchange.headSent = true;
        exchange.done(exchange.ctx.writeAndFlush(response));
    }

    /** The answer for {@code failure}: its {@link GatewayError}, or 500 for anything unexpected (logged). */
    static void refusal(Exchange exchange, Throwable failure) {
        if (!(failure instanceof GatewayError error)) {
            LOG.errorf(failure, "unexpected failure on route %s", exchange.record.routeName());
            send(exchange, response(exchange, HttpResponseStatus.INTERNAL_SERVER_ERROR, "internal error"), false);
            return;
        }
        write(exchange, error);
    }

    private static void write(Exchange exchange, GatewayError error) {
        FullHttpResponse response = response(exchange, HttpResponseStatus.valueOf(error.status()), error.body());
        error.headers((name, value) -> response.headers().add(name, value));
        send(exchange, response, error.closesConnection());
    }

    /** Writes {@code response}, saying whether the connection stays ({@code Connection}), and ends the exchange. */
    private static void send(Exchange exchange, FullHttpResponse response, boolean closes) {
        if (closes) {
            exchange.keepAlive = false;
        }
        if (!exchange.keepAlive) {
            response.headers().set("connection", "close");
        } else if (exchange.request.protocolVersion().minorVersion() == 0) {
            response.headers().set("connection", "keep-alive");
        }
        exchange.status = response.status().code();
        exchange.headSent = true;
        exchange.done(exchange.ctx.writeAndFlush(response));
    }

    /** A text answer; to a HEAD request its head only, with the length the body would have had. */
    private static FullHttpResponse response(Exchange exchange, HttpResponseStatus status, String body) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        boolean head = HttpMethod.HEAD.equals(exchange.request.method());
        FullHttpResponse response = new DefaultFullHttpResponse(exchange.request.protocolVersion(), status,
                head ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(bytes));
        response.headers().set("content-type", "text/plain").set("content-length", Integer.toString(bytes.length));
        return response;
    }
}
