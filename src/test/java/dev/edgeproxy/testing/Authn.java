package dev.edgeproxy.testing;

import dev.edgeproxy.jwt.Authentication;
import dev.edgeproxy.jwt.CredentialCarrier;
import dev.edgeproxy.jwt.Identity;
import dev.edgeproxy.jwt.JwtAuthenticator;
import io.vertx.core.MultiMap;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Runs a route's JWT policy on a request and asserts what the pipeline would do with the outcome. */
public final class Authn {

    private Authn() {
    }

    /** The policy's outcome for {@code request}; waits (at most 10 s) only when a remote JWKS is refetched. */
    public static Authentication outcome(JwtAuthenticator authenticator, CredentialCarrier request) {
        try {
            return authenticator.authenticate(request).toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("the authentication stage must complete normally", e);
        }
    }

    public static Authentication outcome(JwtAuthenticator authenticator, MultiMap headers) {
        return outcome(authenticator, HeaderCarrier.of(headers));
    }

    /** Asserts the request passes (verified or anonymous) and returns its identity. */
    public static Identity accepted(JwtAuthenticator authenticator, CredentialCarrier request) {
        Authentication outcome = outcome(authenticator, request);
        assertFalse(outcome.refused(), () -> "refused: " + outcome.failure());
        return outcome.identity();
    }

    public static Identity accepted(JwtAuthenticator authenticator, MultiMap headers) {
        return accepted(authenticator, HeaderCarrier.of(headers));
    }

    /** Asserts the request is refused (a 401) and returns the outcome, whose failure says why. */
    public static Authentication refused(JwtAuthenticator authenticator, CredentialCarrier request) {
        Authentication outcome = outcome(authenticator, request);
        assertTrue(outcome.refused(), "expected a refusal, got " + outcome);
        return outcome;
    }

    public static Authentication refused(JwtAuthenticator authenticator, MultiMap headers) {
        return refused(authenticator, HeaderCarrier.of(headers));
    }
}
