package dev.edgeproxy.jwt;

import dev.edgeproxy.crypto.SignatureProvider;
import dev.edgeproxy.jwt.jwks.JwksSource;
import dev.edgeproxy.jwt.jwks.KeySetParser;
import dev.edgeproxy.testing.JwsMinter;
import dev.edgeproxy.testing.TestKeys;
import dev.edgeproxy.testing.Tokens;
import org.jose4j.base64url.Base64Url;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwt.JwtClaims;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Signature algorithms, key choice, and the claim checks of docs/reference.md#jwt-authentication, below the mode
 * table.
 */
class TokenVerifierTest {

    /** Every case runs under the signature provider edge-proxy installs at startup (ACCP where it loads). */
    @org.junit.jupiter.api.BeforeAll
    static void productionSignatureProvider() {
        SignatureProvider.install("auto");
    }

    private static final String ISSUER = "https://idp.example.test";
    private static final String OTHER_ISSUER = "https://other-idp.example.test";
    private static final String AUDIENCE = "orders-api";
    private static final Duration SKEW = Duration.ofSeconds(60);

    private static final KeyPair RSA = TestKeys.rsa2048();
    private static final KeyPair RSA_2 = TestKeys.rsa2048();
    private static final KeyPair P256 = TestKeys.ecP256();
    private static final KeyPair P384 = TestKeys.ecP384();
    private static final KeyPair ED25519 = TestKeys.ed25519();

    // --- algorithms ---

