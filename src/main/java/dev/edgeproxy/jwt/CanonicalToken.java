package dev.edgeproxy.jwt;

import dev.edgeproxy.error.AuthFailure;

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
        require(compact.getBytes(StandardCharsets.ISO_8859_1));
    }

    /**
     * @param compact the token as ISO-8859-1 bytes (a character outside it becomes {@code ?}, which no
     *                canonical token contains)
     * @throws TokenRejected {@link AuthFailure#MALFORMED} unless the token has exactly three canonical parts
     */
    static void require(byte[] compact) throws TokenRejected {
        int first = indexOfDot(compact, 0);
        int second = first < 0 ? -1 : indexOfDot(compact, first + 1);
        // A third dot lands in the signature part, where '.' is not in the alphabet.
        if (first <= 0 || second <= first + 1
                || !canonical(compact, 0, first)
                || !canonical(compact, first + 1, second)
                || !canonical(compact, second + 1, compact.length)) {
            throw new TokenRejected(AuthFailure.MALFORMED);
        }
    }

    /** Whether bytes {@code [from, to)} are base64url without padding, as its encoder would write them. */
    static boolean canonical(byte[] s, int from, int to) {
        int length = to - from;
        if (length % 4 == 1) {
            return false; // no byte count encodes to this length
        }
        int bad = 0;
        for (int i = from; i < to; i++) {
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

    private static int indexOfDot(byte[] s, int from) {
        for (int i = from; i < s.length; i++) {
            if (s[i] == '.') {
                return i;
            }
        }
        return -1;
    }
}
