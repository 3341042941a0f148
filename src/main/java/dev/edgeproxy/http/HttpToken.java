package dev.edgeproxy.http;

import java.util.regex.Pattern;

/** The RFC 9110 {@code token} grammar: what a header field name (or a cookie name) may be made of. */
public final class HttpToken {

    private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9a-zA-Z-]+");

    private HttpToken() {
    }

    /** Whether {@code text} is a non-empty token. */
    public static boolean is(String text) {
        return TOKEN.matcher(text).matches();
    }
}
