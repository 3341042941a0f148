package dev.edgeproxy.jwt;

import dev.edgeproxy.error.AuthFailure;
import dev.edgeproxy.testing.TestKeys;
import dev.edgeproxy.testing.Tokens;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;
import org.junit.jupiter.api.Test;

import java.security.KeyPair;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The verified-token cache: hits, expiry, key generations, bounds; and that the verifier uses it. */
class VerifiedTokenCacheTest {

    private static final KeyPair KEY = TestKeys.rsa2048();
    private static final Map<String, Object> CLAIMS = Map.of("sub", "alice", "exp", 2_000L);

    @Test
    void hitWithinLifetimeAndGeneration() {
        VerifiedTokenCache cache = new VerifiedTokenCache(10, 60);
        cache.put("token", 1, CLAIMS, 1_000);
        assertSame(CLAIMS, cache.get("token", 1, 1_200));
    }

    @Test
    void missForAnotherToken() {
        VerifiedTokenCache cache = new VerifiedTokenCache(10, 60);
        cache.put("token", 1, CLAIMS, 1_000);
        assertNull(cache.get("token2", 1, 1_000));
    }

    @Test
    void entryNeverOutlivesExpPlusSkew() {
        VerifiedTokenCache cache = new VerifiedTokenCache(10, 60);
        cache.put("token", 1, Map.of("exp", 1_100L), 1_000);
        assertEquals(Map.of("exp", 1_100L), cache.get("token", 1, 1_159));
        assertNull(cache.get("token", 1, 1_160));
    }

    @Test
    void entryNeverOutlivesTheMaximumAge() {
        VerifiedTokenCache cache = new VerifiedTokenCache(10, 60);
        cache.put("token", 1, Map.of("exp", 100_000L), 1_000);
        assertNull(cache.get("token", 1, 1_000 + VerifiedTokenCache.MAX_AGE_SECONDS));
    }

    @Test
    void keyChangeInvalidatesEntries() {
        VerifiedTokenCache cache = new VerifiedTokenCache(10, 60);
        cache.put("token", 1, CLAIMS, 1_000);
        assertNull(cache.get("token", 2, 1_000));
    }

    @Test
    void staysBounded() {
        VerifiedTokenCache cache = new VerifiedTokenCache(100, 60);
        for (int i = 0; i < 1_000; i++) {
            cache.put("token" + i, 1, CLAIMS, 1_000);
        }
        assertEquals(true, cache.size() <= 100, "size " + cache.size());
    }

    @Test
    void zeroCapacityCachesNothing() {
        VerifiedTokenCache cache = new VerifiedTokenCache(0, 60);
        cache.put("token", 1, CLAIMS, 1_000);
        assertNull(cache.get("token", 1, 1_000));
    }

    @Test
    void verifierAnswersRepeatedTokensFromTheCacheWithTheSameClaims() throws Exception {
        TokenVerifier verifier = TokenVerifier.create(List.of(new TokenVerifier.ProviderSpec("iss", Set.of(),
                KeySetParser.parse(TestKeys.jwks(KEY.getPublic(), "k")))), Duration.ofSeconds(60));
        String token = Tokens.sign(KEY.getPrivate(), "RS256", "k", Tokens.claims("iss", "aud"));
        Map<String, Object> first = verifier.verify(token);
        assertSame(first, verifier.verify(token), "second verification came from the cache");
    }

    @Test
    void anExpiredTokenIsNotServedFromTheCache() throws Exception {
        TokenVerifier verifier = TokenVerifier.create(List.of(new TokenVerifier.ProviderSpec("iss", Set.of(),
                KeySetParser.parse(TestKeys.jwks(KEY.getPublic(), "k")))), Duration.ZERO);
        JwtClaims claims = Tokens.claims("iss", "aud");
        claims.setIssuedAt(NumericDate.fromSeconds(NumericDate.now().getValue() - 10));
        claims.setExpirationTime(NumericDate.fromSeconds(NumericDate.now().getValue() + 2));
        String token = Tokens.sign(KEY.getPrivate(), "RS256", "k", claims);
        verifier.verify(token);
        Thread.sleep(3_100); // past exp: a cached entry would wrongly still answer
        TokenRejected rejected = assertThrows(TokenRejected.class, () -> verifier.verify(token));
        assertEquals(AuthFailure.EXPIRED, rejected.reason());
    }
}
