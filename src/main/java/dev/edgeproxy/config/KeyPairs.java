package dev.edgeproxy.config;

import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;

/**
 * Whether a private key is the other half of a certificate's public key, proven by signing a random probe and
 * verifying it: the one check behind the listener's certificates (at startup and on rotation) and the upstream
 * client certificates. Its answers never say anything of the key's content.
 */
public final class KeyPairs {

    private KeyPairs() {
    }

    /**
     * Why {@code privateKey} is not the private half of {@code publicKey}, or {@code null} when it is (or when the
     * algorithm is one this check cannot sign with).
     */
    public static String mismatch(PrivateKey privateKey, PublicKey publicKey) {
        if (!privateKey.getAlgorithm().equals(publicKey.getAlgorithm())) {
            return "does not match its certificate (a " + privateKey.getAlgorithm() + " key for a "
                    + publicKey.getAlgorithm() + " certificate)";
        }
        try {
            String algorithm = switch (privateKey.getAlgorithm()) {
                case "RSA" -> "SHA256withRSA";
                case "EC" -> "SHA256withECDSA";
                case "EdDSA" -> "EdDSA"; // the JDK names both curves so, and signs with either
                case "Ed25519" -> "Ed25519";
                case "Ed448" -> "Ed448";
                default -> null;
            };
            if (algorithm == null) {
                return null; // an algorithm we cannot sign with here: left to the handshake
            }
            byte[] probe = new byte[32];
            new SecureRandom().nextBytes(probe);
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(privateKey);
            signer.update(probe);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(publicKey);
            verifier.update(probe);
            return verifier.verify(signature) ? null : "does not match its certificate (another key pair)";
        } catch (GeneralSecurityException e) {
            return "does not match its certificate (" + e.getClass().getSimpleName() + ")";
        }
    }
}
