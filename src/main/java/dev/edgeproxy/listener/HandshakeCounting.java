package dev.edgeproxy.listener;

import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.DelegatingSslContext;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.vertx.core.net.JdkSSLEngineOptions;
import io.vertx.core.net.OpenSSLEngineOptions;
import io.vertx.core.spi.tls.SslContextFactory;

import java.util.List;
import java.util.Set;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManagerFactory;

/**
 * The TLS engines of the HTTPS listener, counting failed client handshakes.
 *
 * <p>Why here: Vert.x reports a failed handshake only to the {@code HttpServer}'s exception handler (at TRACE
 * when none is set), and Quarkus owns those servers. Every TLS connection gets its {@link SslHandler} from the
 * {@link SslContext} the engine's factory makes (also after a certificate reload, and per name under SNI), so
 * watching each handler's handshake future sees every failure without logging any.
 */
final class HandshakeCounting {

    private HandshakeCounting() {
    }

    /** The JDK's engine (Quarkus' choice, with its settings kept). */
    static final class Jdk extends JdkSSLEngineOptions {
        private final Runnable onFailure;

        Jdk(JdkSSLEngineOptions base, Runnable onFailure) {
            super(base);
            this.onFailure = onFailure;
        }

        @Override
        public JdkSSLEngineOptions copy() {
            // Vert.x copies the server options before use; a plain copy would lose the counting.
            return new Jdk(this, onFailure);
        }

        @Override
        public SslContextFactory sslContextFactory() {
            return new Factory(super.sslContextFactory(), onFailure);
        }
    }

    /** Netty's OpenSSL engine (BoringSSL from netty-tcnative). */
    static final class OpenSsl extends OpenSSLEngineOptions {
        private final Runnable onFailure;

        OpenSsl(OpenSSLEngineOptions base, Runnable onFailure) {
            super(base);
            this.onFailure = onFailure;
        }

        @Override
        public OpenSSLEngineOptions copy() {
            return new OpenSsl(this, onFailure);
        }

        @Override
        public SslContextFactory sslContextFactory() {
            return new Factory(super.sslContextFactory(), onFailure);
        }
    }

    /** Delegates every setting; wraps the context it creates. */
    private record Factory(SslContextFactory delegate, Runnable onFailure) implements SslContextFactory {

        @Override
        public SslContextFactory useAlpn(boolean useAlpn) {
            delegate.useAlpn(useAlpn);
            return this;
        }

        @Override
        public SslContextFactory clientAuth(ClientAuth clientAuth) {
            delegate.clientAuth(clientAuth);
            return this;
        }

        @Override
        public SslContextFactory forClient(boolean forClient) {
            delegate.forClient(forClient);
            return this;
        }

        @Override
        public SslContextFactory keyMananagerFactory(KeyManagerFactory kmf) {
            delegate.keyMananagerFactory(kmf);
            return this;
        }

        @Override
        public SslContextFactory trustManagerFactory(TrustManagerFactory tmf) {
            delegate.trustManagerFactory(tmf);
            return this;
        }

        @Override
        public SslContextFactory enabledCipherSuites(Set<String> enabledCipherSuites) {
            delegate.enabledCipherSuites(enabledCipherSuites);
            return this;
        }

        @Override
        public SslContextFactory applicationProtocols(List<String> applicationProtocols) {
            delegate.applicationProtocols(applicationProtocols);
            return this;
        }

        @Override
        public SslContextFactory serverName(String serverName) {
            delegate.serverName(serverName);
            return this;
        }

        @Override
        public SslContext create() throws SSLException {
            SslContext context = delegate.create();
            return context.isClient() ? context : new Counting(context, onFailure);
        }
    }

    private static final class Counting extends DelegatingSslContext {

        private final Runnable onFailure;

        Counting(SslContext context, Runnable onFailure) {
            super(context);
            this.onFailure = onFailure;
        }

        @Override
        protected void initEngine(SSLEngine engine) {
            // nothing to change: the engine is configured by Vert.x
        }

        @Override
        protected void initHandler(SslHandler handler) {
            handler.handshakeFuture().addListener(f -> {
                if (!f.isSuccess()) {
                    onFailure.run();
                }
            });
        }
    }
}
