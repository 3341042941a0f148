package dev.edgeproxy.route;

import java.time.Duration;

/**
 * A route's consent to WebSocket ({@code websocket: true}): an HTTP/1.1 {@code Upgrade: websocket} request
 * that passed the route's policies is tunnelled to the origin instead of forwarded as a plain request.
 *
 * @param idleTimeout a tunnel with no frame in either direction for this long is closed (both sides)
 */
public record WebSocketUpgrade(Duration idleTimeout) {

    public WebSocketUpgrade {
        if (idleTimeout == null || idleTimeout.isZero() || idleTimeout.isNegative()) {
            throw new IllegalArgumentException("idle timeout must be greater than zero");
        }
    }
}
