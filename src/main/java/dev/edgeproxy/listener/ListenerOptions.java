package dev.edgeproxy.listener;

import dev.edgeproxy.config.GatewayConfig;
import dev.edgeproxy.config.ListenerCertificates;
import dev.edgeproxy.config.ListenerSettings;
import dev.edgeproxy.metrics.GatewayMetrics;
import io.quarkus.tls.TlsConfigurationRegistry;
import io.quarkus.vertx.http.HttpServerOptionsCustomizer;
import io.vertx.core.Vertx;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.http.HttpServerOptions;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import org.eclipse.microprofile.config.ConfigProvider;
import org.jboss.logging.Logger;

/**
 * The proxy port's listener options that Quarkus has no property for. HTTP/2 in cleartext (h2c, by prior
 * knowledge or by {@code Upgrade}) is off unless {@code gateway.listener.h2c} is set: on an edge, HTTP/2
 * arrives over TLS (ALPN), and an h2c upgrade is one more way for a request to be framed differently by
 * the proxy and whatever sits in front of it.
 *
 * <p>On the HTTPS listener (Quarkus TLS registry, README "TLS"): client certificates as
 * {@code gateway.listener.clientAuth} says (Quarkus fixes {@code quarkus.http.ssl.client-auth} at build time),
 * certificates that rotate without a restart ({@link ListenerCertificateRotation}), and failed client handshakes
 * counted in {@code edgeproxy_tls_handshake_failures_total} ({@link HandshakeCounting}), on the engine that
 * {@code gateway.listener.tlsEngine} chooses ({@link ListenerTlsEngine}).
 */
@ApplicationScoped
public class ListenerOptions implements HttpServerOptionsCustomizer {

    private static final Logger LOG = Logger.getLogger(ListenerOptions.class);

    private final GatewayConfig config;
    private final GatewayMetrics metrics;
    private final Vertx vertx;
    private final Instance<TlsConfigurationRegistry> registry;
    private boolean engineLogged;

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
        ListenerTlsEngine.InUse engine = ListenerTlsEngine.choose(settings.tlsEngine(), options.getSslEngineOptions(),
                metrics::tlsHandshakeFailure);
        options.setSslEngineOptions(engine.options());
        if (!engineLogged) {
            engineLogged = true;
            LOG.infof("HTTPS listener: TLS by %s", engine.description());
        }
    }
}
