package dev.edgeproxy.pipeline;

import dev.edgeproxy.http.ClientCertificate;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.SocketAddress;

import java.util.Map;
import java.util.function.Supplier;
import javax.net.ssl.SSLPeerUnverifiedException;

/**
 * A request as it arrived, before step 1: from a user agent ({@link #of}), or described to {@code /explain}
 * ({@link #described}). {@link Evaluator} canonicalises both the same way (one authority, framing, valid header
 * fields, the listener's scheme, the canonical target), or refuses them.
 *
 * @param target      the request target as received
 * @param headers     the request's headers; step 1 removes from them what a client must not supply
 * @param h2Authority {@code :authority} of an HTTP/2 request, else {@code null}
 * @param h2Scheme    {@code :scheme} of an HTTP/2 request, else {@code null}
 * @param tls         whether the connection is TLS: the scheme every step sees
 * @param certificate the verified client certificate as CEL sees it, read only when a rule asks
 */
public record Arrival(String method, HttpVersion version, String target, MultiMap headers, String h2Authority,
        String h2Scheme, boolean tls, String sourceAddress, long sourcePort,
        Supplier<Map<String, Object>> certificate) {

    /** The request a user agent sent. */
    static Arrival of(HttpServerRequest request) {
        boolean h2 = request.version() == HttpVersion.HTTP_2;
        SocketAddress remote = request.remoteAddress();
        // The connection's TLS, not request.isSSL(): behind Quarkus' request wrapper that one follows the scheme a
        // client claims (an HTTP/2 :scheme of https on cleartext).
        boolean tls = request.connection().isSsl();
        return new Arrival(request.method().name(), request.version(), request.uri(), request.headers(),
                h2 && request.authority() != null ? request.authority().toString() : null,
                h2 ? request.scheme() : null, tls,
                remote == null ? "" : remote.hostAddress(), remote == null ? 0 : remote.port(),
                () -> tls ? clientCertificate(request) : Map.of());
    }

    /**
     * A request as a user describes it: HTTP/1.1 with the {@code host} among its headers, or HTTP/1.0 when it has
     * none (so that a description without a host is explained rather than refused), without a client certificate.
     */
    public static Arrival described(String method, String target, MultiMap headers, boolean tls, String sourceAddress,
            long sourcePort) {
        HttpVersion version = headers.contains("host") ? HttpVersion.HTTP_1_1 : HttpVersion.HTTP_1_0;
        return new Arrival(method, version, target, headers, null, null, tls, sourceAddress, sourcePort, Map::of);
    }

    private static Map<String, Object> clientCertificate(HttpServerRequest request) {
        try {
            return ClientCertificate.describe(request.connection().peerCertificates());
        } catch (SSLPeerUnverifiedException e) {
            // No client certificate asked for or none sent (client auth none or request).
            return Map.of();
        }
    }
}
