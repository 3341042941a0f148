package dev.edgeproxy.jwt;


/**
 * What a route's JWT policy concluded about one request: who it is, and why it is not more. A refusal is an
 * outcome like any other, not an exception: the pipeline answers it with a 401, {@code /explain} reports it.
 *
 * @param identity       the verified claims, or {@link Identity#ANONYMOUS}; {@code null} when the mode
 *                       refuses the request
 * @param failure        why no token was verified ({@link AuthFailure#MISSING_TOKEN} when there was none);
 *                       {@code null} when one was
 * @param tokenPresented whether the location held a credential
 * @param fromCache      whether the verified token was found among those verified recently (no signature
 *                       was checked); false when none was verified
 */
public record Authentication(Identity identity, AuthFailure failure, boolean tokenPresented, boolean fromCache) {

    static Authentication verified(Identity identity, boolean fromCache) {
        return new Authentication(identity, null, true, fromCache);
    }

    /** The request passes without claims: no token where the mode allows that, or permissive. */
    static Authentication anonymous(AuthFailure failure, boolean tokenPresented) {
        return new Authentication(Identity.ANONYMOUS, failure, tokenPresented, false);
    }

    static Authentication refused(AuthFailure failure, boolean tokenPresented) {
        return new Authentication(null, failure, tokenPresented, false);
    }

    public boolean refused() {
        return identity == null;
    }

    public boolean verified() {
        return identity != null && failure == null;
    }
}
