package dev.edgeproxy.jwt;

import dev.edgeproxy.crypto.SignatureProvider;
import dev.edgeproxy.testing.JwsMinter;
import dev.edgeproxy.testing.TestKeys;
import org.jose4j.jwt.NumericDate;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The direct verification path ({@link VerificationKey#verify}) and the verifier of record, smallrye-jwt's token
 * parser ({@link VerificationKey#verifyBySmallrye}), give the same outcome on every case: every accepted
 * algorithm × right and wrong signer × damaged signatures × header shapes × claim sets (each rule broken
 * alone and several at once, boundary values, wrong JSON types) × provider settings (with and without
 * audiences, with and without leeway). Run under the signature provider edge-proxy installs (ACCP where it
 * loads), so the direct path's provider is the production one.
 */
class VerificationEquivalenceTest {

    private static final String ISSUER = "https://idp.example.test";
    private static final String AUDIENCE = "orders-api";

    private static final KeyPair RSA = TestKeys.rsa2048();
    private static final KeyPair P256 = TestKeys.ecP256();
    private static final KeyPair P384 = TestKeys.ecP384();
    private static final KeyPair ED25519 = TestKeys.ed25519();

    private record Signer(String alg, KeyPair right, KeyPair wrong) {
    }

    private static final List<Signer> SIGNERS = List.of(
            new Signer("RS256", RSA, TestKeys.rsa2048()), new Signer("RS384", RSA, TestKeys.rsa2048()),
            new Signer("RS512", RSA, TestKeys.rsa2048()), new Signer("PS256", RSA, TestKeys.rsa2048()),
            new Signer("PS384", RSA, TestKeys.rsa2048()), new Signer("PS512", RSA, TestKeys.rsa2048()),
            new Signer("ES256", P256, TestKeys.ecP256()), new Signer("ES384", P384, TestKeys.ecP384()),
            new Signer("EdDSA", ED25519, TestKeys.ed25519()));

    @BeforeAll
    static void productionSignatureProvider() {
        SignatureProvider.install("auto");
    }

    /** Claim sets as JSON, times relative to now (seconds): %1$d is now. */
    private static List<String> payloads() {
        long now = NumericDate.now().getValue();
        String iss = "\"iss\":\"" + ISSUER + "\"";
        String aud = "\"aud\":\"" + AUDIENCE + "\"";
        String exp = "\"exp\":" + (now + 300);
        String base = iss + "," + aud + ",\"sub\":\"alice\"";
        List<String> out = new ArrayList<>();
        Consumer<String> add = body -> out.add("{" + body + "}");
        add.accept(base + "," + exp + ",\"iat\":" + now);
        add.accept(base + "," + exp);
        // exp around the leeway (60 s in most providers, 0 in one)
        for (long offset : new long[] {-3600, -62, -58, -2, 2}) {
            add.accept(base + ",\"exp\":" + (now + offset));
        }
        // nbf around the leeway
        for (long offset : new long[] {3600, 62, 58, 2, -2}) {
            add.accept(base + "," + exp + ",\"nbf\":" + (now + offset));
        }
        add.accept(base);
        add.accept(base + ",\"exp\":null");
        add.accept(base + ",\"exp\":\"" + (now + 300) + "\"");
        add.accept(base + ",\"exp\":" + (now + 300) + ".75");
        add.accept(base + ",\"exp\":1e12");
        add.accept(base + ",\"exp\":99999999999999999999999");
        add.accept(base + ",\"exp\":true");
        add.accept(base + "," + exp + ",\"iat\":\"yesterday\"");
        add.accept(base + "," + exp + ",\"iat\":" + (now + 100000));
        add.accept(base + ",\"exp\":" + (now + 300) + ",\"iat\":" + (now + 600));
        add.accept(base + ",\"exp\":" + (now + 300) + ",\"nbf\":" + (now + 600));
        add.accept(base + "," + exp + ",\"nbf\":\"soon\"");
        // issuer
        add.accept(aud + ",\"sub\":\"alice\"," + exp);
        add.accept("\"iss\":\"https://other.example.test\"," + aud + "," + exp);
        add.accept("\"iss\":42," + aud + "," + exp);
        add.accept("\"iss\":null," + aud + "," + exp);
        add.accept("\"iss\":\"" + ISSUER + "/\"," + aud + "," + exp);
        // audience
        add.accept(iss + "," + exp);
        add.accept(iss + ",\"aud\":\"billing\"," + exp);
        add.accept(iss + ",\"aud\":[\"billing\",\"" + AUDIENCE + "\"]," + exp);
        add.accept(iss + ",\"aud\":[\"billing\"]," + exp);
        add.accept(iss + ",\"aud\":[]," + exp);
        add.accept(iss + ",\"aud\":[7,\"" + AUDIENCE + "\"]," + exp);
        add.accept(iss + ",\"aud\":7," + exp);
        add.accept(iss + ",\"aud\":null," + exp);
        add.accept(iss + ",\"aud\":{\"a\":\"" + AUDIENCE + "\"}," + exp);
        // subject and token id: optional, but strings when present
        add.accept(iss + "," + aud + ",\"sub\":42," + exp);
        add.accept(iss + "," + aud + ",\"jti\":[1]," + exp);
        add.accept(iss + "," + aud + ",\"jti\":\"abc\",\"sub\":\"\"," + exp);
        // several rules at once
        add.accept("\"iss\":\"https://other.example.test\",\"aud\":\"billing\",\"exp\":" + (now - 3600));
        add.accept("\"aud\":\"billing\",\"sub\":7");
        add.accept("\"iss\":7,\"aud\":7,\"exp\":\"x\",\"nbf\":" + (now + 3600));
        add.accept("\"iss\":\"https://other.example.test\",\"exp\":" + (now + 300) + ",\"nbf\":" + (now + 3600));
        // claims edge-proxy passes on, whatever their shape
        add.accept(base + "," + exp + ",\"groups\":[\"admins\"],\"scope\":\"a b\",\"n\":{\"x\":[1,2.5,null]}");
        add.accept(base + "," + exp + ",\"groups\":\"admins,ops\"");
        return out;
    }

    /** Header variants: the plain shape the direct path takes, and the shapes it hands to the parser. */
    private static final List<Map<String, Object>> HEADERS = List.of(
            Map.of(),
            Map.of("typ", "JWT"),
            Map.of("typ", "at+jwt", "x-extra", List.of(1, 2)),
            Map.of("crit", List.of("exp"), "exp", 1),
            Map.of("crit", List.of("b64"), "b64", true),
            Map.of("b64", true),
            Map.of("cty", "JWT"),
            Map.of("cty", "json"),
            Map.of("zip", "DEF"));

    private record Settings(String name, Set<String> audiences, Duration skew) {
    }

    private static final List<Settings> SETTINGS = List.of(
            new Settings("audience, 60 s leeway", Set.of(AUDIENCE), Duration.ofSeconds(60)),
            new Settings("no audience, 60 s leeway", Set.of(), Duration.ofSeconds(60)),
            new Settings("audience, no leeway", Set.of(AUDIENCE), Duration.ZERO));

    @Test
    void directPathEqualsTheParserOfRecordOnEveryCase() throws Exception {
        List<String> payloads = payloads();
        int compared = 0;
        Map<AuthFailure, Integer> reasons = new java.util.HashMap<>();
        List<String> differences = new ArrayList<>();
        for (Signer signer : SIGNERS) {
            List<VerificationKey> keys = SETTINGS.stream()
                    .map(s -> new VerificationKey("k", signer.right().getPublic(), Set.of(signer.alg()), ISSUER,
                            s.audiences(), s.skew()))
                    .toList();
            for (int p = 0; p < payloads.size(); p++) {
                String payload = payloads.get(p);
                // Every claim set under the plain headers; the other header shapes and the damaged
                // signatures with the first claim sets (they are about the signature, not the claims).
                boolean full = p < 3;
                for (Map<String, Object> header : full ? HEADERS : HEADERS.subList(0, 2)) {
                    List<String> tokens = variants(signer, header, payload);
                    for (String token : full ? tokens : tokens.subList(0, 2)) {
                        DecodedToken decoded;
                        try {
                            decoded = DecodedToken.decode(token);
                        } catch (TokenRejected malformed) {
                            continue; // both paths start from a decoded token
                        }
                        for (int i = 0; i < keys.size(); i++) {
                            VerificationKey key = keys.get(i);
                            String direct = outcome(() -> key.verify(decoded), reasons);
                            String parser = outcome(() -> key.verifyBySmallrye(token), null);
                            compared++;
                            if (!direct.equals(parser) && !edDsaTrailingBytes(signer, token, direct, parser)) {
                                differences.add(signer.alg() + " " + SETTINGS.get(i).name() + " header " + header
                                        + " payload " + payload + ": direct " + direct + ", parser " + parser);
                            }
                        }
                    }
                }
            }
        }
        assertEquals(List.of(), differences, differences.size() + " of " + compared + " cases differ");
        // The table is not vacuous: it accepts, and it reaches every claim rule and the signature check.
        assertTrue(compared > 5000, "compared " + compared);
        for (AuthFailure reason : List.of(AuthFailure.BAD_SIGNATURE, AuthFailure.EXPIRED, AuthFailure.NOT_YET_VALID,
                AuthFailure.MISSING_EXPIRY, AuthFailure.WRONG_ISSUER, AuthFailure.WRONG_AUDIENCE,
                AuthFailure.MALFORMED, AuthFailure.INVALID_CLAIMS)) {
            assertTrue(reasons.getOrDefault(reason, 0) > 0, "no case ended in " + reason + ": " + reasons);
        }
        assertTrue(reasons.getOrDefault(null, 0) > 0, "no case was accepted: " + reasons);
    }

    /**
     * The one difference allowed, and it is the direct path being stricter: an EdDSA signature longer than the
     * curve's (RFC 8032: 64 bytes for Ed25519) is refused, where the JDK's EdDSA, which smallrye-jwt uses by
     * default, ignores what follows the first 64 bytes; a token could otherwise be respelled and still verify.
     */
    private static boolean edDsaTrailingBytes(Signer signer, String token, String direct, String parser) {
        int length = Base64.getUrlDecoder().decode(token.substring(token.lastIndexOf('.') + 1)).length;
        // The parser got past the signature: accepted, or refused for a claim.
        return signer.alg().equals("EdDSA") && length > 64 && direct.equals("BAD_SIGNATURE")
                && !parser.equals("BAD_SIGNATURE");
    }

    /** The token signed by the right key, by the wrong key, and with damaged signatures. */
    private static List<String> variants(Signer signer, Map<String, Object> header, String payload) {
        String good = sign(signer.alg(), signer.right(), header, payload);
        String foreign = sign(signer.alg(), signer.wrong(), header, payload);
        int dot = good.lastIndexOf('.');
        byte[] signature = Base64.getUrlDecoder().decode(good.substring(dot + 1));
        byte[] shorter = java.util.Arrays.copyOf(signature, signature.length - 1);
        byte[] longer = java.util.Arrays.copyOf(signature, signature.length + 1);
        byte[] flipped = signature.clone();
        flipped[0] ^= 0x40;
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        String input = good.substring(0, dot + 1);
        return List.of(good, foreign, input + b64.encodeToString(shorter), input + b64.encodeToString(longer),
                input + b64.encodeToString(flipped), input);
    }

    /** Signed by the header's final {@code alg}: a row's own {@code alg} member replaces the signer's. */
    private static String sign(String alg, KeyPair pair, Map<String, Object> header, String payload) {
        return JwsMinter.sign(pair.getPrivate(), alg, "k", header, payload);
    }

    private interface Check {
        void run() throws TokenRejected;
    }

    private static String outcome(Check check, Map<AuthFailure, Integer> tally) {
        AuthFailure reason = null;
        String text;
        try {
            check.run();
            text = "accepted";
        } catch (TokenRejected rejected) {
            reason = rejected.reason();
            text = reason.name();
        } catch (RuntimeException e) {
            text = "threw " + e.getClass().getName();
        }
        if (tally != null) {
            tally.merge(reason, 1, Integer::sum);
        }
        return text;
    }
}
