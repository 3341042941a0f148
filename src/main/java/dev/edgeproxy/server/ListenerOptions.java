package dev.edgeproxy.server;

import dev.edgeproxy.config.GatewayConfig;
import dev.edgeproxy.config.ListenerCertificates;
import dev.edgeproxy.config.ListenerSettings;
import dev.edgeproxy.metrics.GatewayMetrics;
import io.quarkus.tls.TlsConfigurationRegistry;
import io.quarkus.vertx.http.HttpServerOptionsCustomizer;
import io.vertx.core.Vertx;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.JdkSSLEngineOptions;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * The proxy port's listener options that Quarkus has no property for. HTTP/2 in cleartext (h2c, by prior
 * knowledge or by {@code Upgrade}) is off unless {@code gateway.listener.h2c} is set: on an edge, HTTP/2
 * arrives over TLS (ALPN), and an h2c upgrade is one more way for a request to be framed differently by
 * the proxy and whatever sits in front of it.
 *
 * <p>On the HTTPS listener (Quarkus TLS registry, README "TLS"): client certificates as
 * {@code gateway.listener.clientAuth} says (Quarkus fixes {@code quarkus.http.ssl.client-auth} at build time),
 * certificates that rotate without a restart ({@link ListenerCertificateRotation}), and failed client handshakes
 * counted in {@code edgeproxy_tls_handshake_failures_total} ({@link HandshakeCountingEngineOptions}).
 */
@ApplicationScoped
public class ListenerOptions implements HttpServerOptionsCustomizer {

    private final GatewayConfig config;
    private final GatewayMetrics metrics;
    private final Vertx vertx;
    private final Instance<TlsConfigurationRegistry> registry;

    public ListenerOptions(GatewayConfig config, GatewayMetrics metrics, Vertx vertx,
            Instance<TlsConfigurationRegistry> registry) {
        this.config = config;
        this.metrics = metrics;
        this.vertx = vertx;
        this.registry = registry;
    }

    @Override
    public void customizeHttpServer(HttpServerOptions options) {
        options.setHttp2ClearTextEnabled(config.listener().h2c());
    }

    @Override
    public void customizeHttpsServer(HttpServerOptions options) {
        // Checked with the routes at startup (GatewayCompiler); read again here, where the server is made.
        ListenerSettings settings = ListenerSettings.from(config.listener(),
                ListenerCertificates.of(ConfigProvider.getConfig()).withoutFiles());
        switch (settings.clientAuth()) {
            case "request" -> options.setClientAuth(ClientAuth.REQUEST);
            case "required" -> options.setClientAuth(ClientAuth.REQUIRED);
            default -> {
                // none: whatever Quarkus was built with (quarkus.http.ssl.client-auth) stays
            }
        }
        if (options.getKeyCertOptions() != null) {
            try {
                options.setKeyCertOptions(ListenerCertificateRotation.start(vertx,
                        registry.isResolvable() ? registry.get() : null, options.getKeyCertOptions(),
                        settings.certificateReload()));
            } catch (Exception e) {
                throw new IllegalStateException("cannot read the listener's certificates: " + e.getMessage(), e);
            }
        }
        // Quarkus sets JDK engine options (pooled heap buffers); keep them, count on top. With another
        // engine (OpenSSL) nothing is counted rather than the engine changed.
        if (options.getSslEngineOptions() == null || options.getSslEngineOptions() instanceof JdkSSLEngineOptions) {
            JdkSSLEngineOptions base = options.getSslEngineOptions() == null
                    ? new JdkSSLEngineOptions() : (JdkSSLEngineOptions) options.getSslEngineOptions();
            options.setSslEngineOptions(new HandshakeCountingEngineOptions(base, metrics::tlsHandshakeFailure));
        }
    }
}
