package dev.edgeproxy.error;

/**
 * Why a JWT was not accepted. The text is what the 401 body says after
 * {@code authentication failure: }; it names the failed check and never echoes the token.
 */
public enum AuthFailure {
    MISSING_TOKEN("missing token"),
    MALFORMED("malformed token"),
    UNSUPPORTED_ALGORITHM("unsupported algorithm"),
    UNKNOWN_KEY("unknown key"),
    BAD_SIGNATURE("bad signature"),
    EXPIRED("token expired"),
    NOT_YET_VALID("token not yet valid"),
    MISSING_EXPIRY("missing exp claim"),
    WRONG_ISSUER("wrong issuer"),
    WRONG_AUDIENCE("wrong audience"),
    INVALID_CLAIMS("invalid claims");

    private final String text;

    AuthFailure(String text) {
        this.text = text;
    }

    public String text() {
        return text;
    }
}
