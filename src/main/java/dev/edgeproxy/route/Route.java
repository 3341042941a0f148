package dev.edgeproxy.route;

import dev.edgeproxy.proxy.Backends;

import java.time.Duration;
import java.util.List;

/**
 * A compiled, immutable route: everything the request path needs, built once by
 * the route compiler (compile package).
 *
 * @param policies       the route's policies ordered by phase: a new policy is an entry there, not a field here
 * @param maxRequestBody largest request body in bytes; {@link #UNLIMITED} when there is no limit
 * @param websocket      {@code null} unless the route accepts WebSocket upgrades ({@code websocket: true})
 */
public record Route(
        String name,
        HostMatch hosts,
        List<RouteMatch> matches,
        Backends backends,
        RoutePolicies policies,
        Duration requestTimeout,
        long maxRequestBody,
        WebSocketUpgrade websocket) {

    public static final long UNLIMITED = Long.MAX_VALUE;

    public Route {
        matches = List.copyOf(matches);
    }
}
