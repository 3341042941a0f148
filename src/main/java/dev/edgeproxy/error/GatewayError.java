package dev.edgeproxy.error;

import java.time.Duration;
import java.util.function.BiConsumer;

/**
 * Every answer the proxy makes itself instead of forwarding, each one owning its status, body and
 * headers (docs/reference.md#responses-made-by-the-proxy). {@link ErrorResponder} writes them to the
 * user agent, and {@code /explain} reports the same status and body.
 *
 * <p>These are control flow, not bugs: no stack trace is captured, and bodies are safe to show (they never
 * contain a token or key material).
 */
public abstract sealed class GatewayError extends RuntimeException {

    private final int status;

    private GatewayError(int status, String message, Throwable cause) {
        super(message, cause, false, false);
        this.status = status;
    }

    /** The HTTP status of the answer. */
    public final int status() {
        return status;
    }

    /** The {@code text/plain} body of the answer. */
    public String body() {
        return getMessage();
    }

    /** Puts the answer's own headers (beyond {@code content-type}). */
    public void headers(BiConsumer<String, String> put) {
    }

    /**
     * The gRPC status code of this answer to a gRPC request (docs/reference.md#grpc), as Envoy maps its own
     * answers: 16 UNAUTHENTICATED, 7 PERMISSION_DENIED, 5 NOT_FOUND, 14 UNAVAILABLE, 4 DEADLINE_EXCEEDED,
     * 3 INVALID_ARGUMENT, 8 RESOURCE_EXHAUSTED, 12 UNIMPLEMENTED, else 2 UNKNOWN.
     */
    public final int grpcStatus() {
        return grpcStatus(status);
    }

    /** {@link #grpcStatus()} of an HTTP status. */
    public static int grpcStatus(int httpStatus) {
        return switch (httpStatus) {
            case 400 -> 3;
            case 401 -> 16;
            case 403 -> 7;
            case 404 -> 5;
            case 413, 429 -> 8;
            case 500 -> 13;
            case 501 -> 12;
            case 502, 503 -> 14;
            case 504 -> 4;
            default -> 2;
        };
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
            super(400, reason, null);
        }

        @Override
        public String body() {
            return "bad request: " + getMessage();
        }

        @Override
        public boolean closesConnection() {
            return true;
        }
    }

    /** The request uses a transfer coding the proxy does not forward. 501. */
    public static final class NotImplemented extends GatewayError {
        public NotImplemented(String reason) {
            super(501, reason, null);
        }

        @Override
        public String body() {
            return "not implemented: " + getMessage();
        }

        @Override
        public boolean closesConnection() {
            return true;
        }
    }

    /** The request body exceeds the route's {@code maxRequestBody}. 413. */
    public static final class PayloadTooLarge extends GatewayError {
        public PayloadTooLarge(long limit) {
            super(413, "request body larger than " + limit + " bytes", null);
        }

        @Override
        public String body() {
            return "payload too large";
        }

        @Override
        public boolean closesConnection() {
            return true;
        }
    }

    /** No configured route matches the request. 404. */
    public static final class RouteNotFound extends GatewayError {
        public RouteNotFound() {
            super(404, "route not found", null);
        }
    }

    /**
     * The route's JWT policy refused the request. 401 with an RFC 6750 challenge whose realm is the route.
     */
    public static final class Unauthenticated extends GatewayError {
        private final String realm;
        private final String bearerError;

        /**
         * @param reason      what failed, safe to show (it never echoes the token)
         * @param bearerError the challenge's {@code error} code; {@code null} when no credential was presented
         * @param realm       the route's name
         */
        public Unauthenticated(String reason, String bearerError, String realm) {
            super(401, reason, null);
            this.realm = realm;
            this.bearerError = bearerError;
        }

        @Override
        public String body() {
            return "authentication failure: " + getMessage();
        }

        @Override
        public void headers(BiConsumer<String, String> put) {
            String challenge = "Bearer realm=\"" + realm + "\"";
            put.accept("www-authenticate", bearerError == null ? challenge : challenge + ", error=\"" + bearerError + "\"");
        }
    }

    /**
     * The route's {@code localRateLimit} has no token left. 429 with {@code Retry-After}: the whole seconds until
     * the next token (at least 1).
     */
    public static final class TooManyRequests extends GatewayError {
        private final long retryAfterSeconds;

        public TooManyRequests(Duration untilNextToken) {
            super(429, "rate limited", null);
            long millis = untilNextToken.toMillis();
            this.retryAfterSeconds = Math.max(1, (millis + 999) / 1000);
        }

        @Override
        public void headers(BiConsumer<String, String> put) {
            put.accept("retry-after", Long.toString(retryAfterSeconds));
        }
    }

    /** The authorization rules denied the request, or a WebSocket upgrade came from an origin not allowed. 403. */
    public static final class Forbidden extends GatewayError {
        public Forbidden() {
            this("authorization failed");
        }

        /** @param reason the body: short and safe to show */
        public Forbidden(String reason) {
            super(403, reason, null);
        }
    }

    /** The origin refused, reset or broke the exchange. 502. */
    public static final class BadGateway extends GatewayError {
        public BadGateway(Throwable cause) {
            super(502, "upstream unavailable", cause);
        }

        @Override
        public String body() {
            return "bad gateway";
        }
    }

    /**
     * Every connection to the origin is busy and its wait queue is full
     * ({@code gateway.limits.upstreamMaxConnections}, {@code upstreamMaxWaitQueue}). 503: the request
     * never reached the origin, so the user agent may retry.
     */
    public static final class UpstreamBusy extends GatewayError {
        public UpstreamBusy() {
            super(503, "upstream busy", null);
        }
    }

    /** The origin did not answer within the route's request timeout. 504. */
    public static final class GatewayTimeout extends GatewayError {
        public GatewayTimeout(Duration timeout) {
            super(504, "upstream timed out after " + timeout.toMillis() + " ms", null);
        }

        @Override
        public String body() {
            return "gateway timeout";
        }
    }
}
