package dev.edgeproxy.proxy;

/**
 * How the proxy talks to an origin, as compiled from a backend's {@code tls} and {@code protocol}: one Vert.x
 * HTTP client is made per distinct value (a record, compared by value), so backends that agree share a pool.
 *
 * @param protocol the HTTP version spoken to the origin
 * @param tls      {@code null} for plain text
 */
public record OriginSettings(Protocol protocol, Tls tls) {

    /** Plain HTTP/1.1: what a backend without {@code tls} and {@code protocol} gets. */
    public static final OriginSettings PLAIN_HTTP1 = new OriginSettings(Protocol.HTTP1, null);

    /** The HTTP version spoken to the origin. */
    public enum Protocol {
        /** HTTP/1.1, the default. */
        HTTP1,
        /** HTTP/2: negotiated by ALPN over TLS, prior knowledge (h2c) without. */
        HTTP2
    }

    /**
     * TLS to the origin; the PEM texts are the files' content when the table was compiled (a change to a file
     * compiles a new table, with new clients).
     *
     * @param caPem              CA certificates to trust; {@code null}: the JVM's trust store
     * @param certificatePem     client certificate chain (mTLS), or {@code null}
     * @param keyPem             its private key, or {@code null}
     * @param insecureSkipVerify no certificate or host name verification at all
     * @param sendSni            send the server name in the handshake: always for a name (the JDK alone leaves out
     *                           names without a dot, such as {@code localhost}), never for an IP address (RFC 6066)
     */
    public record Tls(String caPem, String certificatePem, String keyPem, boolean insecureSkipVerify, boolean sendSni) {

        /** Never the key: the record's default would print it. */
        @Override
        public String toString() {
            return "Tls[ca=" + (caPem == null ? "system" : "file") + ", clientCertificate=" + (certificatePem != null)
                    + ", insecureSkipVerify=" + insecureSkipVerify + ", sendSni=" + sendSni + "]";
        }
    }
}
