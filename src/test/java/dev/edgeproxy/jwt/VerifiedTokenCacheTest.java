package dev.edgeproxy.jwt;

import dev.edgeproxy.jwt.jwks.JwksSource;
import dev.edgeproxy.jwt.jwks.KeySetParser;
import dev.edgeproxy.testing.ManualClock;
import dev.edgeproxy.testing.TestKeys;
import dev.edgeproxy.testing.Tokens;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The verified-token cache: hits, expiry, key generations, the bound, and its segmented-LRU policy
 * (a flood of one-time tokens never pushes out the tokens clients keep using); and that the verifier
 * uses it.
 */
class VerifiedTokenCacheTest {

    private static final KeyPair KEY = TestKeys.rsa2048();
    private static final Map<String, Object> CLAIMS = Map.of("sub", "alice", "exp", 2_000L);
    private static final long NOW = 1_000;

    private static byte[] t(String token) {
        return token.getBytes(StandardCharsets.ISO_8859_1);
    }

    // --- lookups ---------------------------------------------------------------------------------

    @Test
    void hitWithinLifetimeAndGeneration() {
        VerifiedTokenCache cache = new VerifiedTokenCache(10, 60);
        cache.put(t("token"), 1, CLAIMS, NOW);
        assertSame(CLAIMS, cache.get(t("token"), 1, 1_200));
    }

    @Test
    void missForAnotherToken() {
        VerifiedTokenCache cache = new VerifiedTokenCache(10, 60);
        cache.put(t("token"), 1, CLAIMS, NOW);
        assertNull(cache.get(t("token2"), 1, NOW));
    }

    @Test
    void entryNeverOutlivesExpPlusSkew() {
        VerifiedTokenCache cache = new VerifiedTokenCache(10, 60);
        cache.put(t("token"), 1, Map.of("exp", 1_100L), NOW);
        assertEquals(Map.of("exp", 1_100L), cache.get(t("token"), 1, 1_159));
        assertNull(cache.get(t("token"), 1, 1_160));
    }

    @Test
    void entryNeverOutlivesTheMaximumAge() {
        VerifiedTokenCache cache = new VerifiedTokenCache(10, 60);
        cache.put(t("token"), 1, Map.of("exp", 100_000L), NOW);
        assertNull(cache.get(t("token"), 1, NOW + VerifiedTokenCache.MAX_AGE_SECONDS));
    }

    @Test
    void alreadyExpiredTokensAreNotStored() {
        VerifiedTokenCache cache = new VerifiedTokenCache(10, 0);
        cache.put(t("token"), 1, Map.of("exp", NOW), NOW);
        assertEquals(0, cache.size());
    }

    @Test
    void keyChangeInvalidatesEntries() {
        VerifiedTokenCache cache = new VerifiedTokenCache(10, 60);
        cache.put(t("token"), 1, CLAIMS, NOW);
        assertNull(cache.get(t("token"), 2, NOW));
    }

    @Test
    void aTokenVerifiedAgainUnderNewKeysIsServedWithItsNewClaims() {
        VerifiedTokenCache cache = new VerifiedTokenCache(10, 60);
        cache.put(t("token"), 1, CLAIMS, NOW);
        Map<String, Object> again = Map.of("sub", "alice", "exp", 2_000L, "v", 2L);
        cache.put(t("token"), 2, again, NOW);
        assertSame(again, cache.get(t("token"), 2, NOW));
        assertEquals(1, cache.size());
    }

    @Test
    void zeroCapacityCachesNothing() {
        VerifiedTokenCache cache = new VerifiedTokenCache(0, 60);
        cache.put(t("token"), 1, CLAIMS, NOW);
        assertNull(cache.get(t("token"), 1, NOW));
        assertEquals(0, cache.size());
    }

    // --- expired and stale entries are dropped ---------------------------------------------------

    @Test
    void expiredEntriesAreDroppedWhenLookedUp() {
        VerifiedTokenCache cache = new VerifiedTokenCache(10, 0);
        for (int i = 0; i < 10; i++) {
            cache.put(t("token" + i), 1, Map.of("exp", 1_100L), NOW);
        }
        assertEquals(10, cache.size());
        for (int i = 0; i < 10; i++) {
            assertNull(cache.get(t("token" + i), 1, 1_100));
        }
        assertEquals(0, cache.size(), "expired entries no longer take room");
    }

    @Test
    void staleEntriesAreDroppedWhenLookedUp() {
        VerifiedTokenCache cache = new VerifiedTokenCache(10, 60);
        cache.put(t("token"), 1, CLAIMS, NOW);
        assertNull(cache.get(t("token"), 2, NOW));
        assertNull(cache.get(t("token"), 1, NOW), "dropped, not only skipped: its own generation misses too");
    }

