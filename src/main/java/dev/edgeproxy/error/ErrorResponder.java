package dev.edgeproxy.error;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
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
     * Writes the response for {@code failure}, unless the response has already started (then the
     * only honest thing left is to cut the connection).
     *
     * @param routeName the matched route, named in the log of an unexpected failure; may be null
     */
    public static void respond(HttpServerRequest request, Throwable failure, String routeName) {
        HttpServerResponse response = request.response();
        if (response.ended()) {
            return;
        }
        if (response.headWritten()) {
            response.reset();
            return;
        }
        if (!(failure instanceof GatewayError answer)) {
            LOG.errorf(failure, "unexpected failure on route %s", routeName);
            response.setStatusCode(500).putHeader("content-type", "text/plain").end("internal error");
            return;
        }
        answer.headers(response::putHeader);
        if (answer.closesConnection() && request.version() != HttpVersion.HTTP_2) {
            // HTTP/1.x: say so, and close once the answer is out. (An HTTP/2 stream ends on its own.)
            response.putHeader("connection", "close");
            response.endHandler(v -> closeLingering(request));
        }
        response.setStatusCode(answer.status()).putHeader("content-type", "text/plain").end(answer.body());
    }
}
