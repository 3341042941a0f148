package dev.edgeproxy.compile;

import dev.edgeproxy.config.KeyPairs;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads PEM certificates and private keys the way the origin clients will use them, so that a file that
 * cannot work is refused when the configuration is compiled, not on the first request. Messages never
 * contain key material.
 */
final class Pem {

    private static final Pattern BLOCK = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]+)-----\\s*([A-Za-z0-9+/=\\s]*?)-----END \\1-----");
    /** DER prefix that wraps a PKCS#1 RSA key into PKCS#8 (version 0, rsaEncryption, NULL), lengths patched. */
    private static final byte[] RSA_OID = {0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86,
            (byte) 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00};

    private Pem() {
    }

    /** @throws IllegalArgumentException when the text holds no X.509 certificate, or a broken one */
    static List<X509Certificate> certificates(String pem) {
        List<X509Certificate> out = new ArrayList<>();
        Matcher m = BLOCK.matcher(pem);
        try {
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            while (m.find()) {
                if (m.group(1).equals("CERTIFICATE")) {
                    byte[] der = Base64.getMimeDecoder().decode(m.group(2));
                    out.add((X509Certificate) factory.generateCertificate(new ByteArrayInputStream(der)));
                }
            }
        } catch (CertificateException | IllegalArgumentException e) {
            throw new IllegalArgumentException("not a valid PEM certificate (" + e.getClass().getSimpleName() + ")");
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("contains no PEM certificate (-----BEGIN CERTIFICATE-----)");
        }
        return out;
    }

    /** @throws IllegalArgumentException when the text holds no usable PKCS#8 or PKCS#1 RSA private key */
    static PrivateKey privateKey(String pem) {
        Matcher m = BLOCK.matcher(pem);
        while (m.find()) {
            String type = m.group(1);
            byte[] der;
            try {
                der = Base64.getMimeDecoder().decode(m.group(2));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("is not valid PEM (bad base64)");
            }
            if (type.equals("PRIVATE KEY")) {
                return pkcs8(der, "RSA", "EC", "Ed25519", "Ed448");
            }
            if (type.equals("RSA PRIVATE KEY")) {
                return pkcs8(wrapPkcs1(der), "RSA");
            }
            if (type.equals("ENCRYPTED PRIVATE KEY")) {
                throw new IllegalArgumentException("is encrypted; a key without a passphrase is needed");
            }
            if (type.equals("EC PRIVATE KEY")) {
                throw new IllegalArgumentException("is a SEC1 EC key; convert it to PKCS#8 (openssl pkcs8 -topk8 -nocrypt)");
            }
        }
        throw new IllegalArgumentException("contains no PEM private key (-----BEGIN PRIVATE KEY-----)");
    }

    /** @throws IllegalArgumentException when {@code key} is not the private half of {@code certificate}'s key */
    static void checkPair(PrivateKey key, X509Certificate certificate) {
        if (KeyPairs.mismatch(key, certificate.getPublicKey()) != null) {
            throw new IllegalArgumentException("does not match the certificate's public key ("
                    + certificate.getSubjectX500Principal().getName() + ")");
        }
    }

    private static PrivateKey pkcs8(byte[] der, String... algorithms) {
        for (String algorithm : algorithms) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (GeneralSecurityException e) {
                // try the next algorithm
            }
        }
        throw new IllegalArgumentException("is not a readable private key");
    }

    /** PKCS#8 PrivateKeyInfo around a PKCS#1 RSAPrivateKey: SEQUENCE { 0, algorithm, OCTET STRING { key } }. */
    private static byte[] wrapPkcs1(byte[] pkcs1) {
        byte[] octets = concat(new byte[] {0x04}, length(pkcs1.length), pkcs1);
        byte[] body = concat(new byte[] {0x02, 0x01, 0x00}, RSA_OID, octets);
        return concat(new byte[] {0x30}, length(body.length), body);
    }

    private static byte[] length(int n) {
        if (n < 0x80) {
            return new byte[] {(byte) n};
        }
        if (n < 0x100) {
            return new byte[] {(byte) 0x81, (byte) n};
        }
        if (n < 0x10000) {
            return new byte[] {(byte) 0x82, (byte) (n >> 8), (byte) n};
        }
        return new byte[] {(byte) 0x83, (byte) (n >> 16), (byte) (n >> 8), (byte) n};
    }

    private static byte[] concat(byte[]... parts) {
        int size = 0;
        for (byte[] p : parts) {
            size += p.length;
        }
        byte[] out = new byte[size];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }

    static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.US_ASCII);
    }
}
