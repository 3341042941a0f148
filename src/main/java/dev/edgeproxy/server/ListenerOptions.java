package dev.edgeproxy.server;

import dev.edgeproxy.config.GatewayConfig;
import dev.edgeproxy.metrics.GatewayMetrics;
import io.quarkus.vertx.http.HttpServerOptionsCustomizer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.JdkSSLEngineOptions;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * The proxy port's listener options that Quarkus has no property for. HTTP/2 in cleartext (h2c, by prior
 * knowledge or by {@code Upgrade}) is off unless {@code gateway.listener.h2c} is set: on an edge, HTTP/2
 * arrives over TLS (ALPN), and an h2c upgrade is one more way for a request to be framed differently by
 * the proxy and whatever sits in front of it.
 *
 * <p>On the HTTPS listener (Quarkus TLS registry, README "TLS"), failed client handshakes are counted in
 * {@code edgeproxy_tls_handshake_failures_total} ({@link HandshakeCountingEngineOptions}).
 */
@ApplicationScoped
public class ListenerOptions implements HttpServerOptionsCustomizer {

    private final boolean h2c;
    private final GatewayMetrics metrics;

    public ListenerOptions(GatewayConfig config, GatewayMetrics metrics) {
        this.h2c = config.listener().h2c();
        this.metrics = metrics;
    }

    @Override
    public void customizeHttpServer(HttpServerOptions options) {
        options.setHttp2ClearTextEnabled(h2c);
    }

    @Override
    public void customizeHttpsServer(HttpServerOptions options) {
        // Quarkus sets JDK engine options (pooled heap buffers); keep them, count on top. With another
        // engine (OpenSSL) nothing is counted rather than the engine changed.
        if (options.getSslEngineOptions() == null || options.getSslEngineOptions() instanceof JdkSSLEngineOptions) {
            JdkSSLEngineOptions base = options.getSslEngineOptions() == null
                    ? new JdkSSLEngineOptions() : (JdkSSLEngineOptions) options.getSslEngineOptions();
            options.setSslEngineOptions(new HandshakeCountingEngineOptions(base, metrics::tlsHandshakeFailure));
        }
    }
}