    static Stream<Arguments> acceptedAlgorithms() {
        return Stream.of(
                Arguments.of("RS256", RSA), Arguments.of("RS384", RSA), Arguments.of("RS512", RSA),
                Arguments.of("PS256", RSA), Arguments.of("PS384", RSA), Arguments.of("PS512", RSA),
                Arguments.of("ES256", P256), Arguments.of("ES384", P384), Arguments.of("EdDSA", ED25519));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("acceptedAlgorithms")
    void everyAcceptedAlgorithmVerifies(String alg, KeyPair pair) throws TokenRejected {
        TokenVerifier verifier = verifier(ISSUER, Set.of(AUDIENCE), TestKeys.jwks(
                TestKeys.jwk(RSA.getPublic(), "rsa", null),
                TestKeys.jwk(P256.getPublic(), "p256", null),
                TestKeys.jwk(P384.getPublic(), "p384", null),
                TestKeys.jwk(ED25519.getPublic(), "ed", null)));
        String kid = pair == RSA ? "rsa" : pair == P256 ? "p256" : pair == P384 ? "p384" : "ed";

        Map<String, Object> claims = verifier.verify(Tokens.sign(pair.getPrivate(), alg, kid, claims()));

        assertEquals("alice", claims.get("sub"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("acceptedAlgorithms")
    void everyAcceptedAlgorithmRejectsAForeignSignature(String alg, KeyPair pair) {
        KeyPair other = pair == RSA ? RSA_2 : pair == P256 ? TestKeys.ecP256()
                : pair == P384 ? TestKeys.ecP384() : TestKeys.ed25519();
        TokenVerifier verifier = verifier(ISSUER, Set.of(AUDIENCE), TestKeys.jwks(pair.getPublic(), "k"));

        assertRejected(AuthFailure.BAD_SIGNATURE, verifier, Tokens.sign(other.getPrivate(), alg, "k", claims()));
    }

    /**
     * One spelling per token: the JDK's EdDSA ignores bytes after the 64-byte signature, so without a length
     * check a byte appended to a valid token would verify too (and pass as a different token).
     */
    @Test
    void edDsaSignatureWithBytesAppendedIsRejected() throws TokenRejected {
        TokenVerifier verifier = verifier(ISSUER, Set.of(AUDIENCE), TestKeys.jwks(ED25519.getPublic(), "k"));
        String token = Tokens.sign(ED25519.getPrivate(), "EdDSA", "k", claims());
        int dot = token.lastIndexOf('.');
        byte[] signature = java.util.Base64.getUrlDecoder().decode(token.substring(dot + 1));
        String longer = token.substring(0, dot + 1) + java.util.Base64.getUrlEncoder().withoutPadding()
                .encodeToString(java.util.Arrays.copyOf(signature, 65));

        assertEquals("alice", verifier.verify(token).get("sub"));
        assertRejected(AuthFailure.BAD_SIGNATURE, verifier, longer);
    }

    @Test
    void keyDeclaringRs256AcceptsRs256Only() throws TokenRejected {
        TokenVerifier verifier = verifier(ISSUER, Set.of(AUDIENCE),
                TestKeys.jwks(TestKeys.jwk(RSA.getPublic(), "k", "RS256")));

        assertEquals("alice", verifier.verify(Tokens.sign(RSA.getPrivate(), "RS256", "k", claims())).get("sub"));
        for (String alg : List.of("RS384", "RS512", "PS256", "PS384", "PS512")) {
            assertRejected(AuthFailure.UNSUPPORTED_ALGORITHM, verifier,
                    Tokens.sign(RSA.getPrivate(), alg, "k", claims()));
        }
    }

    @Test
    void tokenAlgorithmMustSuitTheSelectedKeyType() {
        TokenVerifier verifier = verifier(ISSUER, Set.of(AUDIENCE), TestKeys.jwks(RSA.getPublic(), "k"));

        assertRejected(AuthFailure.UNSUPPORTED_ALGORITHM, verifier, Tokens.sign(P256.getPrivate(), "ES256", "k", claims()));
    }

    @Test
    void algNoneWithASignatureSegmentIsAnUnsupportedAlgorithm() {
        TokenVerifier verifier = verifier(ISSUER, Set.of(AUDIENCE), TestKeys.jwks(RSA.getPublic(), "k"));
        String unsecured = Tokens.algNone("k", claims());

        assertRejected(AuthFailure.UNSUPPORTED_ALGORITHM, verifier, unsecured + "c2lnbmF0dXJl");
    }

    @Test
    void hmacWithThePublicKeyAsSecretIsRejectedWithAndWithoutKid() {
        TokenVerifier verifier = verifier(ISSUER, Set.of(AUDIENCE), TestKeys.jwks(RSA.getPublic(), "k"));

        assertRejected(AuthFailure.UNSUPPORTED_ALGORITHM, verifier, Tokens.hs256WithPublicKey(RSA.getPublic(), "k", claims()));
        assertRejected(AuthFailure.UNSUPPORTED_ALGORITHM, verifier, Tokens.hs256WithPublicKey(RSA.getPublic(), null, claims()));
    }

    // --- key choice ---

    @Test
    void providersPublishingTheSameKidAreEachTried() throws TokenRejected {
        TokenVerifier verifier = TokenVerifier.create(List.of(
                spec(ISSUER, TestKeys.jwks(RSA.getPublic(), "shared")),
                spec(OTHER_ISSUER, TestKeys.jwks(RSA_2.getPublic(), "shared"))), SKEW);

        Map<String, Object> second = verifier.verify(
                Tokens.sign(RSA_2.getPrivate(), "RS256", "shared", Tokens.claims(OTHER_ISSUER, AUDIENCE)));
        Map<String, Object> first = verifier.verify(
                Tokens.sign(RSA.getPrivate(), "RS256", "shared", Tokens.claims(ISSUER, AUDIENCE)));

        assertEquals(OTHER_ISSUER, second.get("iss"));
        assertEquals(ISSUER, first.get("iss"));
    }

    @Test
    void sharedKidDoesNotLetOneProviderVouchForTheOthersIssuer() {
        TokenVerifier verifier = TokenVerifier.create(List.of(
                spec(ISSUER, TestKeys.jwks(RSA.getPublic(), "shared")),
                spec(OTHER_ISSUER, TestKeys.jwks(RSA_2.getPublic(), "shared"))), SKEW);

        TokenRejected rejected = assertThrows(TokenRejected.class, () -> verifier.verify(
                Tokens.sign(RSA_2.getPrivate(), "RS256", "shared", Tokens.claims(ISSUER, AUDIENCE))));

        assertTrue(Set.of(AuthFailure.BAD_SIGNATURE, AuthFailure.WRONG_ISSUER).contains(rejected.reason()),
                rejected.reason().name());
    }

    @Test
    void kidlessTokenIsTriedAgainstTheProviderWhoseIssuerMatches() throws TokenRejected {
        TokenVerifier verifier = TokenVerifier.create(List.of(
                spec(ISSUER, TestKeys.jwks(RSA.getPublic(), "a")),
                spec(OTHER_ISSUER, TestKeys.jwks(RSA_2.getPublic(), "b"))), SKEW);

        Map<String, Object> claims = verifier.verify(
                Tokens.sign(RSA_2.getPrivate(), "RS256", null, Tokens.claims(OTHER_ISSUER, AUDIENCE)));
        assertEquals(OTHER_ISSUER, claims.get("iss"));

        // signed by the second provider's key but claiming the first issuer: only the first's keys are tried
        assertRejected(AuthFailure.BAD_SIGNATURE, verifier,
                Tokens.sign(RSA_2.getPrivate(), "RS256", null, Tokens.claims(ISSUER, AUDIENCE)));
        // no provider has that issuer: there is no key to try
        assertRejected(AuthFailure.UNKNOWN_KEY, verifier,
                Tokens.sign(RSA_2.getPrivate(), "RS256", null, Tokens.claims("https://nobody.test", AUDIENCE)));
    }

    @Test
    void pemPublicKeyDocumentVerifiesTokensWithAndWithoutKid() throws TokenRejected {
        TokenVerifier verifier = TokenVerifier.create(
                List.of(spec(ISSUER, TestKeys.pem(RSA.getPublic()))), SKEW);

        assertEquals("alice", verifier.verify(Tokens.sign(RSA.getPrivate(), "RS256", null, claims())).get("sub"));
        assertEquals("alice", verifier.verify(Tokens.sign(RSA.getPrivate(), "PS256", "any-kid", claims())).get("sub"));
        assertRejected(AuthFailure.BAD_SIGNATURE, verifier, Tokens.sign(RSA_2.getPrivate(), "RS256", null, claims()));
    }

    @Test
    void keyEmbeddedInTheTokenHeaderIsNeverTrusted() throws Exception {
        TokenVerifier verifier = verifier(ISSUER, Set.of(AUDIENCE), TestKeys.jwks(RSA.getPublic(), "k"));
        Map<String, Object> header = new LinkedHashMap<>();
        header.put("jwk", TestKeys.jwk(RSA_2.getPublic(), "k", null).toParams(JsonWebKey.OutputControlLevel.PUBLIC_ONLY));
        header.put("jku", "https://attacker.example.test/jwks.json");
        String token = JwsMinter.sign(RSA_2.getPrivate(), "RS256", "k", header, claims().toJson());

        assertRejected(AuthFailure.BAD_SIGNATURE, verifier, token);
    }

    // --- claims ---

    @Test
    void claimsComeBackAsPlainJavaValuesWithoutNulls() throws TokenRejected {
        long exp = Tokens.secondsFromNow(300).getValue();
        long iat = Tokens.secondsFromNow(0).getValue();
        String payload = """
                {"iss": "%s", "aud": "%s", "exp": %d, "iat": %d, "sub": "alice",
                 "count": 42, "big": 9007199254740993, "ratio": 0.25, "admin": true,
                 "groups": ["admins", "ops"], "address": {"city": "Bern", "zip": 3000, "unit": null},
                 "nickname": null}
                """.formatted(ISSUER, AUDIENCE, exp, iat);
        TokenVerifier verifier = verifier(ISSUER, Set.of(AUDIENCE), TestKeys.jwks(RSA.getPublic(), "k"));

        Map<String, Object> claims = verifier.verify(Tokens.sign(RSA.getPrivate(), "RS256", "k", payload));

        assertEquals("alice", claims.get("sub"));
        assertEquals(Long.valueOf(exp), claims.get("exp"));
        assertEquals(Long.valueOf(42), claims.get("count"));
        assertEquals(Long.valueOf(9007199254740993L), claims.get("big"));
        assertEquals(Double.valueOf(0.25), claims.get("ratio"));
        assertEquals(Boolean.TRUE, claims.get("admin"));
        assertEquals(List.of("admins", "ops"), assertInstanceOf(List.class, claims.get("groups")));
        Map<?, ?> address = assertInstanceOf(Map.class, claims.get("address"));
        assertEquals(Map.of("city", "Bern", "zip", 3000L), address);
        assertFalse(claims.containsKey("nickname"), "a null member is dropped");
        assertFalse(address.containsKey("unit"), "a nested null member is dropped");
        assertThrows(UnsupportedOperationException.class, () -> claims.put("sub", "mallory"));
    }

    @Test
    void audienceMayBeAStringOrAnArray() throws TokenRejected {
        TokenVerifier verifier = verifier(ISSUER, Set.of(AUDIENCE, "admin-api"), TestKeys.jwks(RSA.getPublic(), "k"));
        JwtClaims single = claims();
        single.setAudience(AUDIENCE);
        JwtClaims array = claims();
        array.setAudience("billing-api", "admin-api");

        assertEquals(AUDIENCE, verifier.verify(sign(single)).get("aud"));
        assertEquals(List.of("billing-api", "admin-api"), verifier.verify(sign(array)).get("aud"));
    }

    @Test
    void configuredAudiencesRequireAnOverlappingAud() {
        TokenVerifier verifier = verifier(ISSUER, Set.of(AUDIENCE), TestKeys.jwks(RSA.getPublic(), "k"));
        JwtClaims disjoint = claims();
        disjoint.setAudience("billing-api", "admin-api");

        assertRejected(AuthFailure.WRONG_AUDIENCE, verifier, sign(disjoint));
        assertRejected(AuthFailure.WRONG_AUDIENCE, verifier, sign(Tokens.claims(ISSUER, null)));
    }

    @Test
    void withoutConfiguredAudiencesAnyOrNoAudPasses() throws TokenRejected {
        TokenVerifier verifier = verifier(ISSUER, Set.of(), TestKeys.jwks(RSA.getPublic(), "k"));

        assertEquals("alice", verifier.verify(sign(Tokens.claims(ISSUER, "whatever-api"))).get("sub"));
        assertEquals("alice", verifier.verify(sign(Tokens.claims(ISSUER, null))).get("sub"));
    }

    @Test
    void tokenWithoutExpIsRejectedForMissingExpiry() {
        JwtClaims claims = claims();
        claims.unsetClaim("exp");

        assertRejected(AuthFailure.MISSING_EXPIRY, verifier(), sign(claims));
    }

    @ParameterizedTest(name = "nbf now{0}s")
    @ValueSource(longs = {-30, 0, 30, 55})
    void notBeforeWithinTheClockSkewPasses(long nbfOffset) throws TokenRejected {
        JwtClaims claims = claims();
        claims.setNotBefore(Tokens.secondsFromNow(nbfOffset));

        assertEquals("alice", verifier().verify(sign(claims)).get("sub"));
    }

    @Test
    void expiryWithinTheClockSkewPasses() throws TokenRejected {
        JwtClaims claims = claims();
        claims.setIssuedAt(Tokens.secondsFromNow(-300));
        claims.setExpirationTime(Tokens.secondsFromNow(-30));

        assertEquals("alice", verifier().verify(sign(claims)).get("sub"));
    }

    @Test
    void clockSkewIsConfigurable() {
        TokenVerifier strictClock = TokenVerifier.create(
                List.of(new TokenVerifier.ProviderSpec(ISSUER, Set.of(AUDIENCE),
                        JwksSource.fixed(KeySetParser.parse(TestKeys.jwks(RSA.getPublic(), "k"))))),
                Duration.ofSeconds(5));
        JwtClaims expired = claims();
        expired.setIssuedAt(Tokens.secondsFromNow(-300));
        expired.setExpirationTime(Tokens.secondsFromNow(-30));
        JwtClaims early = claims();
        early.setNotBefore(Tokens.secondsFromNow(30));

        assertRejected(AuthFailure.EXPIRED, strictClock, sign(expired));
        assertRejected(AuthFailure.NOT_YET_VALID, strictClock, sign(early));
    }

    @Test
    void tokenWithoutIatIsAccepted() throws TokenRejected {
        JwtClaims claims = claims();
        claims.unsetClaim("iat");

        assertEquals("alice", verifier().verify(sign(claims)).get("sub"));
    }

    @Test
    void claimsAreThoseOfTheVerifiedTokenNotOfATamperedCopy() {
        String token = sign(claims());
        String[] parts = token.split("\\.");
        String forged = Base64Url.encode(claims().toJson().replace("alice", "admin"), StandardCharsets.UTF_8.name());

        assertRejected(AuthFailure.BAD_SIGNATURE, verifier(), parts[0] + "." + forged + "." + parts[2]);
    }

    // --- helpers ---

    private static JwtClaims claims() {
        return Tokens.claims(ISSUER, AUDIENCE);
    }

    private static String sign(JwtClaims claims) {
        return Tokens.sign(RSA.getPrivate(), "RS256", "k", claims);
    }

    private static TokenVerifier verifier() {
        return verifier(ISSUER, Set.of(AUDIENCE), TestKeys.jwks(RSA.getPublic(), "k"));
    }

    private static TokenVerifier verifier(String issuer, Set<String> audiences, String keyDocument) {
        return TokenVerifier.create(
                List.of(new TokenVerifier.ProviderSpec(issuer, audiences, JwksSource.fixed(KeySetParser.parse(keyDocument)))),
                SKEW);
    }

    private static TokenVerifier.ProviderSpec spec(String issuer, String keyDocument) {
        return new TokenVerifier.ProviderSpec(issuer, Set.of(AUDIENCE),
                JwksSource.fixed(KeySetParser.parse(keyDocument)));
    }

    private static void assertRejected(AuthFailure expected, TokenVerifier verifier, String token) {
        TokenRejected rejected = assertThrows(TokenRejected.class, () -> verifier.verify(token));
        assertEquals(expected, rejected.reason());
    }
}
