package dev.edgeproxy.gateway;

import dev.edgeproxy.authz.RequestVariables;
import dev.edgeproxy.jwt.CredentialCarrier;
import dev.edgeproxy.route.MatchInput;
import dev.edgeproxy.route.QueryString;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.SocketAddress;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A live Vert.x request seen as route-selection input and as the source of CEL variables. Derived
 * values (host without port, decoded query, header map) are computed on first use only.
 */
final class LiveRequest implements MatchInput, RequestVariables.Source, CredentialCarrier {

    private final HttpServerRequest request;
    private Map<String, Object> claims = Map.of();
    private String host;
    private Map<String, List<String>> queryParams;
    private String query;
    private boolean queryChanged;

    LiveRequest(HttpServerRequest request) {
        this.request = request;
        this.query = request.query();
    }

    @Override
    public MultiMap requestHeaders() {
        return request.headers();
    }

    @Override
    public String rawQuery() {
        return query;
    }

    @Override
    public void rawQuery(String newQuery) {
        query = newQuery == null || newQuery.isEmpty() ? null : newQuery;
        queryChanged = true;
        queryParams = null;
    }

    /** The request target to send upstream: as received, unless a credential was taken out of the query. */
    String upstreamUri() {
        if (!queryChanged) {
            return request.uri();
        }
        return query == null ? path() : path() + "?" + query;
    }

    void claims(Map<String, Object> verified) {
        this.claims = verified;
    }

    /** The Host header as the user agent sent it (with port), or {@code :authority} for HTTP/2. */
    String hostHeader() {
        String h = request.getHeader("host");
        if (h == null && request.authority() != null) {
            h = request.authority().toString();
        }
        return h;
    }

    @Override
    public String host() {
        if (host == null) {
            host = stripPort(hostHeader());
        }
        return host;
    }

    static String stripPort(String hostHeader) {
        if (hostHeader == null) {
            return "";
        }
        String h = hostHeader.strip();
        if (h.startsWith("[")) {
            int end = h.indexOf(']');
            return (end > 0 ? h.substring(1, end) : h).toLowerCase(Locale.ROOT);
        }
        int colon = h.indexOf(':');
        return (colon >= 0 ? h.substring(0, colon) : h).toLowerCase(Locale.ROOT);
    }

    @Override
    public String method() {
        return request.method().name();
    }

    @Override
    public String path() {
        String p = request.path();
        return p == null ? "/" : p;
    }

    @Override
    public String pathAndQuery() {
        return query == null ? path() : path() + "?" + query;
    }

    @Override
    public String scheme() {
        String s = request.scheme();
        return s == null ? "http" : s;
    }

    @Override
    public String header(String name) {
        List<String> values = request.headers().getAll(name);
        return values.isEmpty() ? null : String.join(",", values);
    }

    @Override
    public Map<String, String> headers() {
        Map<String, String> out = new LinkedHashMap<>();
        request.headers().forEach(e -> out.merge(e.getKey().toLowerCase(Locale.ROOT), e.getValue(), (a, b) -> a + "," + b));
        return Collections.unmodifiableMap(out);
    }

    @Override
    public String queryParam(String name) {
        List<String> values = queryParams().get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    @Override
    public Map<String, String> query() {
        Map<String, String> out = new LinkedHashMap<>();
        queryParams().forEach((k, v) -> {
            if (!v.isEmpty()) {
                out.put(k, v.get(0));
            }
        });
        return Collections.unmodifiableMap(out);
    }

    private Map<String, List<String>> queryParams() {
        if (queryParams == null) {
            queryParams = QueryString.parse(query);
        }
        return queryParams;
    }

    @Override
    public String sourceAddress() {
        SocketAddress remote = request.remoteAddress();
        return remote == null ? "" : remote.hostAddress();
    }

    @Override
    public long sourcePort() {
        SocketAddress remote = request.remoteAddress();
        return remote == null ? 0 : remote.port();
    }

    @Override
    public Map<String, Object> claims() {
        return claims;
    }
}
