package dev.edgeproxy.server;

import dev.edgeproxy.config.GatewayConfig;
import io.quarkus.vertx.http.HttpServerOptionsCustomizer;
import io.vertx.core.http.HttpServerOptions;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * The proxy port's listener options that Quarkus has no property for. HTTP/2 in cleartext (h2c, by prior
 * knowledge or by {@code Upgrade}) is off unless {@code gateway.listener.h2c} is set: on an edge, HTTP/2
 * arrives over TLS (ALPN), and an h2c upgrade is one more way for a request to be framed differently by
 * the proxy and whatever sits in front of it.
 */
@ApplicationScoped
public class ListenerOptions implements HttpServerOptionsCustomizer {

    private final boolean h2c;

    public ListenerOptions(GatewayConfig config) {
        this.h2c = config.listener().h2c();
    }

    @Override
    public void customizeHttpServer(HttpServerOptions options) {
        options.setHttp2ClearTextEnabled(h2c);
    }
}
