package dev.edgeproxy.jwt;

import io.vertx.core.MultiMap;

/**
 * The default token location: {@code Authorization: Bearer <token>}, scheme matched
 * case-insensitively. Any other scheme ({@code Basic ...}) is not a token and stays untouched.
 */
final class BearerToken {

    static final String HEADER = "authorization";
    private static final String SCHEME = "bearer";

    private BearerToken() {
    }

    /** The token, {@code ""} for a bare {@code Bearer} scheme, or {@code null} when there is none. */
    static String extract(MultiMap headers) {
        String value = headers.get(HEADER);
        if (value == null) {
            return null;
        }
        String v = value.strip();
        if (v.length() < SCHEME.length() || !v.regionMatches(true, 0, SCHEME, 0, SCHEME.length())) {
            return null;
        }
        if (v.length() == SCHEME.length()) {
            return "";
        }
        if (!Character.isWhitespace(v.charAt(SCHEME.length()))) {
            return null; // e.g. "BearerX ..." is some other scheme
        }
        return v.substring(SCHEME.length()).strip();
    }

    static void remove(MultiMap headers) {
        headers.remove(HEADER);
    }
}
