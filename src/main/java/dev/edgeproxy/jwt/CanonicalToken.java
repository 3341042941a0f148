package dev.edgeproxy.jwt;

import dev.edgeproxy.error.AuthFailure;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The one spelling of a compact JWS that the proxy accepts: {@code header.payload.signature}, each part
 * canonical base64url (RFC 7515 §2, RFC 4648 §5 without padding). Base64 decoders are lenient in ways
 * that give one token many spellings: padding {@code =}, the standard alphabet's {@code +} and {@code /},
 * whitespace, non-zero bits after the last whole byte. A signature spelled differently still verifies,
 * so without this check two strings (two cache keys, two log lines, two things an origin may compare)
 * would both be the "same" valid token. Checked before the cache and before any parsing.
 *
 * <p>The header and the payload must not be empty. An empty signature is canonical (it is the only
 * spelling of no bytes) and is how an unsecured {@code alg: none} token looks; the algorithm check
 * refuses that with a reason that says why.
 */
final class CanonicalToken {

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long ONES = 0x0101010101010101L;
    private static final long HIGH = 0x8080808080808080L;
    private static final long CASE = 0x2020202020202020L;

    /** The 6-bit value of each base64url character; -1 for every other byte. */
    private static final byte[] VALUE = new byte[256];

    static {
        Arrays.fill(VALUE, (byte) -1);
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        for (int i = 0; i < alphabet.length(); i++) {
            VALUE[alphabet.charAt(i)] = (byte) i;
        }
    }

    private CanonicalToken() {
    }

    static void require(String compact) throws TokenRejected {
        require(compact, compact.getBytes(StandardCharsets.ISO_8859_1));
    }

    /**
     * @param compact the token
     * @param latin1  the same token as ISO-8859-1 bytes (a character outside it becomes {@code ?}, which
     *                no canonical token contains)
     * @throws TokenRejected {@link AuthFailure#MALFORMED} unless the token has exactly three canonical parts
     */
    static void require(String compact, byte[] latin1) throws TokenRejected {
        // String.indexOf is a vectorised intrinsic; a third dot lands in the signature, outside the alphabet.
        int first = compact.indexOf('.');
        int second = first < 0 ? -1 : compact.indexOf('.', first + 1);
        if (first <= 0 || second <= first + 1
                || !canonical(latin1, 0, first)
                || !canonical(latin1, first + 1, second)
                || !canonical(latin1, second + 1, latin1.length)) {
            throw new TokenRejected(AuthFailure.MALFORMED);
        }
    }

    /** Whether bytes {@code [from, to)} are base64url without padding, as its encoder would write them. */
    static boolean canonical(byte[] s, int from, int to) {
        int length = to - from;
        if (length % 4 == 1) {
            return false; // no byte count encodes to this length
        }
        int i = from;
        // This runs on every request, cache hits included, so eight bytes per step: over an 800-byte RS256
        // token about 0.6 of the time of a byte-by-byte table lookup, and about half that of the SHA-256
        // of the cache key.
        for (; i + 8 <= to; i += 8) {
            if (!alphabet((long) LONGS.get(s, i))) {
                return false;
            }
        }
        int bad = 0;
        for (; i < to; i++) {
            bad |= VALUE[s[i] & 0xff]; // -1 sets the sign bit; valid values never do
        }
        if (bad < 0) {
            return false;
        }
        // The last character's low bits are padding bits the encoder always leaves zero: 4 of them
        // after one trailing byte (2 characters), 2 after two (3 characters).
        int tail = length % 4 == 2 ? 0x0f : length % 4 == 3 ? 0x03 : 0;
        return length == 0 || (VALUE[s[to - 1] & 0xff] & tail) == 0;
    }

    /** Whether all eight bytes of {@code x} are in the base64url alphabet. */
    static boolean alphabet(long x) {
        if ((x & HIGH) != 0) {
            return false; // not ASCII; below, no byte carries into the next
        }
        long valid = between(x, '0', '9')
                | between(x | CASE, 'a', 'z') // setting 0x20 folds A-Z onto a-z, and nothing else onto it
                | between(x, '-', '-')
                | between(x, '_', '_');
        return valid == HIGH;
    }

    /** The high bit of each byte of {@code x} (all below 0x80) that lies in {@code [lo, hi]}. */
    private static long between(long x, int lo, int hi) {
        long atLeastLo = x + ONES * (0x80 - lo);
        long aboveHi = x + ONES * (0x7f - hi);
        return atLeastLo & ~aboveHi & HIGH;
    }
}
