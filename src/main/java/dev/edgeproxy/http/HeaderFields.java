package dev.edgeproxy.http;

import io.vertx.core.MultiMap;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The one check every header field passes before it reaches an origin or a log, whichever protocol brought it
 * in (docs/reference.md#header-fields). HTTP/1.1's parser refuses most bad bytes itself, HTTP/2's codec passes
 * them on (RFC 9113 §8.2.1 leaves the check to the receiver), and a transformation can make a value out of a
 * claim: all three end up as HTTP/1.1 lines at an origin, where a CR or LF would start a header of its own.
 *
 * <ul>
 * <li>A name is an RFC 9110 {@code token}: no colon, space, control character or non-ASCII byte. (HTTP/2's
 *     pseudo-headers never get here: Vert.x takes them out of the map.)</li>
 * <li>A value holds visible characters, spaces, horizontal tabs and obs-text (bytes 0x80–0xFF) only: no NUL,
 *     CR, LF, other control characters or DEL; and it neither begins nor ends with a space or tab, which an
 *     HTTP/1.1 origin would strip, so the value a rule decided on would not be the one the origin reads.</li>
 * </ul>
 *
 * Strings here hold one byte per character (ISO-8859-1), as Vert.x decodes header bytes of both protocols.
 */
public final class HeaderFields {

    private HeaderFields() {
    }

    /** Whether {@code name} is a non-empty RFC 9110 token ({@link HttpToken}). */
    public static boolean validName(CharSequence name) {
        return HttpToken.is(name);
    }

    /** Whether {@code value} may be sent as a field value (see the class comment); the empty value may. */
    public static boolean validValue(CharSequence value) {
        int length = value.length();
        if (length == 0) {
            return true;
        }
        if (isBlank(value.charAt(0)) || isBlank(value.charAt(length - 1))) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            char c = value.charAt(i);
            if ((c < 0x20 && c != '\t') || c == 0x7f || c > 0xff) {
                return false;
            }
        }
        return true;
    }

    /**
     * The first field of {@code headers} that fails {@link #validName} or {@link #validValue}, or {@code null}
     * when every one passes. The answer names neither its value (which may be a credential) nor, to a client, its
     * name.
     */
    public static Map.Entry<String, String> firstInvalid(MultiMap headers) {
        for (Map.Entry<String, String> field : headers) {
            if (!validName(field.getKey()) || !validValue(field.getValue())) {
                return field;
            }
        }
        return null;
    }

    /**
     * A value made by the proxy (from a claim, say) as the bytes it is sent as: text with any non-ASCII character
     * is sent as UTF-8, one character per byte, since a field carries bytes (and Netty would write {@code ?} for
     * a character beyond ISO-8859-1). ASCII text is returned as it is.
     */
    public static String wireForm(String value) {
        for (int i = 0; i < value.length(); i++) {
            if (value.charAt(i) > 0x7f) {
                return new String(value.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
            }
        }
        return value;
    }

    private static boolean isBlank(char c) {
        return c == ' ' || c == '\t';
    }
}
