package dev.edgeproxy.jwt;

import dev.edgeproxy.error.AuthFailure;
import dev.edgeproxy.error.GatewayError;
import io.vertx.core.MultiMap;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * A route's {@code jwtAuth} policy: finds the credential at its {@link TokenLocation}, verifies it, and
 * applies the mode table of CONTRACT §3. On success the credential is removed from exactly where it was,
 * so the origin never sees it; in permissive mode a rejected credential is forwarded untouched.
 *
 * <p>Verification is synchronous and cheap, so the result is almost always complete on return. Only a
 * token whose {@code kid} no key has, on a route with a remote JWKS, waits (at most
 * {@code refetchWait}) for one refetch of the keys before it is judged again.
 */
public final class JwtAuthenticator {

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

    /** With the default location ({@code Authorization: Bearer}) and keys that never change. */
    public JwtAuthenticator(String routeName, JwtMode mode, TokenVerifier verifier) {
        this(routeName, mode, TokenLocation.DEFAULT, verifier, Duration.ZERO);
    }

    public JwtMode mode() {
        return mode;
    }

    /**
     * @return the identity, or a stage failed with {@link GatewayError.Unauthenticated} when the mode
     *         rejects the request
     */
    public CompletionStage<Identity> authenticate(CredentialCarrier request) {
        String token = location.extract(request);
        if (token == null) {
            if (mode == JwtMode.STRICT) {
                return CompletableFuture.failedFuture(new GatewayError.Unauthenticated(AuthFailure.MISSING_TOKEN, false));
            }
            return CompletableFuture.completedFuture(Identity.ANONYMOUS);
        }
        try {
            return CompletableFuture.completedFuture(accept(request, verifier.verify(token)));
        } catch (TokenRejected rejected) {
            if (rejected.reason() == AuthFailure.UNKNOWN_KEY && verifier.refreshable()) {
                return verifier.refetchForUnknownKey(token).toCompletableFuture()
                        .completeOnTimeout(null, refetchWait.toMillis(), TimeUnit.MILLISECONDS)
                        .thenApply(fetched -> judgeAgain(request, token));
            }
            return reject(rejected);
        }
    }

    /** Synchronous form for callers that only have headers and keys that never change. */
    public Identity authenticate(MultiMap headers) {
        try {
            return authenticate(CredentialCarrier.ofHeaders(headers)).toCompletableFuture().join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof GatewayError g ? g : e;
        }
    }

    private Identity judgeAgain(CredentialCarrier request, String token) {
        try {
            return accept(request, verifier.verify(token));
        } catch (TokenRejected rejected) {
            return judge(rejected);
        }
    }

    private Identity accept(CredentialCarrier request, Map<String, Object> claims) {
        location.remove(request);
        return new Identity(claims);
    }

    private CompletableFuture<Identity> reject(TokenRejected rejected) {
        try {
            return CompletableFuture.completedFuture(judge(rejected));
        } catch (GatewayError e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** A presented token was rejected: permissive passes anonymously, the other modes refuse. */
    private Identity judge(TokenRejected rejected) {
        LOG.debugf("route %s: token rejected: %s", routeName, rejected.reason().text());
        if (mode == JwtMode.PERMISSIVE) {
            return Identity.ANONYMOUS;
        }
        throw new GatewayError.Unauthenticated(rejected.reason(), true);
    }
}
