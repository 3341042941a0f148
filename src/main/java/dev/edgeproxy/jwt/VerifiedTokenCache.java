package dev.edgeproxy.jwt;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Recently verified tokens and their claims, so that a client that sends the same token again and again
 * costs one hash and one lookup instead of a signature check (as Envoy's {@code jwt_authn} cache does).
 *
 * <ul>
 * <li>Keyed by the SHA-256 of the token: the cache never holds a credential, and no crafted token can
 * collide with a verified one.</li>
 * <li>An entry never outlives the token's {@code exp} (plus the allowed clock skew, which verification
 * also grants) nor {@link #MAX_AGE_SECONDS}.</li>
 * <li>An entry is valid only for the key generation it was verified under: when any provider's keys
 * change, every older entry misses.</li>
 * <li>Bounded: past {@code capacity} entries, expired ones are dropped, and if that is not enough the
 * cache starts over.</li>
 * </ul>
 */
final class VerifiedTokenCache {

    static final long MAX_AGE_SECONDS = 300;

    private final int capacity;
    private final long skewSeconds;
    private final Map<Key, Entry> entries = new ConcurrentHashMap<>();

    /**
     * The JDK's own SHA-256 (provider SUN), not whatever provider ranks first: for a token-sized input the
     * JIT-intrinsified JDK digest beats ACCP's, whose JNI call costs more than it saves (JMH verifyCached
     * RS256: 0.67 µs with the JDK's digest, 1.00 µs with ACCP's).
     */
    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256", "SUN");
        } catch (GeneralSecurityException noSun) {
            try {
                return MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
    });

    VerifiedTokenCache(int capacity, long skewSeconds) {
        this.capacity = capacity;
        this.skewSeconds = skewSeconds;
    }

    /** The claims of {@code token} if it was verified under {@code generation} and has not expired. */
    Map<String, Object> get(String token, long generation, long nowSeconds) {
        if (capacity == 0) {
            return null;
        }
        Entry e = entries.get(key(token));
        if (e == null || e.generation != generation || nowSeconds >= e.validUntil) {
            return null;
        }
        return e.claims;
    }

    void put(String token, long generation, Map<String, Object> claims, long nowSeconds) {
        if (capacity == 0) {
            return;
        }
        long until = nowSeconds + MAX_AGE_SECONDS;
        if (claims.get("exp") instanceof Number exp) {
            until = Math.min(until, exp.longValue() + skewSeconds);
        }
        if (until <= nowSeconds) {
            return;
        }
        if (entries.size() >= capacity) {
            entries.values().removeIf(old -> nowSeconds >= old.validUntil || old.generation != generation);
            if (entries.size() >= capacity) {
                entries.clear();
            }
        }
        entries.put(key(token), new Entry(claims, generation, until));
    }

    int size() {
        return entries.size();
    }

    private static Key key(String token) {
        MessageDigest sha = SHA256.get();
        return new Key(sha.digest(token.getBytes(StandardCharsets.ISO_8859_1)));
    }

    private record Entry(Map<String, Object> claims, long generation, long validUntil) {
    }

    /** A SHA-256 digest with value equality. */
    private record Key(byte[] digest) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && Arrays.equals(digest, k.digest);
        }

        @Override
        public int hashCode() {
            // The digest is uniformly distributed already: its first bytes are a fine hash.
            return (digest[0] & 0xff) << 24 | (digest[1] & 0xff) << 16 | (digest[2] & 0xff) << 8 | (digest[3] & 0xff);
        }
    }
}
