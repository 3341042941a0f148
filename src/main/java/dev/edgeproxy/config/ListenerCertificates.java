package dev.edgeproxy.config;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.impl.KeyStoreHelper;
import org.eclipse.microprofile.config.Config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.Key;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The PEM files of the Quarkus TLS registry ({@code quarkus.tls[.<name>].key-store.pem.<n>.cert} and {@code .key},
 * {@code quarkus.tls[.<name>].trust-store.pem.certs}), checked before the listener serves: each file readable, each
 * key the private half of its certificate, each trusted certificate a certificate. Quarkus fails on a file it cannot
 * read without naming the property, and a key that does not match its certificate would otherwise start a listener
 * whose every handshake fails. Checked by startup ({@code EdgeProxyMain}, before Quarkus reads them, and
 * {@code GatewayCompiler}) and {@code --validate-only} alike, each problem naming the property.
 */
public final class ListenerCertificates {

    /** None configured: what a reload carries (it changes routes, not the listener). */
    public static final ListenerCertificates NONE = new ListenerCertificates(List.of(), List.of());

    private static final Pattern PEM_PROPERTY =
            Pattern.compile("quarkus\\.tls\\.(?:([^.]+)\\.)?key-store\\.pem\\.([^.]+)\\.(cert|key)");
    private static final Pattern TRUST_SOURCE =
            Pattern.compile("quarkus\\.tls\\.trust-store\\.(pem\\.certs|p12\\.path|jks\\.path|credentials-provider\\.name)");
    private static final Pattern TRUST_PROPERTY =
            Pattern.compile("quarkus\\.tls\\.(?:([^.]+)\\.)?trust-store\\.pem\\.certs");

    /**
     * One PEM entry: its two properties and the files they name ({@code null} when the property is unset).
     *
     * @param prefix the properties' common prefix, {@code quarkus.tls.key-store.pem.0}
     */
    public record Entry(String prefix, Path cert, Path key) {
    }

    /** One file of a {@code trust-store.pem.certs} list. */
    public record TrustFile(String property, Path file) {
    }

    private static final String RELOAD_PERIOD = "quarkus.tls.reload-period";

    private final List<Entry> keyStores;
    private final List<TrustFile> trustFiles;
    private final boolean trustStore;
    private final boolean quarkusReload;

    private ListenerCertificates(List<Entry> keyStores, List<TrustFile> trustFiles) {
        this(keyStores, trustFiles, !trustFiles.isEmpty(), false);
    }

    private ListenerCertificates(List<Entry> keyStores, List<TrustFile> trustFiles, boolean trustStore,
            boolean quarkusReload) {
        this.keyStores = List.copyOf(keyStores);
        this.trustFiles = List.copyOf(trustFiles);
        this.trustStore = trustStore;
        this.quarkusReload = quarkusReload;
    }

    /** The PEM files configured in {@code config}, in property order. */
    public static ListenerCertificates of(Config config) {
        Map<String, Path[]> entries = new TreeMap<>();
        List<TrustFile> trust = new ArrayList<>();
        boolean trustStore = false;
        boolean trustAll = false;
        boolean quarkusReload = false;
        for (String name : config.getPropertyNames()) {
            // Where a trust store's certificates come from; Quarkus' defaults for other trust-store keys
            // (quarkus.tls.trust-store.certificate-expiration-policy, ...) are present in every application.
            trustStore |= TRUST_SOURCE.matcher(name).matches()
                    && config.getOptionalValue(name, String.class).filter(v -> !v.isBlank()).isPresent();
            trustAll |= name.equals("quarkus.tls.trust-all")
                    && config.getOptionalValue(name, String.class).filter("true"::equalsIgnoreCase).isPresent();
            quarkusReload |= name.equals(RELOAD_PERIOD) && config.getOptionalValue(name, String.class).isPresent();
            Matcher m = PEM_PROPERTY.matcher(name);
            boolean trustList = TRUST_PROPERTY.matcher(name).matches();
            if (!m.matches() && !trustList) {
                continue;
            }
            String value = config.getOptionalValue(name, String.class).orElse(null);
            if (value == null || value.isBlank()) {
                continue;
            }
            if (trustList) {
                for (String file : value.split(",")) {
                    if (!file.isBlank()) {
                        trust.add(new TrustFile(name, Path.of(file.strip())));
                    }
                }
                continue;
            }
            String prefix = name.substring(0, name.lastIndexOf('.'));
            Path[] files = entries.computeIfAbsent(prefix, p -> new Path[2]);
            files[m.group(3).equals("cert") ? 0 : 1] = Path.of(value.strip());
        }
        List<Entry> out = new ArrayList<>();
        entries.forEach((prefix, files) -> out.add(new Entry(prefix, files[0], files[1])));
        trust.sort(java.util.Comparator.comparing(TrustFile::property));
        return new ListenerCertificates(out, trust, trustStore && !trustAll, quarkusReload);
    }

