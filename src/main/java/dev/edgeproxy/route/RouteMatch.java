package dev.edgeproxy.route;

import java.util.List;

/**
 * One {@code matches[]} entry of a route: a path condition plus optional method, header and query
 * conditions, all of which must hold.
 *
 * @param method upper-case method, or {@code null} for any
 */
public record RouteMatch(PathMatch path, String method, List<ValueMatch> headers, List<ValueMatch> query) {

    public static final RouteMatch ANY = new RouteMatch(new PathMatch.Prefix("/"), null, List.of(), List.of());

    public RouteMatch {
        headers = List.copyOf(headers);
        query = List.copyOf(query);
    }

    public boolean matches(MatchInput in) {
        if (method != null && !method.equals(in.method())) {
            return false;
        }
        if (!path.matches(in.path())) {
            return false;
        }
        for (ValueMatch h : headers) {
            if (!h.test(in.header(h.name()))) {
                return false;
            }
        }
        for (ValueMatch q : query) {
            if (!q.test(in.queryParam(q.name()))) {
                return false;
            }
        }
        return true;
    }

    /**
     * Compares specificity per docs/reference.md#route-selection: path kind (exact, prefix, regex), then prefix length,
     * then having a method, then the number of header and query conditions. Positive when this is
     * more specific than {@code other}.
     */
    public int compareSpecificity(RouteMatch other) {
        int c = Integer.compare(path.rank(), other.path.rank());
        if (c == 0) {
            c = Integer.compare(path.length(), other.path.length());
        }
        if (c == 0) {
            c = Boolean.compare(method != null, other.method != null);
        }
        if (c == 0) {
            c = Integer.compare(headers.size() + query.size(), other.headers.size() + other.query.size());
        }
        return c;
    }
}
