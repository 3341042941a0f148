package dev.edgeproxy.listener;

import dev.edgeproxy.config.KeyPairs;
import io.quarkus.tls.TlsConfiguration;
import io.quarkus.tls.TlsConfigurationRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.net.KeyCertOptions;
import org.jboss.logging.Logger;

import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.X509KeyManager;

/**
 * Reads the listener's certificate files again every {@code gateway.listener.certificateReload} (through the TLS
 * registry's default configuration, so every key-store format Quarkus reads works) and, when they changed and each
 * key matches its certificate, puts them in force ({@link RotatingKeyCertOptions}). A Kubernetes Secret update or a
 * cert-manager renewal is thus served from the next handshake on, without a restart and without touching
 * established connections. A pair caught half-way through a non-atomic copy, or files that cannot be read, leave
 * the certificates in force as they are until a later read succeeds.
 */
final class ListenerCertificateRotation {

    private static final Logger LOG = Logger.getLogger(ListenerCertificateRotation.class);

    private final Vertx vertx;
    private final TlsConfiguration tls;
    private final RotatingKeyCertOptions options;
    private String fingerprint;
    private String refused;

    private ListenerCertificateRotation(Vertx vertx, TlsConfiguration tls, RotatingKeyCertOptions options) {
        this.vertx = vertx;
        this.tls = tls;
        this.options = options;
        this.fingerprint = fingerprint(tls.getKeyStore());
    }

    /**
     * Wraps the listener's key material so it can rotate, and starts reading the files every {@code period}.
     *
     * @return the options to give the HTTPS server instead of {@code initial}
     */
    static KeyCertOptions start(Vertx vertx, TlsConfigurationRegistry registry, KeyCertOptions initial, Duration period)
            throws Exception {
        RotatingKeyCertOptions rotating = new RotatingKeyCertOptions(vertx, initial);
        TlsConfiguration tls = registry == null ? null : registry.getDefault().orElse(null);
        if (tls == null || tls.getKeyStoreOptions() == null || period.isZero()) {
            // Certificates from elsewhere (quarkus.http.ssl.*), or rotation switched off: served as read at startup.
            return rotating;
        }
        ListenerCertificateRotation rotation = new ListenerCertificateRotation(vertx, tls, rotating);
        vertx.setPeriodic(Math.max(1, period.toMillis()),
                id -> vertx.executeBlocking(() -> {
                    rotation.check();
                    return null;
                }, false));
        return rotating;
    }

    /** One read of the files; blocking (file system), on a worker thread, one at a time. */
    synchronized void check() {
        if (!tls.reload()) {
            return; // unreadable now (a swap in progress, a missing file): keep serving what is in force
        }
        String now = fingerprint(tls.getKeyStore());
        if (now.equals(fingerprint)) {
            return;
        }
        try {
            KeyCertOptions fresh = tls.getKeyStoreOptions();
            String problem = mismatch(fresh);
            if (problem != null) {
                if (!now.equals(refused)) {
                    LOG.warnf("listener certificates not reloaded: %s; the ones in force stay until the files are "
                            + "consistent", problem);
                    refused = now;
                }
                return;
            }
            options.install(fresh);
            fingerprint = now;
            refused = null;
            LOG.infof("listener certificates reloaded, now serving: %s", String.join("; ", describe(tls.getKeyStore())));
        } catch (Exception e) {
            LOG.warnf("listener certificates not reloaded: %s", e.toString());
        }
    }

    private String mismatch(KeyCertOptions fresh) throws Exception {
        X509KeyManager km = null;
        for (KeyManager m : fresh.getKeyManagerFactory(vertx).getKeyManagers()) {
            if (m instanceof X509KeyManager x) {
                km = x;
            }
        }
        KeyStore store = tls.getKeyStore();
        if (km == null || store == null) {
            return "no key material";
        }
        for (String alias : Collections.list(store.aliases())) {
            PrivateKey key = km.getPrivateKey(alias);
            X509Certificate[] chain = km.getCertificateChain(alias);
            if (key == null || chain == null || chain.length == 0) {
                continue;
            }
            String problem = KeyPairs.mismatch(key, chain[0].getPublicKey());
            if (problem != null) {
                return "the key of " + chain[0].getSubjectX500Principal().getName() + " " + problem;
            }
        }
        return null;
    }

    /** Identifies the certificates and keys read, to see whether anything changed. */
    static String fingerprint(KeyStore store) {
        if (store == null) {
            return "";
        }
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            List<String> aliases = new ArrayList<>(Collections.list(store.aliases()));
            Collections.sort(aliases);
            for (String alias : aliases) {
                sha.update(alias.getBytes(java.nio.charset.StandardCharsets.UTF_8));
                Certificate[] chain = store.getCertificateChain(alias);
                if (chain != null) {
                    for (Certificate c : chain) {
                        sha.update(c.getEncoded());
                    }
                } else if (store.getCertificate(alias) != null) {
                    sha.update(store.getCertificate(alias).getEncoded());
                }
            }
            return HexFormat.of().formatHex(sha.digest());
        } catch (Exception e) {
            return "";
        }
    }

    /** Subject, serial and expiry of each certificate: what the log says, never key material. */
    static List<String> describe(KeyStore store) {
        List<String> out = new ArrayList<>();
        try {
            for (String alias : Collections.list(store.aliases())) {
                if (store.getCertificate(alias) instanceof X509Certificate x) {
                    out.add(x.getSubjectX500Principal().getName() + " serial " + x.getSerialNumber().toString(16)
                            + " until " + x.getNotAfter().toInstant());
                }
            }
        } catch (Exception e) {
            return List.of();
        }
        Collections.sort(out);
        return out;
    }
}
