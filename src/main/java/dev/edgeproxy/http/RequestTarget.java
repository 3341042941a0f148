package dev.edgeproxy.http;

/**
 * A request target in canonical origin form: what route selection, CEL, explanations, the access log and
 * the origin's request line all use.
 *
 * @param path  canonical path: starts with {@code /} (or is {@code *} for {@code OPTIONS *}); no dot
 *              segments; percent-escapes only where a character must stay escaped, in upper-case hex
 * @param query the query string exactly as received, without {@code ?}; {@code null} when there was none
 */
public record RequestTarget(String path, String query) {

    /** The server-wide target of {@code OPTIONS *}. */
    public static final String ASTERISK = "*";

    /** The target to put in the request line sent to the origin. */
    public String originForm() {
        return query == null ? path : path + "?" + query;
    }
}
