package dev.edgeproxy.error;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import org.jboss.logging.Logger;

/**
 * The one place that maps a {@link GatewayError} (or anything unexpected) to a response.
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

    /** Status code a failure maps to; unexpected exceptions are a 500. */
    public static int status(Throwable failure) {
        if (failure instanceof GatewayError.RouteNotFound) {
            return 404;
        } else if (failure instanceof GatewayError.BadRequest) {
            return 400;
        } else if (failure instanceof GatewayError.NotImplemented) {
            return 501;
        } else if (failure instanceof GatewayError.PayloadTooLarge) {
            return 413;
        } else if (failure instanceof GatewayError.Unauthenticated) {
            return 401;
        } else if (failure instanceof GatewayError.Forbidden) {
            return 403;
        } else if (failure instanceof GatewayError.BadGateway) {
            return 502;
        } else if (failure instanceof GatewayError.UpstreamBusy) {
            return 503;
        } else if (failure instanceof GatewayError.GatewayTimeout) {
            return 504;
        }
        return 500;
    }

    /**
     * Writes the response for {@code failure}, unless the response has already started (then the
     * only honest thing left is to cut the connection).
     *
     * @param routeName the matched route, used as the {@code WWW-Authenticate} realm; may be null
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
        int status = status(failure);
        String body;
        if (failure instanceof GatewayError.Unauthenticated u) {
            body = "authentication failure: " + u.reason().text();
            String challenge = "Bearer realm=\"" + (routeName == null ? "edge-proxy" : routeName) + "\"";
            if (u.tokenPresented()) {
                challenge += ", error=\"" + u.reason().bearerError() + "\"";
            }
            response.putHeader("www-authenticate", challenge);
        } else if (failure instanceof GatewayError.BadRequest) {
            body = "bad request: " + failure.getMessage();
        } else if (failure instanceof GatewayError.NotImplemented) {
            body = "not implemented: " + failure.getMessage();
        } else if (failure instanceof GatewayError.PayloadTooLarge) {
            body = "payload too large";
        } else if (failure instanceof GatewayError.BadGateway) {
            body = "bad gateway";
        } else if (failure instanceof GatewayError.GatewayTimeout) {
            body = "gateway timeout";
        } else if (failure instanceof GatewayError) {
            body = failure.getMessage();
        } else {
            LOG.errorf(failure, "unexpected failure on route %s", routeName);
            body = "internal error";
        }
        if (failure instanceof GatewayError g && g.closesConnection() && request.version() != HttpVersion.HTTP_2) {
            // HTTP/1.x: say so, and close once the answer is out. (An HTTP/2 stream ends on its own.)
            response.putHeader("connection", "close");
            response.endHandler(v -> closeLingering(request));
        }
        response.setStatusCode(status)
                .putHeader("content-type", "text/plain")
                .end(body);
    }
}
