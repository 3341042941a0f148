package dev.edgeproxy.testing;

import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwk.PublicJsonWebKey;
import org.jose4j.lang.JoseException;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;
import java.util.List;

/**
 * Real key pairs generated in the test and the public key documents (JWKS, JWK, PEM) a gateway would be
 * configured with. Key generation is slow for RSA; callers keep the pairs they need in static fields.
 */
public final class TestKeys {

    private TestKeys() {
    }

    public static KeyPair rsa2048() {
        return rsa(2048);
    }

    public static KeyPair rsa(int bits) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(bits);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    public static KeyPair ecP256() {
        return ec("secp256r1");
    }

    public static KeyPair ecP384() {
        return ec("secp384r1");
    }

    public static KeyPair ecP521() {
        return ec("secp521r1");
    }

    /** @param curve a JCA curve name such as {@code secp256r1} */
    public static KeyPair ec(String curve) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec(curve));
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    public static KeyPair ed25519() {
        return edwards("Ed25519");
    }

    public static KeyPair ed448() {
        return edwards("Ed448");
    }

    private static KeyPair edwards(String algorithm) {
        try {
            return KeyPairGenerator.getInstance(algorithm).generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The public JWK of {@code key}.
     *
     * @param kid the key id, or {@code null} for none
     * @param alg the JWK {@code alg} member, or {@code null} for none
     */
    public static PublicJsonWebKey jwk(PublicKey key, String kid, String alg) {
        try {
            PublicJsonWebKey jwk = PublicJsonWebKey.Factory.newPublicJwk(key);
            jwk.setKeyId(kid);
            jwk.setAlgorithm(alg);
            return jwk;
        } catch (JoseException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A JWKS document holding only the public parts of {@code keys}. */
    public static String jwks(JsonWebKey... keys) {
        return new JsonWebKeySet(List.of(keys)).toJson(JsonWebKey.OutputControlLevel.PUBLIC_ONLY);
    }

    /** A JWKS document with the one public key, under {@code kid}, without an {@code alg}. */
    public static String jwks(PublicKey key, String kid) {
        return jwks(jwk(key, kid, null));
    }

    /** The key as a PEM {@code PUBLIC KEY} block (X.509 SubjectPublicKeyInfo). */
    public static String pem(PublicKey key) {
        return pem("PUBLIC KEY", key.getEncoded());
    }

    public static String pem(String type, byte[] der) {
        String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
        return "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n";
    }
}
