package dev.edgeproxy.listener;

import io.netty.handler.ssl.OpenSsl;
import io.vertx.core.net.JdkSSLEngineOptions;
import io.vertx.core.net.OpenSSLEngineOptions;
import io.vertx.core.net.SSLEngineOptions;

/**
 * Chooses the TLS engine of the HTTPS listener ({@code gateway.listener.tlsEngine}, docs/reference.md#tls).
 *
 * <p>Why: terminating TLS is most of an edge's cost per connection and a large part per request, and Netty's
 * OpenSSL engine (BoringSSL, shipped by netty-tcnative in the JVM build for Linux x86-64) does handshakes and
 * record encryption at a fraction of the JDK engine's CPU ({@code TLS=1 bench/run.sh}; the figures are in
 * bench/README.md#tls-termination).
 * Where tcnative cannot load (another OS or CPU, the native image, which is built without it) or when
 * {@code jdk} is set, the JDK's engine does the work. Both count failed handshakes ({@link HandshakeCounting}).
 */
final class ListenerTlsEngine {

    /** What serves TLS, for the startup log and the tests. */
    record InUse(SSLEngineOptions options, String description) {
    }

    private ListenerTlsEngine() {
    }

    /**
     * @param setting   {@code auto}, {@code jdk} or {@code openssl} (checked by the config's ListenerSettings)
     * @param quarkus   the engine options Quarkus set (JDK, pooled heap buffers), or {@code null}
     * @param onFailure called once per failed client handshake
     * @throws IllegalStateException when {@code openssl} is required and cannot be had, naming the field
     */
    static InUse choose(String setting, SSLEngineOptions quarkus, Runnable onFailure) {
        boolean openssl = OpenSSLEngineOptions.isAvailable() && OpenSSLEngineOptions.isAlpnAvailable();
        if (setting.equals("openssl") && !openssl) {
            Throwable cause = OpenSsl.unavailabilityCause();
            throw new IllegalStateException("gateway: listener.tlsEngine: openssl is not available in this build"
                    + (cause == null ? "" : " (" + cause.getMessage() + ")") + "; use auto or jdk");
        }
        if (openssl && !setting.equals("jdk")) {
            return new InUse(new HandshakeCounting.OpenSsl(new OpenSSLEngineOptions(), onFailure),
                    "OpenSSL (" + OpenSsl.versionString() + ", netty-tcnative)");
        }
        JdkSSLEngineOptions base = quarkus instanceof JdkSSLEngineOptions jdk ? jdk : new JdkSSLEngineOptions();
        String reason = setting.equals("jdk") ? "gateway.listener.tlsEngine=jdk" : "netty-tcnative is not available";
        return new InUse(new HandshakeCounting.Jdk(base, onFailure), "the JDK (" + reason + ")");
    }
}
