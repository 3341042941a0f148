package dev.edgeproxy.jwt;

import dev.edgeproxy.route.RoutePolicy;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * A route's {@code jwtAuth} policy: finds the credential at its {@link TokenLocation}, verifies it, and
 * applies the mode table of docs/reference.md#jwt-authentication. On success the credential is removed from exactly
 * where it was, so the origin never sees it; in permissive mode a rejected credential is forwarded untouched. More
 * than one credential at the location is refused as ambiguous (strict, optional) or passes anonymously with all of
 * them removed (permissive).
 *
 * <p>Verification is synchronous and cheap, so the result is almost always complete on return. Only a
 * token whose {@code kid} no key has, on a route with a remote JWKS, waits (at most
 * {@code refetchWait}) for one refetch of the keys before it is judged again.
 */
public final class JwtAuthenticator implements RoutePolicy {

    private static final Logger LOG = Logger.getLogger(JwtAuthenticator.class);

    private final String routeName;
    private final JwtMode mode;
    private final TokenLocation location;
    private final TokenVerifier verifier;
    private final Duration refetchWait;

    public JwtAuthenticator(String routeName, JwtMode mode, TokenLocation location, TokenVerifier verifier,
            Duration refetchWait) {
        this.routeName = routeName;
        this.mode = mode;
        this.location = location;
        this.verifier = verifier;
        this.refetchWait = refetchWait;
    }

    @Override
    public Phase phase() {
        return Phase.AUTHENTICATION;
    }

    public JwtMode mode() {
        return mode;
    }

    /** Where this route expects its token. */
    public TokenLocation location() {
        return location;
    }

    /**
     * The policy's outcome for {@code request}, refusals included; the stage never fails. A verified credential
     * is removed from the request.
     */
    public CompletionStage<Authentication> authenticate(CredentialCarrier request) {
        String token;
        try {
            token = location.extract(request);
        } catch (TokenRejected ambiguous) {
            // Several credentials: whichever the proxy checked, the origin might read another. None is
            // verified, and every one is taken out, so even permissive mode forwards none of them.
            location.remove(request);
            return CompletableFuture.completedFuture(judge(ambiguous));
        }
        if (token == null) {
            return CompletableFuture.completedFuture(mode == JwtMode.STRICT
                    ? Authentication.refused(AuthFailure.MISSING_TOKEN, false)
                    : Authentication.anonymous(AuthFailure.MISSING_TOKEN, false));
        }
        try {
            return CompletableFuture.completedFuture(accept(request, verifier.check(token)));
        } catch (TokenRejected rejected) {
            if (rejected.reason() == AuthFailure.UNKNOWN_KEY && verifier.refreshable()) {
                return verifier.refetchForUnknownKey(token).toCompletableFuture()
                        .completeOnTimeout(null, refetchWait.toMillis(), TimeUnit.MILLISECONDS)
                        .thenApply(fetched -> judgeAgain(request, token));
            }
            return CompletableFuture.completedFuture(judge(rejected));
        }
    }

    private Authentication judgeAgain(CredentialCarrier request, String token) {
        try {
            return accept(request, verifier.check(token));
        } catch (TokenRejected rejected) {
            return judge(rejected);
        }
    }

    private Authentication accept(CredentialCarrier request, TokenVerifier.Verified verified) {
        location.remove(request);
        return Authentication.verified(new Identity(verified.claims()), verified.fromCache());
    }

    /** A presented token was rejected: permissive passes anonymously, the other modes refuse. */
    private Authentication judge(TokenRejected rejected) {
        LOG.debugf("route %s: token rejected: %s", routeName, rejected.reason().text());
        if (mode == JwtMode.PERMISSIVE) {
            return Authentication.anonymous(rejected.reason(), true);
        }
        return Authentication.refused(rejected.reason(), true);
    }
}
