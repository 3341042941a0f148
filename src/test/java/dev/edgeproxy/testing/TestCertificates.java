package dev.edgeproxy.testing;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.PemKeyCertOptions;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import javax.security.auth.x500.X500Principal;

/**
 * A test certificate authority made in the test with BouncyCastle, and the server and client certificates it
 * signs. Keys are EC P-256 (fast to generate); certificates and keys come out as PEM text or PEM files, the
 * form the proxy and the test servers are configured with.
 */
public final class TestCertificates {

    private static final AtomicLong SERIAL = new AtomicLong(System.currentTimeMillis());

    /** A certificate with its key pair. */
    public record Issued(X509Certificate certificate, KeyPair keys) {

        public PrivateKey key() {
            return keys.getPrivate();
        }

        public String subject() {
            return certificate.getSubjectX500Principal().getName();
        }

        public String certificatePem() {
            try {
                return pem("CERTIFICATE", certificate.getEncoded());
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        }

        /** PKCS#8 ({@code BEGIN PRIVATE KEY}), the form Vert.x and Quarkus read for every key type. */
        public String keyPem() {
            return pem("PRIVATE KEY", key().getEncoded());
        }

        /** The pair as Vert.x servers and clients take it. */
        public PemKeyCertOptions keyCertOptions() {
            return new PemKeyCertOptions().setCertValue(Buffer.buffer(certificatePem())).setKeyValue(Buffer.buffer(keyPem()));
        }

        public Path writeCertificate(Path file) {
            return writeAtomically(file, certificatePem());
        }

        public Path writeKey(Path file) {
            return writeAtomically(file, keyPem());
        }

        /** Writes {@code <name>.key} and then {@code <name>.crt} into {@code dir}; returns the certificate file. */
        public Path write(Path dir, String name) {
            writeKey(dir.resolve(name + ".key"));
            return writeCertificate(dir.resolve(name + ".crt"));
        }
    }

    private final Issued ca;

    private TestCertificates(Issued ca) {
        this.ca = ca;
    }

    /** A new self-signed CA named {@code CN=<name>}. */
    public static TestCertificates authority(String name) {
        KeyPair keys = ecKeys();
        X500Name subject = name("CN=" + name);
        try {
            X509v3CertificateBuilder builder = builder(subject, subject, keys);
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            return new TestCertificates(new Issued(sign(builder, keys.getPrivate()), keys));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The CA's own certificate and key. */
    public Issued ca() {
        return ca;
    }

    /**
     * A server certificate for {@code dnsNames} (subject alternative names; no IP address). The subject is
     * {@code CN=<first name>,O=edge-proxy test}.
     */
    public Issued server(String... dnsNames) {
        if (dnsNames.length == 0) {
            throw new IllegalArgumentException("a server certificate needs at least one DNS name");
        }
        return issue("CN=" + dnsNames[0] + ",O=edge-proxy test", KeyPurposeId.id_kp_serverAuth,
                List.of(dnsNames), List.of());
    }

    /**
     * A client certificate (mTLS) for {@code subject}, a whole distinguished name as in {@code CN=a,O=b}, with
     * optional URI subject alternative names (SPIFFE IDs, say).
     */
    public Issued client(String subject, String... uris) {
        return issue(subject, KeyPurposeId.id_kp_clientAuth, List.of(), List.of(uris));
    }

    private Issued issue(String subject, KeyPurposeId purpose, List<String> dnsNames, List<String> uris) {
        KeyPair keys = ecKeys();
        try {
            X500Name issuer = X500Name.getInstance(ca.certificate().getSubjectX500Principal().getEncoded());
            X509v3CertificateBuilder builder = builder(issuer, name(subject), keys);
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
            builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose));
            List<GeneralName> names = new ArrayList<>();
            dnsNames.forEach(n -> names.add(new GeneralName(GeneralName.dNSName, n)));
            uris.forEach(u -> names.add(new GeneralName(GeneralName.uniformResourceIdentifier, u)));
            if (!names.isEmpty()) {
                builder.addExtension(Extension.subjectAlternativeName, false,
                        new GeneralNames(names.toArray(GeneralName[]::new)));
            }
            return new Issued(sign(builder, ca.key()), keys);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The name as the JDK encodes it, so that {@code CN=a,O=b} reads back as {@code CN=a,O=b}
     * (BouncyCastle's own parser would store the parts in the other order).
     */
    private static X500Name name(String rfc2253) {
        return X500Name.getInstance(new X500Principal(rfc2253).getEncoded());
    }

    private static X509v3CertificateBuilder builder(X500Name issuer, X500Name subject, KeyPair keys) {
        Instant now = Instant.now();
        return new JcaX509v3CertificateBuilder(issuer, BigInteger.valueOf(SERIAL.incrementAndGet()),
                Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(Duration.ofDays(2))), subject,
                keys.getPublic());
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey signer) {
        try {
            return new JcaX509CertificateConverter()
                    .getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(signer)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A fresh EC P-256 key pair. */
    public static KeyPair ecKeys() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    /**
     * Writes {@code text} to {@code file} at once (a temporary file beside it, moved over it), as a Secret
     * update would; creates the directory when missing.
     */
    public static Path writeAtomically(Path file, String text) {
        try {
            Path dir = file.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            Path temp = Files.createTempFile(dir, ".pem", ".tmp");
            Files.writeString(temp, text);
            return Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