    @Test
    void anExpiredEntryIsNeverPromotedEvenIfItWasHit() {
        VerifiedTokenCache cache = new VerifiedTokenCache(10, 0);
        cache.put(t("short-lived"), 1, Map.of("exp", 1_100L), NOW);
        assertNotNull(cache.get(t("short-lived"), 1, 1_050)); // hit while new: would earn promotion
        for (int i = 0; i < 20; i++) {
            cache.put(t("later" + i), 1, CLAIMS, 1_200); // past its exp: eviction meets it
        }
        assertNull(cache.get(t("short-lived"), 1, 1_050), "dropped, not kept in the protected segment");
        assertEquals(10, cache.size());
    }

    @Test
    void expiredProtectedEntriesGiveWayToTheTokensInUseNow() {
        // 10 entries: probation 2, protected 8. Eight tokens earn protection and are used until they expire.
        VerifiedTokenCache cache = new VerifiedTokenCache(10, 0);
        List<String> old = names("old", 8);
        List<String> fresh = names("fresh", 8);
        useRepeatedly(cache, old, Map.of("exp", 1_100L), NOW);
        flood(cache, "flood-a", 20, NOW);
        old.forEach(name -> assertNotNull(cache.get(t(name), 1, 1_050), name + " protected"));
        // After their exp, eight new tokens in use take their place, although the old ones were hit last.
        for (String name : fresh) {
            useRepeatedly(cache, List.of(name), CLAIMS, 1_200);
            flood(cache, name + "-flood", 2, 1_200);
        }
        flood(cache, "flood-b", 20, 1_200);
        fresh.forEach(name -> assertNotNull(cache.get(t(name), 1, 1_200), name + " kept"));
        // Asked at a time before their exp: an entry still stored would answer.
        old.forEach(name -> assertNull(cache.get(t(name), 1, 1_050), name + " dropped"));
    }

    // --- scan resistance -------------------------------------------------------------------------

    @Test
    void tokensInUseSurviveAFloodOfDistinctTokensMuchLargerThanTheCapacity() {
        VerifiedTokenCache cache = new VerifiedTokenCache(1_000, 60);
        List<String> hot = names("hot", 200);
        useRepeatedly(cache, hot, CLAIMS, NOW);
        for (int round = 0; round < 50; round++) {
            flood(cache, "flood" + round + "-", 400, NOW); // 20,000 one-time tokens in all
            hot.forEach(name -> assertNotNull(cache.get(t(name), 1, NOW), name + " still cached"));
        }
        assertTrue(cache.size() <= 1_000);
    }

    @Test
    void tokensUsedBeforeAFloodSurviveItWithoutBeingUsedDuringIt() {
        // A plain LRU or FIFO of 1,000 would have dropped every one of them after 1,000 new tokens.
        VerifiedTokenCache cache = new VerifiedTokenCache(1_000, 60);
        List<String> hot = names("hot", 500);
        useRepeatedly(cache, hot, CLAIMS, NOW);
        flood(cache, "flood", 10_000, NOW);
        hot.forEach(name -> assertNotNull(cache.get(t(name), 1, NOW), name + " still cached"));
    }

    @Test
    void aTokenSeenOnceGoesBeforeATokenSeenTwice() {
        VerifiedTokenCache cache = new VerifiedTokenCache(10, 60);
        cache.put(t("once"), 1, CLAIMS, NOW);
        cache.put(t("twice"), 1, CLAIMS, NOW);
        assertNotNull(cache.get(t("twice"), 1, NOW));
        flood(cache, "flood", 9, NOW);
        assertNull(cache.get(t("once"), 1, NOW));
        assertNotNull(cache.get(t("twice"), 1, NOW));
    }

    @Test
    void whenMoreTokensEarnProtectionThanItHoldsTheOnesStillInUseStay() {
        // Protected holds 8. Sixteen tokens earn it; then only the second eight keep being used.
        VerifiedTokenCache cache = new VerifiedTokenCache(10, 60);
        List<String> first = names("first", 8);
        List<String> second = names("second", 8);
        useRepeatedly(cache, first, CLAIMS, NOW);
        flood(cache, "a", 10, NOW);
        for (String name : second) {
            cache.put(t(name), 1, CLAIMS, NOW);
            cache.get(t(name), 1, NOW);
            flood(cache, name + "-a", 2, NOW);
            second.forEach(s -> cache.get(t(s), 1, NOW));
        }
        flood(cache, "b", 10, NOW);
        second.forEach(name -> assertNotNull(cache.get(t(name), 1, NOW), name + " kept"));
        assertTrue(cache.size() <= 10);
    }

