package dev.edgeproxy.jwt;

import dev.edgeproxy.error.AuthFailure;
import dev.edgeproxy.error.GatewayError;
import io.vertx.core.MultiMap;
import org.jboss.logging.Logger;

import java.util.Map;

/**
 * A route's {@code jwtAuth} policy: finds the credential, verifies it, and applies the mode table of
 * CONTRACT §3. On success the credential is removed from the request so the upstream never sees it;
 * in permissive mode a rejected credential is forwarded untouched.
 */
public final class JwtAuthenticator {

    private static final Logger LOG = Logger.getLogger(JwtAuthenticator.class);

    private final String routeName;
    private final JwtMode mode;
    private final TokenVerifier verifier;

    public JwtAuthenticator(String routeName, JwtMode mode, TokenVerifier verifier) {
        this.routeName = routeName;
        this.mode = mode;
        this.verifier = verifier;
    }

    public JwtMode mode() {
        return mode;
    }

    /**
     * @param headers the request headers; the credential is removed from them once it is verified
     * @throws GatewayError.Unauthenticated when the mode rejects the request
     */
    public Identity authenticate(MultiMap headers) {
        String token = BearerToken.extract(headers);
        if (token == null) {
            if (mode == JwtMode.STRICT) {
                throw new GatewayError.Unauthenticated(AuthFailure.MISSING_TOKEN, false);
            }
            return Identity.ANONYMOUS;
        }
        try {
            Map<String, Object> claims = verifier.verify(token);
            BearerToken.remove(headers);
            return new Identity(claims);
        } catch (TokenRejected rejected) {
            LOG.debugf("route %s: token rejected: %s", routeName, rejected.reason().text());
            if (mode == JwtMode.PERMISSIVE) {
                return Identity.ANONYMOUS;
            }
            throw new GatewayError.Unauthenticated(rejected.reason(), true);
        }
    }
}
