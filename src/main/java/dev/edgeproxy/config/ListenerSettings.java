package dev.edgeproxy.config;

import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * The checked form of {@code gateway.listener}'s TLS settings (docs/reference.md#tls).
 *
 * @param clientAuth        {@code none}, {@code request} or {@code required}
 * @param certificateReload how often the certificate files are read again; zero: never
 * @param tlsEngine         {@code auto}, {@code jdk} or {@code openssl}: which TLS engine serves the listener
 * @param dataPath          {@code vertx} or {@code netty}: what serves the proxy port
 */
public record ListenerSettings(String clientAuth, Duration certificateReload, String tlsEngine, String dataPath) {

    public static final List<String> CLIENT_AUTH = List.of("none", "request", "required");
    public static final List<String> TLS_ENGINES = List.of("auto", "jdk", "openssl");
    public static final List<String> DATA_PATHS = List.of("vertx", "netty");

    /**
     * @param certificates the TLS registry's files, for the trust store that client certificates need
     * @throws InvalidConfigException naming every field at fault ({@code gateway: listener.<field>: ...})
     */
    public static ListenerSettings from(GatewayConfig.Listener listener, ListenerCertificates certificates) {
        Problems found = new Problems();
        ProblemSink problems = found.scope("gateway", "");
        String clientAuth = listener.clientAuth().strip().toLowerCase(Locale.ROOT);
        if (!CLIENT_AUTH.contains(clientAuth)) {
            problems.at("listener.clientAuth", "unknown value '" + listener.clientAuth() + "' (expected none, request or required)");
        } else if (!clientAuth.equals("none") && !certificates.hasTrustStore()) {
            // Without a trust store the JVM's would verify client certificates: any public CA's customer would pass.
            problems.at("listener.clientAuth", clientAuth + " needs the CA certificates that client certificates are "
                    + "verified against: quarkus.tls.trust-store.pem.certs (or another quarkus.tls.trust-store.*)");
        }
        Duration reload = Durations.field(problems, "listener.certificateReload", listener.certificateReload(), Duration.ZERO);
        if (reload.isNegative()) {
            problems.at("listener.certificateReload", "must not be negative");
        }
        String engine = listener.tlsEngine().strip().toLowerCase(Locale.ROOT);
        if (!TLS_ENGINES.contains(engine)) {
            problems.at("listener.tlsEngine", "unknown value '" + listener.tlsEngine() + "' (expected auto, jdk or openssl)");
        }
        String dataPath = listener.dataPath().strip().toLowerCase(Locale.ROOT);
        if (!DATA_PATHS.contains(dataPath)) {
            problems.at("listener.dataPath", "unknown value '" + listener.dataPath() + "' (expected vertx or netty)");
        }
        if (problems.count() > 0) {
            throw new InvalidConfigException(found.all());
        }
        return new ListenerSettings(clientAuth, reload, engine, dataPath);
    }
}
