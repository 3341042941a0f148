package dev.edgeproxy.listener;

import dev.edgeproxy.config.ListenerSettings;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandler;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SniHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.quarkus.tls.TlsConfiguration;
import io.quarkus.tls.TlsConfigurationRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.net.KeyCertOptions;
import io.vertx.core.net.SSLOptions;
import io.vertx.core.net.TrustOptions;
import io.vertx.core.spi.tls.SslContextFactory;
import org.eclipse.microprofile.config.Config;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManagerFactory;

/**
 * The HTTPS listener's TLS for the Netty data path ({@code dev.edgeproxy.datapath}): what {@link ListenerOptions}
 * gives Quarkus' HTTPS server, for a Netty pipeline. The certificates of the TLS registry's default configuration,
 * rotating without a restart ({@link ListenerCertificateRotation}), chosen by SNI when {@code quarkus.tls.key-store.sni}
 * asks for it; the engine of {@code gateway.listener.tlsEngine} ({@link ListenerTlsEngine}), failed handshakes counted
 * ({@link HandshakeCounting}); the registry's protocols and cipher suites; client certificates as
 * {@code gateway.listener.clientAuth} (or Quarkus' build-time {@code quarkus.http.ssl.client-auth}) says, verified
 * against the registry's trust store. ALPN offers {@code http/1.1} only: the Netty path does not serve HTTP/2 yet.
 */
public final class NettyListenerTls {

    private final SslContext defaults;
    private final Function<String, KeyManagerFactory> byName;
    private final Map<String, SslContext> named = new ConcurrentHashMap<>();
    private final Factories factories;
    private final String[] protocols;
    private final String description;

    /** What makes one context: the same engine, trust, ciphers, client authentication; a key manager per name. */
    private record Factories(ListenerTlsEngine.InUse engine, TrustManagerFactory trust, SSLOptions ssl, ClientAuth auth) {
        SslContext create(KeyManagerFactory keys, String serverName) throws Exception {
            SslContextFactory factory = engine.options().sslContextFactory().forClient(false).keyMananagerFactory(keys)
                    .trustManagerFactory(trust).enabledCipherSuites(ssl.getEnabledCipherSuites()).clientAuth(auth)
                    .useAlpn(true).applicationProtocols(List.of("http/1.1"));
            if (serverName != null) {
                factory.serverName(serverName);
            }
            return factory.create();
        }
    }

    private NettyListenerTls(SslContext defaults, Function<String, KeyManagerFactory> byName, Factories factories,
            String[] protocols, String description) {
        this.defaults = defaults;
        this.byName = byName;
        this.factories = factories;
        this.protocols = protocols;
        this.description = description;
    }

    /**
     * @return the listener's TLS, or empty when the TLS registry's default configuration has no key store (no HTTPS)
     * @throws Exception when the certificates cannot be read, or the engine {@code openssl} is required and missing
     */
    public static Optional<NettyListenerTls> of(Vertx vertx, TlsConfigurationRegistry registry, ListenerSettings settings,
            Config config, Runnable onHandshakeFailure) throws Exception {
        TlsConfiguration tls = registry == null ? null : registry.getDefault().orElse(null);
        if (tls == null || tls.getKeyStoreOptions() == null) {
            return Optional.empty();
        }
        KeyCertOptions keys = ListenerCertificateRotation.start(vertx, registry, tls.getKeyStoreOptions(),
                settings.certificateReload());
        TrustOptions trust = tls.getTrustStoreOptions();
        ListenerTlsEngine.InUse engine = ListenerTlsEngine.choose(settings.tlsEngine(), null, onHandshakeFailure);
        Factories factories = new Factories(engine, trust == null ? null : trust.getTrustManagerFactory(vertx),
                tls.getSSLOptions(), clientAuth(settings, config));
        SslContext defaults = factories.create(keys.getKeyManagerFactory(vertx), null);
        String[] protocols = tls.getSSLOptions().getEnabledSecureTransportProtocols().toArray(String[]::new);
        return Optional.of(new NettyListenerTls(defaults, tls.usesSni() ? keys.keyManagerFactoryMapper(vertx) : null,
                factories, protocols, engine.description()));
    }

    /** {@code gateway.listener.clientAuth}; {@code none} leaves what Quarkus was built with. */
    private static ClientAuth clientAuth(ListenerSettings settings, Config config) {
        String setting = settings.clientAuth();
        if (setting.equals("none")) {
            setting = config.getOptionalValue("quarkus.http.ssl.client-auth", String.class).orElse("none")
                    .strip().toLowerCase(Locale.ROOT);
        }
        return switch (setting) {
            case "request" -> ClientAuth.OPTIONAL;
            case "required" -> ClientAuth.REQUIRE;
            default -> ClientAuth.NONE;
        };
    }

    /** Which engine serves TLS, for the startup log. */
    public String description() {
        return description;
    }

    /** The first handler of a new connection: TLS with the default certificate, or the one its SNI name chooses. */
    public ChannelHandler newHandler(ByteBufAllocator alloc) {
        if (byName == null) {
            return configured(defaults.newHandler(alloc));
        }
        return new SniHandler(this::contextFor) {
            @Override
            protected SslHandler newSslHandler(SslContext context, ByteBufAllocator allocator) {
                return configured(super.newSslHandler(context, allocator));
            }
        };
    }

    private SslHandler configured(SslHandler handler) {
        handler.engine().setEnabledProtocols(protocols);
        return handler;
    }

    /**
     * The context for an SNI name: its own certificate when one covers it, else the default. At most {@link
     * RotatingKeyCertOptions#MAX_NAMES} names' contexts are kept: a client's made-up names are not kept at all, and
     * beyond the bound (the endless names under a wildcard certificate) a context is made for the handshake.
     */
    private SslContext contextFor(String serverName) {
        if (serverName == null) {
            return defaults;
        }
        String name = serverName.toLowerCase(Locale.ROOT);
        SslContext known = named.get(name);
        if (known != null) {
            return known;
        }
        KeyManagerFactory keys = byName.apply(name);
        if (keys == null) {
            return defaults;
        }
        try {
            SslContext made = factories.create(keys, name);
            if (named.size() >= RotatingKeyCertOptions.MAX_NAMES) {
                return made;
            }
            SslContext raced = named.putIfAbsent(name, made);
            return raced == null ? made : raced;
        } catch (Exception e) {
            return defaults;
        }
    }
}