    /**
     * The same settings without the files to check: what a reload compiles with. A reload changes routes, not the
     * listener, and must not be refused because a certificate rotation is half-way through.
     */
    public ListenerCertificates withoutFiles() {
        return new ListenerCertificates(List.of(), List.of(), trustStore, quarkusReload);
    }

    /**
     * Whether the default TLS configuration has a trust store (for client certificates); not with
     * {@code quarkus.tls.trust-all}, which would take any certificate for a verified one.
     */
    public boolean hasTrustStore() {
        return trustStore;
    }

    public List<Entry> keyStores() {
        return keyStores;
    }

    public List<TrustFile> trustFiles() {
        return trustFiles;
    }

    /** Every problem: {@code <property>: <what is wrong>}; empty when all is well. */
    public List<String> problems() {
        List<String> problems = new ArrayList<>();
        if (quarkusReload) {
            // Quarkus would hand every reload to Vert.x's HttpServer.updateSSLOptions, which in Vert.x 4.5 closes the
            // connections accepted while the update runs (even an unchanged one); the gateway rotates without that.
            problems.add(RELOAD_PERIOD + ": not used for the proxy's listener (connections accepted during each "
                    + "Quarkus reload would be dropped); set gateway.listener.certificateReload instead");
        }
        for (TrustFile trust : trustFiles) {
            Buffer content = read(trust.property(), trust.file(), problems);
            if (content != null) {
                try {
                    // Vert.x internal (KeyStoreHelper#loadCA), guarded by dev.edgeproxy.VertxInternalsTest
                    if (KeyStoreHelper.loadCA(java.util.stream.Stream.of(content)).size() == 0) {
                        problems.add(trust.property() + ": no PEM certificate in " + trust.file());
                    }
                } catch (Exception e) {
                    problems.add(trust.property() + ": not a PEM certificate: " + trust.file()
                            + " (" + e.getClass().getSimpleName() + ")");
                }
            }
        }
        for (Entry entry : keyStores) {
            String certProperty = entry.prefix() + ".cert";
            String keyProperty = entry.prefix() + ".key";
            if (entry.cert() == null) {
                problems.add(certProperty + ": missing: " + keyProperty + " is set, its certificate is not");
                continue;
            }
            if (entry.key() == null) {
                problems.add(keyProperty + ": missing: " + certProperty + " is set, its private key is not");
                continue;
            }
            Buffer cert = read(certProperty, entry.cert(), problems);
            Buffer key = read(keyProperty, entry.key(), problems);
            if (cert == null || key == null) {
                continue;
            }
            String mismatch = mismatch(cert, key);
            if (mismatch != null) {
                problems.add(keyProperty + ": " + mismatch + " (" + entry.key() + ", certificate " + entry.cert() + ")");
            }
        }
        return problems;
    }

    private static Buffer read(String property, Path file, List<String> problems) {
        try {
            return Buffer.buffer(Files.readAllBytes(file));
        } catch (NoSuchFileException e) {
            problems.add(property + ": cannot read " + file + ": no such file");
        } catch (IOException | SecurityException e) {
            problems.add(property + ": cannot read " + file + ": " + e.getClass().getSimpleName());
        }
        return null;
    }

    /** Why the key is not the certificate's, or {@code null} when it is. Never says anything of the key's content. */
    private static String mismatch(Buffer cert, Buffer key) {
        PrivateKey privateKey;
        PublicKey publicKey;
        try {
            // Vert.x internal (KeyStoreHelper#loadKeyCert, #DUMMY_PASSWORD), guarded by dev.edgeproxy.VertxInternalsTest
            KeyStore store = KeyStoreHelper.loadKeyCert(List.of(key), List.of(cert));
            String alias = store.aliases().nextElement();
            Key k = store.getKey(alias, KeyStoreHelper.DUMMY_PASSWORD.toCharArray());
            Certificate c = store.getCertificate(alias);
            if (!(k instanceof PrivateKey pk) || c == null) {
                return "not a PEM private key and certificate";
            }
            privateKey = pk;
            publicKey = c.getPublicKey();
        } catch (Exception e) {
            // Parsing messages may quote input; the class name says enough without leaking key material.
            return "not a readable PEM private key with a PEM certificate (" + e.getClass().getSimpleName() + ")";
        }
        return KeyPairs.mismatch(privateKey, publicKey);
    }
}
