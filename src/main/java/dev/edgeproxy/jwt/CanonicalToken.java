package dev.edgeproxy.jwt;

import java.util.Arrays;

/**
 * The one spelling of a compact JWS that the proxy accepts: {@code header.payload.signature}, each part
 * canonical base64url (RFC 7515 §2, RFC 4648 §5 without padding). Base64 decoders are lenient in ways
 * that give one token many spellings: padding {@code =}, the standard alphabet's {@code +} and {@code /},
 * whitespace, non-zero bits after the last whole byte. A signature spelled differently still verifies,
 * so without this check two strings (two cache keys, two log lines, two things an origin may compare)
 * would both be the "same" valid token. Checked before any parsing.
 *
 * <p>The header and the payload must not be empty. An empty signature is canonical (it is the only
 * spelling of no bytes) and is how an unsecured {@code alg: none} token looks; the algorithm check
 * refuses that with a reason that says why.
 */
final class CanonicalToken {

    /** The 6-bit value of each base64url character, by ASCII code; -1 for every other character. */
    private static final byte[] VALUE = new byte[128];

    static {
        Arrays.fill(VALUE, (byte) -1);
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        for (int i = 0; i < alphabet.length(); i++) {
            VALUE[alphabet.charAt(i)] = (byte) i;
        }
    }

    private CanonicalToken() {
    }

    /** @throws TokenRejected {@link AuthFailure#MALFORMED} unless the token has exactly three canonical parts */
    static void require(String compact) throws TokenRejected {
        int first = compact.indexOf('.');
        int second = first < 0 ? -1 : compact.indexOf('.', first + 1);
        // A third dot lands in the signature, where '.' is not in the alphabet.
        if (first <= 0 || second <= first + 1
                || !canonical(compact, 0, first)
                || !canonical(compact, first + 1, second)
                || !canonical(compact, second + 1, compact.length())) {
            throw new TokenRejected(AuthFailure.MALFORMED);
        }
    }

    /** Whether characters {@code [from, to)} are base64url without padding, as its encoder writes them. */
    static boolean canonical(String s, int from, int to) {
        int length = to - from;
        if (length % 4 == 1) {
            return false; // no byte count encodes to this length
        }
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c >= VALUE.length || VALUE[c] < 0) {
                return false;
            }
        }
        // The last character's low bits are padding bits the encoder always leaves zero: 4 of them
        // after one trailing byte (2 characters), 2 after two (3 characters).
        int padding = length % 4 == 2 ? 0x0f : length % 4 == 3 ? 0x03 : 0;
        return length == 0 || (VALUE[s.charAt(to - 1)] & padding) == 0;
    }
}
