package dev.edgeproxy.error;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.impl.ConnectionBase;
import org.jboss.logging.Logger;

/**
 * Writes a {@link GatewayError} (or a 500 for anything unexpected) as the response, and closes the connection
 * when the error says its framing cannot be trusted.
 * Bodies are short {@code text/plain}; nothing internal (stack traces, exception text of libraries,
 * tokens) ever reaches the user agent.
 */
public final class ErrorResponder {

    private static final Logger LOG = Logger.getLogger(ErrorResponder.class);
    static final long LINGER_MILLIS = 2_000;

    private ErrorResponder() {
    }

    /**
     * Closes the connection once the user agent has stopped sending, or after {@link #LINGER_MILLIS}: closing
     * while its request body is still arriving would make the kernel reset the connection, and the answer
     * could be lost before the user agent reads it. What arrives meanwhile is discarded.
     */
    private static void closeLingering(HttpServerRequest request) {
        if (request.isEnded()) {
            request.connection().close();
            return;
        }
        long timer = Vertx.currentContext().owner().setTimer(LINGER_MILLIS, id -> request.connection().close());
        request.handler(discard -> { });
        request.endHandler(v -> {
            Vertx.currentContext().owner().cancelTimer(timer);
            request.connection().close();
        });
        request.resume();
    }

    /**
     * The request's content type when it is gRPC ({@code application/grpc}, {@code application/grpc+proto}, ...)
     * over HTTP/2 (gRPC's only transport), else null.
     */
    static String grpcContentType(HttpServerRequest request) {
        String type = request.getHeader("content-type");
        if (type == null || request.version() != HttpVersion.HTTP_2) {
            return null;
        }
        String t = type.strip().toLowerCase(java.util.Locale.ROOT);
        return t.equals("application/grpc") || t.startsWith("application/grpc+") || t.startsWith("application/grpc;")
                ? type.strip() : null;
    }

    /**
     * HTTP 200 with {@code grpc-status} and {@code grpc-message} in the headers and no body: gRPC's
     * trailers-only response, which is what gRPC clients read.
     */
    private static void grpcAnswer(HttpServerResponse response, String contentType, int grpcStatus, String message) {
        response.setStatusCode(200)
                .putHeader("content-type", contentType)
                .putHeader("grpc-status", Integer.toString(grpcStatus))
                .putHeader("grpc-message", grpcMessage(message))
                .end();
    }

    /**
     * Percent-encodes a {@code grpc-message} as the gRPC HTTP/2 protocol says: UTF-8, then every byte outside
     * printable ASCII (0x20-0x7E) and {@code %} itself as {@code %XX}.
     */
    public static String grpcMessage(String message) {
        StringBuilder out = new StringBuilder(message.length());
        for (byte b : message.getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if (c >= 0x20 && c <= 0x7e && c != '%') {
                out.append((char) c);
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            }
        }
        return out.toString();
    }

    /**
     * Writes the response for {@code failure}, unless the response has already started (then the
     * only honest thing left is to cut the connection).
     *
     * @param routeName the matched route, named in the log of an unexpected failure; may be null
     */
    public static void respond(HttpServerRequest request, Throwable failure, String routeName) {
        HttpServerResponse response = request.response();
        // A connection the user agent has closed takes no answer and no reset: writing to it only makes Netty
        // log a failed write (a load generator that stops mid-response left dozens of those). Vert.x marks the
        // response closed only once the close event has run; the channel knows first (a failed write to it is
        // often how the pipeline got here).
        // Vert.x internal (ConnectionBase#channel), guarded by dev.edgeproxy.VertxInternalsTest
        if (response.ended() || response.closed()
                || request.connection() instanceof ConnectionBase connection && !connection.channel().isActive()) {
            return;
        }
        if (response.headWritten()) {
            response.reset();
            return;
        }
        String grpc = grpcContentType(request);
        if (!(failure instanceof GatewayError answer)) {
            LOG.errorf(failure, "unexpected failure on route %s", routeName);
            if (grpc != null) {
                grpcAnswer(response, grpc, GatewayError.grpcStatus(500), "internal error");
                return;
            }
            response.setStatusCode(500).putHeader("content-type", "text/plain").end("internal error");
            return;
        }
        answer.headers(response::putHeader);
        if (grpc != null) {
            // A gRPC client reads only grpc-status: answer as a gRPC server would, in a trailers-only response.
            grpcAnswer(response, grpc, answer.grpcStatus(), answer.body());
            return;
        }
        if (answer.closesConnection() && request.version() != HttpVersion.HTTP_2) {
            // HTTP/1.x: say so, and close once the answer is out. (An HTTP/2 stream ends on its own.)
            response.putHeader("connection", "close");
            response.endHandler(v -> closeLingering(request));
        }
        response.setStatusCode(answer.status()).putHeader("content-type", "text/plain").end(answer.body());
    }
}
