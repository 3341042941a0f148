package dev.edgeproxy.listener;

import io.vertx.core.Vertx;
import io.vertx.core.net.KeyCertOptions;

import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * The HTTPS listener's certificates, replaceable while it serves: {@link #install} puts new key material in force for
 * the next handshakes, without rebuilding the server's TLS contexts.
 *
 * <p>Why not {@code HttpServer.updateSSLOptions} (what Quarkus' {@code quarkus.tls.reload-period} does): in Vert.x 4.5
 * it swaps the server's TLS context provider for a future that is still pending while the new one is built, and a
 * connection accepted in that window fails with a NullPointerException and is closed. Here the contexts stay; their
 * key managers ask for the material in force at each handshake.
 *
 * <p>Each alias handed to the TLS engine carries the generation of the material it was chosen from, so a handshake
 * that straddles an {@link #install} still gets certificate and key from the same generation.
 */
final class RotatingKeyCertOptions implements KeyCertOptions {

    /** How many SNI names' key managers one generation keeps. */
    static final int MAX_NAMES = 256;

    /** One generation of key material: the default key manager and, under SNI, one per server name. */
    private record Material(long generation, X509ExtendedKeyManager defaults, Function<String, KeyManagerFactory> byName,
            Map<String, Optional<X509ExtendedKeyManager>> named) {

        /**
         * The key manager for an SNI name. Only names a certificate covers are kept, and at most {@link #MAX_NAMES} of
         * them: a client's made-up names, or the endless names under a wildcard certificate, must not grow the map.
         */
        X509ExtendedKeyManager forName(String serverName) {
            if (serverName == null || byName == null) {
                return defaults;
            }
            Optional<X509ExtendedKeyManager> known = named.get(serverName);
            if (known != null) {
                return known.orElse(defaults);
            }
            X509ExtendedKeyManager found;
            try {
                KeyManagerFactory f = byName.apply(serverName);
                found = f == null ? null : x509(f);
            } catch (RuntimeException e) {
                found = null;
            }
            if (found == null) {
                return defaults;
            }
            if (named.size() < MAX_NAMES) {
                named.put(serverName, Optional.of(found));
            }
            return found;
        }
    }

    private final Vertx vertx;
    private volatile Material current;
    /** The generation before {@link #current}, for handshakes that chose their alias just before an install. */
    private volatile Material previous;

    RotatingKeyCertOptions(Vertx vertx, KeyCertOptions initial) throws Exception {
        this.vertx = vertx;
        this.current = material(0, initial);
    }

    /** Puts {@code options} in force for the handshakes that start from now on. */
    synchronized void install(KeyCertOptions options) throws Exception {
        Material next = material(current.generation() + 1, options);
        previous = current;
        current = next;
    }

    private Material material(long generation, KeyCertOptions options) throws Exception {
        X509ExtendedKeyManager defaults = x509(options.getKeyManagerFactory(vertx));
        if (defaults == null) {
            throw new IllegalArgumentException("no X.509 key manager in " + options.getClass().getSimpleName());
        }
        return new Material(generation, defaults, options.keyManagerFactoryMapper(vertx), new ConcurrentHashMap<>());
    }

    private static X509ExtendedKeyManager x509(KeyManagerFactory factory) {
        for (KeyManager m : factory.getKeyManagers()) {
            if (m instanceof X509ExtendedKeyManager x) {
                return x;
            }
        }
        return null;
    }

    @Override
    public KeyCertOptions copy() {
        // Vert.x copies options before use; every copy must see the same rotation.
        return this;
    }

    @Override
    public KeyManagerFactory getKeyManagerFactory(Vertx vertx) throws Exception {
        return KeyCertOptions.wrap(new Rotating(null)).getKeyManagerFactory(vertx);
    }

    @Override
    public Function<String, KeyManagerFactory> keyManagerFactoryMapper(Vertx vertx) {
        // Vert.x keeps one TLS context per server name that maps to a factory, and uses the default one for the rest:
        // only names some certificate has get a context (a client's made-up names must not grow that cache).
        return serverName -> {
            Material m = current;
            if (m.forName(serverName) == m.defaults()) {
                return null;
            }
            try {
                return KeyCertOptions.wrap(new Rotating(serverName)).getKeyManagerFactory(vertx);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        };
    }

    /** The key manager the TLS engine holds: delegates to the material in force, alias tagged with its generation. */
    private final class Rotating extends X509ExtendedKeyManager {

        private final String serverName;

        Rotating(String serverName) {
            this.serverName = serverName;
        }

        private String tag(Material m, String alias) {
            return alias == null ? null : m.generation() + ":" + alias;
        }

        private Material of(String tagged) {
            int colon = tagged == null ? -1 : tagged.indexOf(':');
            if (colon < 0) {
                return current;
            }
            long generation;
            try {
                generation = Long.parseLong(tagged.substring(0, colon));
            } catch (NumberFormatException e) {
                return current;
            }
            Material c = current;
            Material p = previous;
            return p != null && p.generation() == generation ? p : c;
        }

        private static String untag(String tagged) {
            int colon = tagged == null ? -1 : tagged.indexOf(':');
            return colon < 0 ? tagged : tagged.substring(colon + 1);
        }

        @Override
        public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
            Material m = current;
            return tag(m, m.forName(serverName).chooseEngineServerAlias(keyType, issuers, engine));
        }

        @Override
        public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
            Material m = current;
            return tag(m, m.forName(serverName).chooseServerAlias(keyType, issuers, socket));
        }

        @Override
        public String[] getServerAliases(String keyType, Principal[] issuers) {
            Material m = current;
            String[] aliases = m.forName(serverName).getServerAliases(keyType, issuers);
            return aliases == null ? null : Arrays.stream(aliases).map(a -> tag(m, a)).toArray(String[]::new);
        }

        @Override
        public X509Certificate[] getCertificateChain(String alias) {
            return of(alias).forName(serverName).getCertificateChain(untag(alias));
        }

        @Override
        public PrivateKey getPrivateKey(String alias) {
            return of(alias).forName(serverName).getPrivateKey(untag(alias));
        }

        // A server never acts as a TLS client.
        @Override
        public String[] getClientAliases(String keyType, Principal[] issuers) {
            return null;
        }

        @Override
        public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
            return null;
        }

        @Override
        public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
            return null;
        }
    }
}
