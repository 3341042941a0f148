package dev.edgeproxy.proxy;

import io.vertx.core.MultiMap;

import java.time.Duration;

/**
 * What goes to the origin for one request that passed its route's policies: where, the canonical target, exactly
 * the headers the origin receives, and the route's bounds on the exchange. The one value the forwarder and the
 * WebSocket tunnel take.
 *
 * @param uri     the canonical request target (less a credential taken out of its query)
 * @param headers the end-to-end headers, filtered and transformed
 * @param timeout the route's {@code requestTimeout}: the whole exchange (a tunnel: its handshake)
 * @param maxBody the route's request body limit in bytes
 */
public record Outbound(Backend backend, String uri, MultiMap headers, Duration timeout, long maxBody) {
}
