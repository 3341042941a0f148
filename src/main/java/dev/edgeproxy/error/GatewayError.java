package dev.edgeproxy.error;

import dev.edgeproxy.jwt.AuthFailure;
import java.time.Duration;

/**
 * Every way a request can end with a response the proxy writes itself. {@link ErrorResponder} is the
 * single place that turns one into status, headers and body.
 *
 * <p>These are control flow, not bugs: no stack trace is captured, and messages are safe to show
 * (they never contain a token or key material).
 */
public abstract sealed class GatewayError extends RuntimeException {

    private GatewayError(String message, Throwable cause) {
        super(message, cause, false, false);
    }

    /**
     * Whether the connection must be closed after this answer: the request's framing is not trusted (or
     * its body is not read), so nothing that follows on the connection can be.
     */
    public boolean closesConnection() {
        return false;
    }

    /** The request target or head is refused before any route is chosen. 400. */
    public static final class BadRequest extends GatewayError {
        public BadRequest(String reason) {
            super(reason, null);
        }

        @Override
        public boolean closesConnection() {
            return true;
        }
    }

    /** The request uses a transfer coding the proxy does not forward. 501. */
    public static final class NotImplemented extends GatewayError {
        public NotImplemented(String reason) {
            super(reason, null);
        }

        @Override
        public boolean closesConnection() {
            return true;
        }
    }

    /** The request body exceeds the route's {@code maxRequestBody}. 413. */
    public static final class PayloadTooLarge extends GatewayError {
        public PayloadTooLarge(long limit) {
            super("request body larger than " + limit + " bytes", null);
        }

        @Override
        public boolean closesConnection() {
            return true;
        }
    }

    /** No configured route matches the request. 404. */
    public static final class RouteNotFound extends GatewayError {
        public RouteNotFound() {
            super("route not found", null);
        }
    }

    /** The JWT policy rejected the request. 401 with a {@code WWW-Authenticate} challenge. */
    public static final class Unauthenticated extends GatewayError {
        private final AuthFailure reason;
        private final boolean tokenPresented;

        public Unauthenticated(AuthFailure reason, boolean tokenPresented) {
            super(reason.text(), null);
            this.reason = reason;
            this.tokenPresented = tokenPresented;
        }

        public AuthFailure reason() {
            return reason;
        }

        public boolean tokenPresented() {
            return tokenPresented;
        }
    }

    /** The authorization rules denied the request. 403. */
    public static final class Forbidden extends GatewayError {
        public Forbidden() {
            super("authorization failed", null);
        }
    }

    /** The upstream refused, reset or broke the exchange. 502. */
    public static final class BadGateway extends GatewayError {
        public BadGateway(Throwable cause) {
            super("upstream unavailable", cause);
        }
    }

    /**
     * Every connection to the origin is busy and its wait queue is full
     * ({@code gateway.limits.upstreamMaxConnections}, {@code upstreamMaxWaitQueue}). 503: the request
     * never reached the origin, so the user agent may retry.
     */
    public static final class UpstreamBusy extends GatewayError {
        public UpstreamBusy() {
            super("upstream busy", null);
        }
    }

    /** The upstream did not answer within the route's request timeout. 504. */
    public static final class GatewayTimeout extends GatewayError {
        public GatewayTimeout(Duration timeout) {
            super("upstream timed out after " + timeout.toMillis() + " ms", null);
        }
    }
}
