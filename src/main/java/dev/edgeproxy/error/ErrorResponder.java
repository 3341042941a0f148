package dev.edgeproxy.error;

import io.vertx.core.http.HttpServerResponse;
import org.jboss.logging.Logger;

/**
 * The one place that maps a {@link GatewayError} (or anything unexpected) to a response.
 * Bodies are short {@code text/plain}; nothing internal (stack traces, exception text of libraries,
 * tokens) ever reaches the user agent.
 */
public final class ErrorResponder {

    private static final Logger LOG = Logger.getLogger(ErrorResponder.class);

    private ErrorResponder() {
    }

    /** Status code a failure maps to; unexpected exceptions are a 500. */
    public static int status(Throwable failure) {
        if (failure instanceof GatewayError.RouteNotFound) {
            return 404;
        } else if (failure instanceof GatewayError.Unauthenticated) {
            return 401;
        } else if (failure instanceof GatewayError.Forbidden) {
            return 403;
        } else if (failure instanceof GatewayError.BadGateway) {
            return 502;
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
    public static void respond(HttpServerResponse response, Throwable failure, String routeName) {
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
        response.setStatusCode(status)
                .putHeader("content-type", "text/plain")
                .end(body);
    }
}
