package dev.edgeproxy.jwt;

/**
 * Why a JWT was not accepted. The text is what the 401 body says after
 * {@code authentication failure: }; it names the failed check and never echoes the token.
 */
public enum AuthFailure {
    MISSING_TOKEN("missing token"),
    /** More than one credential where the route reads its token: which one the origin would use is anyone's guess. */
    AMBIGUOUS_CREDENTIALS("ambiguous credentials"),
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

    /**
     * The RFC 6750 {@code error} code of the challenge when a credential was presented: a request that
     * carries its token more than once is an {@code invalid_request} (RFC 6750 §3.1: "repeats the same
     * parameter, uses more than one method for including an access token"); every other presented token
     * is an {@code invalid_token}.
     */
    public String bearerError() {
        return this == AMBIGUOUS_CREDENTIALS ? "invalid_request" : "invalid_token";
    }
}
