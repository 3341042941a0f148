package dev.edgeproxy.pipeline;

import dev.edgeproxy.cel.RequestVariables;
import dev.edgeproxy.http.ClientCertificate;
import dev.edgeproxy.http.QueryString;
import dev.edgeproxy.http.RequestTarget;
import dev.edgeproxy.jwt.CredentialCarrier;
import dev.edgeproxy.route.MatchInput;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.SocketAddress;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import javax.net.ssl.SSLPeerUnverifiedException;

/**
 * A request as the pipeline sees it: route-selection input, the carrier of its credential, and the
 * source of CEL variables. It is either {@linkplain #of live} (a Vert.x request, whose headers are the
 * very map a verified credential is removed from before forwarding) or {@linkplain #described described}
 * by a user asking for an explanation; both go through the same selection, credential and variable code.
 * Derived values (host without port, decoded query, header map) are computed on first use only.
 *
 * <p>Public only for {@link #described}, which the route-selection benchmark uses so that it measures this
 * adapter rather than a copy of it.
 */
public final class IncomingRequest implements MatchInput, RequestVariables.Source, CredentialCarrier {

    private final String method;
    private final String path;
    private final String uri;
    private final MultiMap headers;
    private final String scheme;
    /** {@code :authority}, asked for only when there is no Host header. */
    private final Supplier<String> authority;
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

    private IncomingRequest(String method, String path, String uri, String query, MultiMap headers, String scheme,
            Supplier<String> authority, String sourceAddress, long sourcePort,
            Supplier<Map<String, Object>> certificateSource) {
        this.method = method;
        this.path = path == null ? "/" : path;
        this.uri = uri;
        this.query = query;
        this.headers = headers;
        this.scheme = scheme == null ? "http" : scheme;
        this.authority = authority;
        this.sourceAddress = sourceAddress;
        this.sourcePort = sourcePort;
        this.certificateSource = certificateSource;
    }

    /**
     * The request the user agent sent, as canonicalised.
     *
     * @param target    its canonical target: what every step decides on and the origin receives
     * @param authority its checked {@code Host} (or {@code :authority})
     * @param scheme    the listener's scheme, never the client's {@code :scheme}
     */
    static IncomingRequest of(HttpServerRequest request, RequestTarget target, String authority, String scheme) {
        SocketAddress remote = request.remoteAddress();
        return new IncomingRequest(request.method().name(), target.path(), target.originForm(), target.query(),
                request.headers(), scheme, () -> authority,
                remote == null ? "" : remote.hostAddress(), remote == null ? 0 : remote.port(),
                () -> clientCertificate(request));
    }

    private static Map<String, Object> clientCertificate(HttpServerRequest request) {
        if (!request.connection().isSsl()) {
            return Map.of();
        }
        try {
            return ClientCertificate.describe(request.connection().peerCertificates());
        } catch (SSLPeerUnverifiedException e) {
            // No client certificate asked for or none sent (quarkus.http.ssl.client-auth none or request).
            return Map.of();
        }
    }

    /**
     * A request as a user describes it, to be explained rather than forwarded.
     *
     * @param target  path with optional query, as it would appear in the request line
     * @param headers as the user agent would send them, {@code host} included
     */
    public static IncomingRequest described(String method, String target, MultiMap headers, String scheme,
            String sourceAddress, long sourcePort) {
        int q = target.indexOf('?');
        String path = q < 0 ? target : target.substring(0, q);
        String query = q < 0 ? null : target.substring(q + 1);
        return new IncomingRequest(method, path, target, query, headers, scheme, () -> null, sourceAddress, sourcePort,
                Map::of);
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

    /** The request target to send upstream: the canonical one, less a credential taken out of the query. */
    public String upstreamUri() {
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
        String checked = authority.get();
        return checked != null ? checked : headers.get("host");
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