    // --- the bound -------------------------------------------------------------------------------

    @ParameterizedTest(name = "capacity {0}")
    @ValueSource(ints = {1, 2, 3, 5, 10, 64})
    void capacityIsNeverExceeded(int capacity) {
        VerifiedTokenCache cache = new VerifiedTokenCache(capacity, 0);
        Random random = new Random(capacity);
        long now = NOW;
        long generation = 1;
        for (int op = 0; op < 20_000; op++) {
            byte[] token = t("token" + random.nextInt(capacity * 4));
            switch (random.nextInt(10)) {
                case 0 -> now += random.nextInt(30);
                case 1 -> generation += random.nextInt(50) == 0 ? 1 : 0;
                case 2, 3, 4, 5 -> cache.get(token, generation, now);
                default -> cache.put(token, generation, Map.of("exp", now + random.nextInt(200)), now);
            }
            assertTrue(cache.size() <= capacity, () -> "size " + cache.size());
        }
    }

    @Test
    void capacityHoldsUnderConcurrentUse() throws Exception {
        VerifiedTokenCache cache = new VerifiedTokenCache(100, 60);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> workers = new ArrayList<>();
            for (int w = 0; w < 4; w++) {
                int seed = w;
                workers.add(pool.submit(() -> {
                    Random random = new Random(seed);
                    for (int op = 0; op < 50_000; op++) {
                        byte[] token = t("token" + random.nextInt(seed % 2 == 0 ? 50 : 100_000));
                        if (cache.get(token, 1, NOW) == null) {
                            cache.put(token, 1, CLAIMS, NOW);
                        }
                        assertTrue(cache.size() <= 100);
                    }
                }));
            }
            for (Future<?> worker : workers) {
                worker.get();
            }
        } finally {
            pool.shutdown();
        }
        assertTrue(cache.size() <= 100, "size " + cache.size());
    }

    // --- the verifier ----------------------------------------------------------------------------

    @Test
    void verifierAnswersRepeatedTokensFromTheCacheWithTheSameClaims() throws Exception {
        TokenVerifier verifier = TokenVerifier.create(List.of(new TokenVerifier.ProviderSpec("iss", Set.of(),
                JwksSource.fixed(KeySetParser.parse(TestKeys.jwks(KEY.getPublic(), "k"))))), Duration.ofSeconds(60));
        String token = Tokens.sign(KEY.getPrivate(), "RS256", "k", Tokens.claims("iss", "aud"));
        Map<String, Object> first = verifier.verify(token);
        assertSame(first, verifier.verify(token), "second verification came from the cache");
    }

    @Test
    void anEntryDoesNotOutliveTheTokensExpiry() throws Exception {
        ManualClock clock = new ManualClock();
        TokenVerifier verifier = TokenVerifier.create(List.of(new TokenVerifier.ProviderSpec("iss", Set.of(),
                JwksSource.fixed(KeySetParser.parse(TestKeys.jwks(KEY.getPublic(), "k"))))), Duration.ZERO,
                TokenVerifier.CACHE_CAPACITY, clock);
        JwtClaims claims = Tokens.claims("iss", "aud");
        long now = clock.millis() / 1000;
        claims.setIssuedAt(NumericDate.fromSeconds(now - 10));
        // Long enough that smallrye-jwt, on the real clock, still accepts it when the cache has let it go.
        claims.setExpirationTime(NumericDate.fromSeconds(now + 60));
        String token = Tokens.sign(KEY.getPrivate(), "RS256", "k", claims);
        Map<String, Object> first = verifier.verify(token);

        clock.advance(Duration.ofSeconds(59));
        assertSame(first, verifier.verify(token), "before exp the cache answers");
        clock.advance(Duration.ofSeconds(1));
        assertNotSame(first, verifier.verify(token), "at exp the cache has let the entry go: verified again");
    }

    // --- helpers ---------------------------------------------------------------------------------

    private static List<String> names(String prefix, int count) {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            names.add(prefix + i);
        }
        return names;
    }

    /** Each token verified and then sent again, as a client that keeps its token does. */
    private static void useRepeatedly(VerifiedTokenCache cache, List<String> tokens, Map<String, Object> claims, long now) {
        for (String name : tokens) {
            cache.put(t(name), 1, claims, now);
            assertNotNull(cache.get(t(name), 1, now));
        }
    }

    /** Distinct tokens, each verified once and never sent again, as the verifier stores them. */
    private static void flood(VerifiedTokenCache cache, String prefix, int count, long now) {
        for (int i = 0; i < count; i++) {
            byte[] token = t(prefix + i);
            assertNull(cache.get(token, 1, now));
            cache.put(token, 1, CLAIMS, now);
        }
    }
}
