package dev.edgeproxy.route;

import java.util.List;

/**
 * The compiled routes in configuration order, and route selection (CONTRACT §2): among routes whose
 * hostnames match, the most specific match wins (exact path, longest prefix, regex, then method, then
 * the number of header and query conditions); ties go to the route listed first.
 */
public final class RouteTable {

    private final List<Route> routes;

    public RouteTable(List<Route> routes) {
        this.routes = List.copyOf(routes);
    }

    public List<Route> routes() {
        return routes;
    }

    /** @return the selected route, or {@code null} when none matches */
    public Route select(MatchInput request) {
        String host = request.host();
        Route best = null;
        RouteMatch bestMatch = null;
        for (Route route : routes) {
            if (!route.hosts().matches(host)) {
                continue;
            }
            for (RouteMatch match : route.matches()) {
                // Strictly more specific only: an equal match listed later never displaces an earlier one.
                if ((bestMatch == null || match.compareSpecificity(bestMatch) > 0) && match.matches(request)) {
                    best = route;
                    bestMatch = match;
                }
            }
        }
        return best;
    }
}
