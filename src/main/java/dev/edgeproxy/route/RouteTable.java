package dev.edgeproxy.route;

import dev.edgeproxy.http.RequestHygiene;

import java.util.List;

/**
 * The compiled routes in configuration order, and route selection (docs/reference.md#route-selection): among routes
 * whose hostnames match, the most specific match wins (exact path, longest prefix, regex, then method, then the
 * number of header and query conditions); ties go to the route listed first.
 */
public final class RouteTable {

    private final List<Route> routes;
    private final List<AutoCloseable> resources;
    private final RequestHygiene hygiene;

    /**
     * @param resources what the table keeps running (remote JWKS refreshes), stopped by {@link #retire()}
     * @param hygiene   what is done to every request before it is matched
     */
    public RouteTable(List<Route> routes, List<AutoCloseable> resources, RequestHygiene hygiene) {
        this.routes = List.copyOf(routes);
        this.resources = List.copyOf(resources);
        this.hygiene = hygiene;
    }

    /** Canonicalisation and header removal, the same for every route. */
    public RequestHygiene hygiene() {
        return hygiene;
    }

    /**
     * Stops what only this table needs, once a newer table has replaced it. Requests still running on it
     * are unaffected: its keys and routes stay readable.
     */
    public void retire() {
        for (AutoCloseable resource : resources) {
            try {
                resource.close();
            } catch (Exception e) {
                // stopping a background refresh cannot meaningfully fail; nothing to do
            }
        }
    }

    public List<Route> routes() {
        return routes;
    }

    /** @return the selected route, or {@code null} when none matches */
    public Route select(MatchInput request) {
        Selection selection = selection(request);
        return selection == null ? null : selection.route();
    }

    /** @return the selected route and which of its matches selected it, or {@code null} when none matches */
    public Selection selection(MatchInput request) {
        String host = request.host();
        Route best = null;
        int bestIndex = -1;
        for (Route route : routes) {
            if (!route.hosts().matches(host)) {
                continue;
            }
            List<RouteMatch> matches = route.matches();
            for (int i = 0; i < matches.size(); i++) {
                RouteMatch match = matches.get(i);
                // Strictly more specific only: an equal match listed later never displaces an earlier one.
                if ((best == null || match.compareSpecificity(best.matches().get(bestIndex)) > 0) && match.matches(request)) {
                    best = route;
                    bestIndex = i;
                }
            }
        }
        return best == null ? null : new Selection(best, bestIndex);
    }

    /**
     * A selected route and the position of the match, in its {@code matches}, that selected it (0 for a
     * route configured without matches: its one implicit match).
     */
    public record Selection(Route route, int matchIndex) {

        public RouteMatch match() {
            return route.matches().get(matchIndex);
        }
    }
}
