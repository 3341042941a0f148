package dev.edgeproxy.http;

import java.util.Locale;

/**
 * What the canonicaliser does with one kind of path character that origins read in different ways
 * (in the manner of Envoy's {@code path_with_escaped_slashes_action}).
 */
public enum EscapeAction {
    /** Refuse the request: 400. The default for every kind, because two origins may disagree. */
    REJECT,
    /** Read it the way most origins do (a separator for slashes and backslashes; path parameters dropped). */
    DECODE,
    /** Leave it as received; only for origins known to treat it as an ordinary character. */
    KEEP;

    /** Parses {@code reject}, {@code decode} or {@code keep}, case-insensitively; {@code null} otherwise. */
    public static EscapeAction parse(String text) {
        return switch (text.strip().toLowerCase(Locale.ROOT)) {
            case "reject" -> REJECT;
            case "decode" -> DECODE;
            case "keep" -> KEEP;
            default -> null;
        };
    }
}
