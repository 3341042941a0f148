package dev.edgeproxy.jwt.jwks;

import dev.edgeproxy.crypto.JwsAlgorithms;
import org.jose4j.json.JsonUtil;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwk.PublicJsonWebKey;
import org.jose4j.lang.JoseException;

import java.io.ByteArrayInputStream;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.cert.CertificateFactory;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.EdECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns a key document — a JWKS, a single JWK, or PEM public keys / certificates — into verification
 * keys, refusing anything that must never verify a token: symmetric ({@code oct}) keys, private key
 * material, RSA keys under 2048 bits, and algorithms outside the accepted set.
 *
 * <p>Every problem is an {@link IllegalArgumentException} whose message is safe to log (it names the
 * key by {@code kid} or position, never its material).
 */
public final class KeySetParser {

    /** The accepted signature algorithms (docs/reference.md#jwt-authentication); never {@code none} or HMAC. */
    public static final Set<String> ACCEPTED_ALGORITHMS = JwsAlgorithms.ACCEPTED;

    private static final Set<String> RSA_ALGORITHMS = orderedSet("RS256", "RS384", "RS512", "PS256", "PS384", "PS512");
    private static final int MIN_RSA_BITS = 2048;
    private static final Pattern PEM_BLOCK = Pattern.compile(
            "-----BEGIN ([A-Z ]+)-----([A-Za-z0-9+/=\\s]+)-----END \\1-----");

    private KeySetParser() {
    }

    /** A public key and the algorithms it may verify. */
    public record ParsedKey(String kid, PublicKey key, Set<String> algorithms) {
    }

    public static List<ParsedKey> parse(String document) {
        String text = document == null ? "" : document.strip();
        if (text.isEmpty()) {
            throw new IllegalArgumentException("key document is empty");
        }
        List<ParsedKey> keys = text.startsWith("-----BEGIN") ? parsePem(text) : parseJwks(text);
        if (keys.isEmpty()) {
            throw new IllegalArgumentException("key document has no signature verification keys");
        }
        return keys;
    }

    private static List<ParsedKey> parseJwks(String json) {
        List<JsonWebKey> jwks;
        try {
            Map<String, Object> parsed = JsonUtil.parseJson(json);
            if (parsed.containsKey("keys")) {
                jwks = new JsonWebKeySet(json).getJsonWebKeys();
            } else if (parsed.containsKey("kty")) {
                jwks = List.of(JsonWebKey.Factory.newJwk(parsed));
            } else {
                throw new IllegalArgumentException("not a JWKS (no \"keys\" member) nor a JWK nor PEM");
            }
        } catch (JoseException | ClassCastException e) {
            throw new IllegalArgumentException("not valid JWKS JSON or PEM: " + safeMessage(e));
        }
        List<ParsedKey> keys = new ArrayList<>();
        for (int i = 0; i < jwks.size(); i++) {
            JsonWebKey jwk = jwks.get(i);
            String label = jwk.getKeyId() != null ? "key '" + jwk.getKeyId() + "'" : "key #" + i;
            if ("oct".equals(jwk.getKeyType())) {
                throw new IllegalArgumentException(label + " is a symmetric (oct) key; HMAC is never accepted");
            }
            if ("enc".equals(jwk.getUse())) {
                continue; // an encryption key in a shared JWKS is not ours to use
            }
            if (!(jwk instanceof PublicJsonWebKey pub)) {
                throw new IllegalArgumentException(label + " has unsupported key type " + jwk.getKeyType());
            }
            if (pub.getPrivateKey() != null) {
                throw new IllegalArgumentException(label + " contains private key material; publish only public keys");
            }
            keys.add(toKey(label, jwk.getKeyId(), pub.getPublicKey(), jwk.getAlgorithm()));
        }
        return keys;
    }

    private static List<ParsedKey> parsePem(String text) {
        List<ParsedKey> keys = new ArrayList<>();
        Matcher m = PEM_BLOCK.matcher(text);
        int index = 0;
        while (m.find()) {
            String type = m.group(1);
            byte[] der = Base64.getMimeDecoder().decode(m.group(2));
            String label = "PEM block #" + index++;
            PublicKey key = switch (type) {
                case "PUBLIC KEY" -> publicKey(label, der);
                case "CERTIFICATE" -> certificateKey(label, der);
                default -> throw new IllegalArgumentException(label + " is a '" + type
                        + "'; only PUBLIC KEY and CERTIFICATE blocks are accepted");
            };
            keys.add(toKey(label, null, key, null));
        }
        if (keys.isEmpty()) {
            throw new IllegalArgumentException("no PEM block found");
        }
        return keys;
    }

    private static PublicKey publicKey(String label, byte[] der) {
        X509EncodedKeySpec spec = new X509EncodedKeySpec(der);
        for (String algorithm : List.of("RSA", "EC", "Ed25519")) {
            try {
                return KeyFactory.getInstance(algorithm).generatePublic(spec);
            } catch (Exception tryNext) {
                // the DER names its algorithm; only the matching factory accepts it
            }
        }
        throw new IllegalArgumentException(label + " is not an RSA, EC or Ed25519 public key");
    }

    private static PublicKey certificateKey(String label, byte[] der) {
        try {
            return CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(der))
                    .getPublicKey();
        } catch (Exception e) {
            throw new IllegalArgumentException(label + " is not a valid X.509 certificate");
        }
    }

    private static ParsedKey toKey(String label, String kid, PublicKey key, String jwkAlg) {
        Set<String> compatible = compatibleAlgorithms(label, key);
        if (jwkAlg == null) {
            return new ParsedKey(kid, key, compatible);
        }
        if (!compatible.contains(jwkAlg)) {
            throw new IllegalArgumentException(label + " declares alg " + jwkAlg
                    + ", which is not accepted for this key (accepted: " + String.join(", ", compatible) + ")");
        }
        return new ParsedKey(kid, key, Set.of(jwkAlg));
    }

    private static Set<String> compatibleAlgorithms(String label, PublicKey key) {
        if (key instanceof RSAPublicKey rsa) {
            int bits = rsa.getModulus().bitLength();
            if (bits < MIN_RSA_BITS) {
                throw new IllegalArgumentException(label + " is a " + bits + "-bit RSA key; at least "
                        + MIN_RSA_BITS + " bits are required");
            }
            return RSA_ALGORITHMS;
        }
        if (key instanceof ECPublicKey ec) {
            int bits = ec.getParams().getCurve().getField().getFieldSize();
            if (bits == 256) {
                return Set.of("ES256");
            }
            if (bits == 384) {
                return Set.of("ES384");
            }
            throw new IllegalArgumentException(label + " is on a " + bits + "-bit curve; only P-256 and P-384 are accepted");
        }
        if (key instanceof EdECPublicKey ed) {
            if ("Ed25519".equalsIgnoreCase(ed.getParams().getName())) {
                return Set.of("EdDSA");
            }
            throw new IllegalArgumentException(label + " is an " + ed.getParams().getName() + " key; only Ed25519 is accepted");
        }
        throw new IllegalArgumentException(label + " has unsupported key algorithm " + key.getAlgorithm());
    }

    private static Set<String> orderedSet(String... values) {
        return java.util.Collections.unmodifiableSet(new LinkedHashSet<>(List.of(values)));
    }

    private static String safeMessage(Exception e) {
        String message = e.getMessage();
        return message == null ? e.getClass().getSimpleName() : message.lines().findFirst().orElse("");
    }
}
