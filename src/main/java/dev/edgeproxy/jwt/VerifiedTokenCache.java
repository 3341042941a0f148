package dev.edgeproxy.jwt;

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
 * <li>Bounded and scan-resistant, a segmented LRU: a new entry goes to the <em>probation</em> segment
 * (a fifth of the capacity, at least one entry); an entry that was hit while there moves to the
 * <em>protected</em> segment when it reaches probation's end instead of being evicted. So a flood of
 * distinct tokens, each seen once, only churns probation, and the tokens that clients keep using stay.
 * The protected segment evicts with a second chance (an entry hit since the last pass goes round once
 * more) and demotes to probation rather than dropping. An expired or stale entry is dropped as soon as a
 * lookup or an eviction meets it, and is never promoted.</li>
 * </ul>
 *
 * <p>Lookups take no lock: one map read, and one volatile write the first time an entry is hit after a
 * pass. Insertions, promotions and removals hold the cache's monitor for a few pointer moves.
 */
final class VerifiedTokenCache {

    static final long MAX_AGE_SECONDS = 300;

    private final int capacity;
    private final int protectedCapacity;
    private final long skewSeconds;
    private final Map<Key, Node> entries = new ConcurrentHashMap<>();
    private final Segment probation = new Segment();
    private final Segment protectedSegment = new Segment();

    /**
     * The JDK's own SHA-256 (provider SUN), not whatever provider ranks first: for a token-sized input the
     * JIT-intrinsified JDK digest beats ACCP's, whose JNI call costs more than it saves on an input that
     * short (JMH {@code verifyCached}; the figures are in bench/README.md#microbenchmarks).
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
        this.protectedCapacity = capacity - Math.max(1, capacity / 5);
        this.skewSeconds = skewSeconds;
    }

    /** The claims of {@code token} if it was verified under {@code generation} and has not expired. */
    Map<String, Object> get(byte[] token, long generation, long nowSeconds) {
        if (capacity == 0) {
            return null;
        }
        Node node = entries.get(key(token));
        if (node == null) {
            return null;
        }
        Value value = node.value;
        if (!value.live(generation, nowSeconds)) {
            discard(node, value);
            return null;
        }
        if (!node.referenced) {
            node.referenced = true; // written once per pass, not on every hit: the hit path stays read-only
        }
        return value.claims;
    }

    void put(byte[] token, long generation, Map<String, Object> claims, long nowSeconds) {
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
        Key key = key(token);
        Value value = new Value(claims, generation, until);
        synchronized (this) {
            Node node = entries.get(key);
            if (node != null) {
                node.value = value; // verified again (a new key generation): same place, new claims
                return;
            }
            // Make room first, so that no reader ever sees more than capacity entries.
            while (probation.size + protectedSegment.size >= capacity) {
                evictFromProbation(generation, nowSeconds);
            }
            node = new Node(key, value);
            probation.addLast(node);
            entries.put(key, node);
        }
    }

    synchronized int size() {
        return probation.size + protectedSegment.size;
    }

    /** Probation's oldest entry leaves: promoted if it was hit and is still good, else dropped. */
    private void evictFromProbation(long generation, long now) {
        Node oldest = probation.first();
        probation.unlink(oldest);
        if (oldest.referenced && protectedCapacity > 0 && oldest.value.live(generation, now)) {
            if (protectedSegment.size >= protectedCapacity) {
                demoteFromProtected(generation, now);
            }
            oldest.referenced = false;
            protectedSegment.addLast(oldest);
        } else {
            entries.remove(oldest.key, oldest);
        }
    }

    /**
     * Second chance: an entry hit since the last pass goes round again; the first one not hit is demoted.
     * At most one full round, so lookups that keep hitting during it cannot keep the lock held.
     */
    private void demoteFromProtected(long generation, long now) {
        for (int round = protectedSegment.size; ; round--) {
            Node oldest = protectedSegment.first();
            protectedSegment.unlink(oldest);
            if (!oldest.value.live(generation, now)) {
                entries.remove(oldest.key, oldest);
                return;
            }
            boolean hit = oldest.referenced;
            oldest.referenced = false;
            if (!hit || round <= 0) {
                probation.addLast(oldest);
                return;
            }
            protectedSegment.addLast(oldest);
        }
    }

    /** Drops an entry a lookup found expired or stale, unless it was verified again meanwhile. */
    private synchronized void discard(Node node, Value seen) {
        if (node.segment != null && node.value == seen) {
            node.segment.unlink(node);
            entries.remove(node.key, node);
        }
    }

    private static Key key(byte[] token) {
        return new Key(SHA256.get().digest(token));
    }

    /** What was verified: immutable, so a lock-free reader sees all of it or none of it. */
    private record Value(Map<String, Object> claims, long generation, long validUntil) {
        boolean live(long currentGeneration, long now) {
            return generation == currentGeneration && now < validUntil;
        }
    }

    /** One entry; the links and {@code segment} are guarded by the cache's monitor. */
    private static final class Node {
        final Key key;
        volatile Value value;
        volatile boolean referenced;
        Node prev;
        Node next;
        Segment segment;

        Node(Key key, Value value) {
            this.key = key;
            this.value = value;
        }
    }

    /** A doubly linked list, oldest first. */
    private static final class Segment {
        private final Node head = new Node(null, null); // sentinel: head.next is the oldest
        int size;

        Segment() {
            head.prev = head;
            head.next = head;
        }

        Node first() {
            return head.next;
        }

        void addLast(Node node) {
            node.prev = head.prev;
            node.next = head;
            head.prev.next = node;
            head.prev = node;
            node.segment = this;
            size++;
        }

        void unlink(Node node) {
            node.prev.next = node.next;
            node.next.prev = node.prev;
            node.prev = null;
            node.next = null;
            node.segment = null;
            size--;
        }
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
