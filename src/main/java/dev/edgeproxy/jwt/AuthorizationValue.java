package dev.edgeproxy.jwt;

/**
 * Reads one header field that carries credentials as {@code <scheme> <credentials>}, such as
 * {@code Authorization}. Such a field holds a single credential (RFC 9110 §11.6.2), but a client or an
 * intermediary may have joined several into one comma-separated list ({@code Bearer a, Bearer b}, or
 * {@code Basic x, Bearer y}), and different origins would then read different ones. This class says
 * whether a field holds the route's scheme, and whether it is such a list.
 */
final class AuthorizationValue {

    private AuthorizationValue() {
    }

    /**
     * Whether {@code value} starts with {@code scheme}, case-insensitively. A word scheme (configured
     * with a trailing space, as {@code "Bearer "}) must be followed by whitespace or end the value:
     * {@code BearerX abc} is another scheme.
     */
    static boolean hasScheme(String value, String scheme, boolean wordScheme) {
        if (value.length() < scheme.length() || !value.regionMatches(true, 0, scheme, 0, scheme.length())) {
            return false;
        }
        return value.length() == scheme.length() || !wordScheme || Character.isWhitespace(value.charAt(scheme.length()));
    }

    /**
     * Whether a field that does not start with the scheme still carries one of its credentials as a later
     * element of a comma-separated list. Commas inside quoted strings (a Digest {@code realm="a, b"})
     * separate nothing.
     */
    static boolean laterElementHasScheme(String value, String scheme, boolean wordScheme) {
        boolean quoted = false;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (quoted && c == '\\') {
                i++; // quoted-pair: the next character is literal
            } else if (c == '"') {
                quoted = !quoted;
            } else if (c == ',' && !quoted && hasScheme(value.substring(i + 1).strip(), scheme, wordScheme)) {
                return true;
            }
        }
        return false;
    }
}
