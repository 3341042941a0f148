package dev.edgeproxy.pipeline;

import dev.edgeproxy.cel.RequestVariables;
import dev.edgeproxy.http.QueryString;
import dev.edgeproxy.http.RequestTarget;
import dev.edgeproxy.jwt.CredentialCarrier;
import dev.edgeproxy.route.MatchInput;
import io.vertx.core.MultiMap;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * A request as the pipeline sees it after step 1: route-selection input, the carrier of its credential, and the
 * source of CEL variables, made by {@link Evaluator#canonicalise} from an {@link Arrival}, live or described to
 * {@code /explain}; both go through the same selection, credential and variable code. Its headers are the very
 * map a verified credential is removed from. Derived values (host without port, decoded query, header map) are
 * computed on first use only.
 */
public final class IncomingRequest implements MatchInput, RequestVariables.Source, CredentialCarrier {

    private final String method;
    private final String path;
    private final String uri;
    private final MultiMap headers;
    private final String scheme;
    /** The checked {@code Host} (or {@code :authority}); empty for an HTTP/1.0 request without one. */
    private final String authority;
    private final String sourceAddress;
    private final long sourcePort;
    /** The verified client certificate's description, read from the TLS session only when a rule asks. */
    private final Supplier<Map<String, Object>> certificateSource;
    private Map<String, Object> certificate;
    private Map<String, Object> claims = Map.of();
    private String host;
    private Map<String, List<String>> queryParams;
    private String query;
    private boolean queryChanged;

    /**
     * The request after step 1 ({@link Evaluator#canonicalise}).
     *
     * @param target    its canonical target: what every step decides on and the origin receives
     * @param authority its checked {@code Host} (or {@code :authority})
     * @param scheme    the listener's scheme, never the client's {@code :scheme}
     */
    IncomingRequest(Arrival arrival, RequestTarget target, String authority, String scheme) {
        this.method = arrival.method();
        this.path = target.path() == null ? "/" : target.path();
        this.uri = target.originForm();
        this.query = target.query();
        this.headers = arrival.headers();
        this.scheme = scheme;
        this.authority = authority;
        this.sourceAddress = arrival.sourceAddress();
        this.sourcePort = arrival.sourcePort();
        this.certificateSource = arrival.certificate();
    }

    @Override
    public MultiMap requestHeaders() {
        return headers;
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

    /** The request target to send to the origin: the canonical one, less a credential taken out of the query. */
    public String originUri() {
        if (!queryChanged) {
            return uri;
        }
        return query == null ? path() : path() + "?" + query;
    }

    void claims(Map<String, Object> verified) {
        this.claims = verified;
    }

    /** The Host header as the user agent sent it (with port), or {@code :authority} for HTTP/2. */
    String hostHeader() {
        return authority;
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
        return method;
    }

    @Override
    public String path() {
        return path;
    }

    @Override
    public String pathAndQuery() {
        return query == null ? path() : path() + "?" + query;
    }

    @Override
    public String scheme() {
        return scheme;
    }

    @Override
    public String header(String name) {
        List<String> values = headers.getAll(name);
        return values.isEmpty() ? null : String.join(",", values);
    }

    @Override
    public Map<String, String> headers() {
        Map<String, String> out = new LinkedHashMap<>();
        headers.forEach(e -> out.merge(e.getKey().toLowerCase(Locale.ROOT), e.getValue(), (a, b) -> a + "," + b));
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
        return sourceAddress;
    }

    @Override
    public long sourcePort() {
        return sourcePort;
    }

    @Override
    public Map<String, Object> certificate() {
        if (certificate == null) {
            certificate = certificateSource.get();
        }
        return certificate;
    }

    @Override
    public Map<String, Object> claims() {
        return claims;
    }
}
