package dev.edgeproxy.jwt;


/** A presented token failed a check. Carries only the reason, never the token. */
public final class TokenRejected extends Exception {

    private final AuthFailure reason;

    public TokenRejected(AuthFailure reason) {
        super(reason.text(), null, false, false);
        this.reason = reason;
    }

    public AuthFailure reason() {
        return reason;
    }
}
