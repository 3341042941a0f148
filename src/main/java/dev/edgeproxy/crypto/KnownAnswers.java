package dev.edgeproxy.crypto;

import org.jose4j.jca.ProviderContext;
import org.jose4j.jwa.AlgorithmFactoryFactory;
import org.jose4j.jws.JsonWebSignatureAlgorithm;
import org.jose4j.lang.JoseException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.List;

/**
 * Known-answer checks of a signature provider, run once before it is trusted with tokens: one JWS per key
 * type that edge-proxy verifies, signed offline with the JDK's providers. Each must verify through the
 * provider, the way {@code jwt.VerificationKey} calls it (jose4j's algorithm with a {@link ProviderContext}
 * naming the provider), and must stop verifying once one bit of its signature is flipped.
 *
 * <p>Why not ACCP's own self-tests: they include HMAC tests through a throw-away JCE provider, which the
 * native image refuses (a JCE provider must be known when the image is built), so they fail there for a
 * reason that has nothing to do with signatures. These checks cover exactly what edge-proxy uses.
 */
final class KnownAnswers {

    private record KnownAnswer(String alg, String keyType, String publicKey, String jws) {
    }

    private static final List<KnownAnswer> ANSWERS = List.of(
            new KnownAnswer("RS256", "RSA",
                "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAt5oiAGKcVrJFtqpr4b1tgCjmd0lpYn8PGYhtDaLw9py2VbYzErYo8GV4" +
                "Ywap0VgP6i8/vSbQ9ahzpDy4c0xnzWlHLAgbOQuv9nyYWncsLrc492zh8AMTwcFiGPuGWgD9iEg6lPO0KGiJQJZmHSNp4CEewOno" +
                "Omb1CLJ/muezlUxXFGNOpHDQSQbI/UKm5o2zk3BONGxBj5HPsZZ0SXE8wjGhQ+VwxTbDXpMclWdGYsGQOZFRLJNiFHzCwcH4wE++" +
                "brwqcpZadhU4kuNN3ckDkC9aL8coMHH0zEfOMQLGSwtSvLtdcwi5e27PDPZaS5u2wezZljZg48f2jkg8ovH7QwIDAQAB",
                "eyJhbGciOiJSUzI1NiJ9.ZWRnZS1wcm94eSBzaWduYXR1cmUgcHJvdmlkZXIgY2hlY2s.VVnaRSuA_Wnvv7JCNrZB6VI77J-7ACG" +
                "Vuf04CFlnuiCXxp7q3XtoegZCT0C7e45Voy3si5G_GFoJP4uyBhhJC1GWf95Ps38Vg_pF7H6rbAjJwE6rvYr6_I98S7pOO5Uj3_U" +
                "989gM0BgB_ti5D6OrHDo2nrSsr8R8WykhXZuzt4Kk-KKfpXfRQCTQJB7TS7IV3tXHj6FjB-f5hlfIrVbQIhwL3MMotXxqgMmAhCX" +
                "IVMkz8pQmapk5sf_CqfDzHd1gyvi25VNpAEaAtRJRmoMg5g84Wni4puniwnasGrNffX1y9R-927YGXCzhVF0NFCx7FUQNiptJqmx" +
                "sSjmi85Txrg"),
            new KnownAnswer("PS256", "RSA",
                "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAt5oiAGKcVrJFtqpr4b1tgCjmd0lpYn8PGYhtDaLw9py2VbYzErYo8GV4" +
                "Ywap0VgP6i8/vSbQ9ahzpDy4c0xnzWlHLAgbOQuv9nyYWncsLrc492zh8AMTwcFiGPuGWgD9iEg6lPO0KGiJQJZmHSNp4CEewOno" +
                "Omb1CLJ/muezlUxXFGNOpHDQSQbI/UKm5o2zk3BONGxBj5HPsZZ0SXE8wjGhQ+VwxTbDXpMclWdGYsGQOZFRLJNiFHzCwcH4wE++" +
                "brwqcpZadhU4kuNN3ckDkC9aL8coMHH0zEfOMQLGSwtSvLtdcwi5e27PDPZaS5u2wezZljZg48f2jkg8ovH7QwIDAQAB",
                "eyJhbGciOiJQUzI1NiJ9.ZWRnZS1wcm94eSBzaWduYXR1cmUgcHJvdmlkZXIgY2hlY2s.BazODV8jKtZGXcnW0lEVoqUf-41XznG" +
                "3QSEb6I9NZdAW2VNcbfGo11N8mIHUW4AaHzrk1nXzwPINaG1X842EP9DLIXhOUegZA7RXjXX0O_GZDWSu6RyXpZmSv09BwHk3qhl" +
                "CzZb1QWxK-5tZJxIgS-fmoB4SCFfAbdUawzpB7DJBvjlY6iH7IHyUmfZ_70ZJ0Qra9nkyMH3RlqR-JTJOFsigEM-9lvlNme7QtU5" +
                "A5bD4GSokNwzV-Em1FBGoFm8TAafJNFnz9FzZgPcBzQOVKZuqfjLnTcocaADMKDWzajUf7ThUbdj1hq7HrfJIkzGy4fu6xSmD6PM" +
                "gyKbfa9KZLw"),
            new KnownAnswer("ES256", "EC",
                "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEuq58L3dkTDS1iDMz8BARHmdpHTeSj6ASXibDgGm18jV+wX7MCUaV2pZn+Alzq/9l" +
                "xHSV4fWH5KQg75vM/FNUOg==",
                "eyJhbGciOiJFUzI1NiJ9.ZWRnZS1wcm94eSBzaWduYXR1cmUgcHJvdmlkZXIgY2hlY2s.Vu8pRtGuTSMKjy1QWVGqW0hafgXb5rc" +
                "ZWwRPi9Cazej_A54b-4gUbUd_CK7sDsiyaP7B4mj5atYMGRMkyecNFg"),
            new KnownAnswer("EdDSA", "Ed25519",
                "MCowBQYDK2VwAyEA/mxP/tjYA5RyfndZY4XkohtVqSJRbwz8n94YjgVkGYo=",
                "eyJhbGciOiJFZERTQSJ9.ZWRnZS1wcm94eSBzaWduYXR1cmUgcHJvdmlkZXIgY2hlY2s.BARF54q93icGrVi7Z9fVpqsRfoapOhV" +
                "9JSGcWdXfW7iiXrmq3X3ex-lJ06QlHnrd_RJPkSHviwD4VvyVFyLuAg"));

    private KnownAnswers() {
    }

    /**
     * @param context names the provider under test
     * @return {@code null} when every check passed, else what failed
     */
    static String failure(ProviderContext context) {
        for (KnownAnswer answer : ANSWERS) {
            try {
                PublicKey key = KeyFactory.getInstance(answer.keyType())
                        .generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(answer.publicKey())));
                JsonWebSignatureAlgorithm algorithm =
                        AlgorithmFactoryFactory.getInstance().getJwsAlgorithmFactory().getAlgorithm(answer.alg());
                int lastDot = answer.jws().lastIndexOf('.');
                byte[] input = answer.jws().substring(0, lastDot).getBytes(StandardCharsets.US_ASCII);
                byte[] signature = Base64.getUrlDecoder().decode(answer.jws().substring(lastDot + 1));
                if (!algorithm.verifySignature(signature, key, input, context)) {
                    return answer.alg() + ": a valid signature did not verify";
                }
                signature[signature.length / 2] ^= 0x01;
                if (algorithm.verifySignature(signature, key, input, context)) {
                    return answer.alg() + ": a corrupted signature verified";
                }
            } catch (GeneralSecurityException | JoseException | RuntimeException e) {
                return answer.alg() + ": " + e;
            }
        }
        return null;
    }
}
