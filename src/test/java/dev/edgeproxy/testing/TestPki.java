package dev.edgeproxy.testing;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A test certificate authority made in the test (BouncyCastle): a CA certificate and the server and client
 * certificates it signs, EC P-256, written as PEM files the proxy reads like any others.
 */
public final class TestPki {

    private static final AtomicLong SERIAL = new AtomicLong(System.nanoTime());

    /** A certificate with its key pair. */
    public record Issued(X509Certificate certificate, KeyPair keys) {

        public String certPem() {
            return pem(certificate);
        }

        /** PKCS#8 ({@code BEGIN PRIVATE KEY}), the form Vert.x and Quarkus read for every key type. */
        public String keyPem() {
            return "-----BEGIN PRIVATE KEY-----\n"
                    + java.util.Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(keys.getPrivate().getEncoded())
                    + "\n-----END PRIVATE KEY-----\n";
        }

        public String subject() {
            return certificate.getSubjectX500Principal().getName();
        }

        /** Writes {@code <name>.crt} and {@code <name>.key} into {@code dir}; returns the certificate file. */
        public Path write(Path dir, String name) {
            try {
                Files.createDirectories(dir);
                Files.writeString(dir.resolve(name + ".key"), keyPem());
                return Files.writeString(dir.resolve(name + ".crt"), certPem());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private final Issued ca;

    private TestPki(Issued ca) {
        this.ca = ca;
    }

    /** A new CA named {@code CN=<name>}. */
    public static TestPki create(String name) {
        KeyPair keys = ecKeys();
        X500Name subject = name("CN=" + name);
        try {
            X509v3CertificateBuilder builder = builder(subject, subject, keys);
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            return new TestPki(new Issued(sign(builder, keys), keys));
        } catch (IOException | GeneralSecurityException | org.bouncycastle.operator.OperatorCreationException e) {
            throw new IllegalStateException(e);
        }
    }

    public Issued ca() {
        return ca;
    }

    /** A server certificate for {@code dnsNames} (the first one is also the CN). */
    public Issued server(String... dnsNames) {
        return issue("CN=" + dnsNames[0] + ",O=edge-proxy test", List.of(dnsNames), List.of());
    }

    /** A client certificate for {@code subject} ({@code CN=...}) with optional URI SANs (SPIFFE IDs). */
    public Issued client(String subject, String... uris) {
        return issue(subject, List.of(), List.of(uris));
    }

    private Issued issue(String subject, List<String> dnsNames, List<String> uris) {
        KeyPair keys = ecKeys();
        try {
            X509v3CertificateBuilder builder = builder(
                    X500Name.getInstance(ca.certificate().getSubjectX500Principal().getEncoded()), name(subject), keys);
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            List<GeneralName> names = new ArrayList<>();
            dnsNames.forEach(n -> names.add(new GeneralName(GeneralName.dNSName, n)));
            uris.forEach(u -> names.add(new GeneralName(GeneralName.uniformResourceIdentifier, u)));
            if (!names.isEmpty()) {
                builder.addExtension(Extension.subjectAlternativeName, false,
                        new GeneralNames(names.toArray(GeneralName[]::new)));
            }
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
            return new Issued(sign(builder, ca.keys()), keys);
        } catch (IOException | GeneralSecurityException | org.bouncycastle.operator.OperatorCreationException e) {
            throw new IllegalStateException(e);
        }
    }

    /** As the JDK writes it: {@code CN=a,O=b} reads back as {@code CN=a,O=b} (BouncyCastle's own order is reversed). */
    private static X500Name name(String rfc2253) {
        return X500Name.getInstance(new javax.security.auth.x500.X500Principal(rfc2253).getEncoded());
    }

    private static X509v3CertificateBuilder builder(X500Name issuer, X500Name subject, KeyPair keys) {
        Instant now = Instant.now();
        return new JcaX509v3CertificateBuilder(issuer, BigInteger.valueOf(SERIAL.incrementAndGet()),
                Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(Duration.ofDays(2))), subject,
                keys.getPublic());
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, KeyPair signer)
            throws GeneralSecurityException, org.bouncycastle.operator.OperatorCreationException {
        return new JcaX509CertificateConverter().getCertificate(
                builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(signer.getPrivate())));
    }

    private static KeyPair ecKeys() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String pem(Object object) {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
            writer.writeObject(object);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }
}
