package dev.edgeproxy.route;

import dev.edgeproxy.authz.Authorizer;
import dev.edgeproxy.jwt.JwtAuthenticator;
import dev.edgeproxy.proxy.UpstreamPool;
import dev.edgeproxy.transform.HeaderTransform;

import java.time.Duration;
import java.util.List;

/**
 * A compiled, immutable route: everything the request path needs, built once by
 * the route compiler (compile package).
 *
 * @param admissions     what may answer the request before authentication (a rate limit), in order
 * @param authenticator  {@code null} when the route has no {@code jwtAuth} policy
 * @param maxRequestBody largest request body in bytes; {@link #UNLIMITED} when there is no limit
 * @param websocket      {@code null} unless the route accepts WebSocket upgrades ({@code websocket: true})
 */
public record Route(
        String name,
        HostMatch hosts,
        List<RouteMatch> matches,
        UpstreamPool upstreams,
        List<Admission> admissions,
        JwtAuthenticator authenticator,
        Authorizer authorizer,
        HeaderTransform transform,
        Duration requestTimeout,
        long maxRequestBody,
        WebSocketUpgrade websocket) {

    public static final long UNLIMITED = Long.MAX_VALUE;

    public Route {
        matches = List.copyOf(matches);
        admissions = List.copyOf(admissions);
    }
}
