package dev.edgeproxy.http;

/**
 * The RFC 9110 {@code token} grammar: what a header field name (or a cookie name) may be made of. A lookup table,
 * since every header name of every request is checked against it ({@link HeaderFields}).
 */
public final class HttpToken {

    private static final boolean[] TOKEN = new boolean[128];

    static {
        for (char c = '0'; c <= '9'; c++) {
            TOKEN[c] = true;
        }
        for (char c = 'a'; c <= 'z'; c++) {
            TOKEN[c] = true;
            TOKEN[c - 'a' + 'A'] = true;
        }
        for (char c : "!#$%&'*+-.^_`|~".toCharArray()) {
            TOKEN[c] = true;
        }
    }

    private HttpToken() {
    }

    /** Whether {@code text} is a non-empty token. */
    public static boolean is(CharSequence text) {
        int length = text.length();
        if (length == 0) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            char c = text.charAt(i);
            if (c >= 128 || !TOKEN[c]) {
                return false;
            }
        }
        return true;
    }
}
