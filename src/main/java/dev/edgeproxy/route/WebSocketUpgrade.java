package dev.edgeproxy.route;

import dev.edgeproxy.proxy.AllowedOrigins;

import java.time.Duration;

/**
 * A route's consent to WebSocket ({@code websocket: true}): an HTTP/1.1 {@code Upgrade: websocket} request
 * that passed the route's policies is tunnelled to the origin instead of forwarded as a plain request.
 *
 * @param idleTimeout    a tunnel with no frame in either direction for this long is closed (both sides)
 * @param maxLifetime    a tunnel is closed this long after its upgrade (both sides); {@code null} for no cap
 *                       (the authenticating token's {@code exp} still ends it)
 * @param allowedOrigins the {@code Origin} an upgrade may carry; {@link AllowedOrigins#ANY} when not configured
 */
public record WebSocketUpgrade(Duration idleTimeout, Duration maxLifetime, AllowedOrigins allowedOrigins) {

    public WebSocketUpgrade {
        if (idleTimeout == null || idleTimeout.isZero() || idleTimeout.isNegative()) {
            throw new IllegalArgumentException("idle timeout must be greater than zero");
        }
        if (maxLifetime != null && (maxLifetime.isZero() || maxLifetime.isNegative())) {
            throw new IllegalArgumentException("max lifetime must be greater than zero");
        }
        if (allowedOrigins == null) {
            throw new IllegalArgumentException("allowed origins are required (AllowedOrigins.ANY for any)");
        }
    }
}
