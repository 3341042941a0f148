package dev.edgeproxy.jwt;

import dev.edgeproxy.jwt.jwks.JwksSource;
import dev.edgeproxy.jwt.jwks.KeySetParser;
import dev.edgeproxy.testing.Authn;
import dev.edgeproxy.testing.CarrierSnapshot;
import dev.edgeproxy.testing.TestKeys;
import dev.edgeproxy.testing.Tokens;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.stream.Stream;

import static dev.edgeproxy.jwt.LocationAuthenticationTest.req;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two credentials where a route reads one, for every location and mode, with real keys: strict and
 * optional refuse the request as ambiguous whatever the two are (two valid tokens, or the same token
 * twice, included); permissive lets it pass without claims and with both taken out, so that the origin
 * never has to pick one. Everything else in the request reaches the origin as sent.
 */
class AmbiguousCredentialsTest {

    private static final String ISSUER = "https://idp.example.test";
    private static final String AUDIENCE = "orders-api";
    private static final String KID = "signing-key-1";

    private static final KeyPair SIGNER = TestKeys.rsa2048();
    private static final KeyPair STRANGER = TestKeys.rsa2048();
    private static final TokenVerifier VERIFIER = TokenVerifier.create(
            List.of(new TokenVerifier.ProviderSpec(ISSUER, Set.of(AUDIENCE),
                    JwksSource.fixed(KeySetParser.parse(TestKeys.jwks(SIGNER.getPublic(), KID))))),
            Duration.ofSeconds(60));

    private static final String VALID = Tokens.sign(SIGNER.getPrivate(), "RS256", KID, Tokens.claims(ISSUER, AUDIENCE));
    private static final String FORGED = Tokens.sign(STRANGER.getPrivate(), "RS256", KID, Tokens.claims(ISSUER, AUDIENCE));

    /** A location, a request with two credentials there among other things, and that request without them. */
    enum Twice {
        BEARER_FIELDS(TokenLocation.DEFAULT, (a, b) -> req("page=2", "Authorization: Bearer " + a,
                "Authorization: Bearer " + b, "X-Request-Id: r1", "Cookie: theme=dark"),
                req("page=2", "X-Request-Id: r1", "Cookie: theme=dark")),
        // What main forwarded anonymously, both fields included: only the first (Basic) was read.
        BASIC_THEN_BEARER(TokenLocation.DEFAULT, (a, b) -> req("page=2", "Authorization: Basic YWxpY2U6c2VjcmV0",
                "Authorization: Bearer " + b, "X-Request-Id: r1"),
                req("page=2", "X-Request-Id: r1")),
        BEARER_LIST(TokenLocation.DEFAULT, (a, b) -> req(null, "Authorization: Bearer " + a + ", Bearer " + b,
                "X-Request-Id: r1"),
                req(null, "X-Request-Id: r1")),
        CUSTOM_HEADER(new TokenLocation.Header("x-api-token", ""), (a, b) -> req("page=2", "X-Api-Token: " + a,
                "X-Api-Token: " + b, "Authorization: Basic YWxpY2U6c2VjcmV0"),
                req("page=2", "Authorization: Basic YWxpY2U6c2VjcmV0")),
        QUERY(new TokenLocation.QueryParameter("access_token"), (a, b) -> req("page=2&access_token=" + a
                + "&flag&access%5Ftoken=" + b + "&sort=a%20b", "Authorization: Basic YWxpY2U6c2VjcmV0"),
                req("page=2&flag&sort=a%20b", "Authorization: Basic YWxpY2U6c2VjcmV0")),
        COOKIE(new TokenLocation.Cookie("session"), (a, b) -> req("page=2", "Cookie: theme=dark; session=" + a,
                "Cookie: lang=en; session=" + b + "; xsession=keep", "X-Request-Id: r1"),
                req("page=2", "Cookie: theme=dark", "Cookie: lang=en; xsession=keep", "X-Request-Id: r1"));

        final TokenLocation location;
        final BiFunction<String, String, CredentialCarrier> request;
        final CredentialCarrier without;

        Twice(TokenLocation location, BiFunction<String, String, CredentialCarrier> request, CredentialCarrier without) {
            this.location = location;
            this.request = request;
            this.without = without;
        }
    }

    /** Which two credentials: the outcome must not depend on it. */
    enum Pair {
        VALID_AND_FORGED(VALID, FORGED),
        FORGED_AND_VALID(FORGED, VALID),
        SAME_VALID_TOKEN_TWICE(VALID, VALID),
        VALID_AND_GARBAGE(VALID, "not-a-jwt");

        final String first;
        final String second;

        Pair(String first, String second) {
            this.first = first;
            this.second = second;
        }
    }

    static Stream<Arguments> table() {
        List<Arguments> rows = new ArrayList<>();
        for (Twice place : Twice.values()) {
            for (JwtMode mode : JwtMode.values()) {
                for (Pair pair : Pair.values()) {
                    rows.add(Arguments.of(lower(mode) + "_" + lower(place) + "_" + lower(pair), place, mode, pair));
                }
            }
        }
        return rows.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("table")
    void twoCredentialsAreAmbiguousInEveryModeAndLocation(String name, Twice place, JwtMode mode, Pair pair)
            throws TokenRejected {
        CredentialCarrier request = place.request.apply(pair.first, pair.second);
        JwtAuthenticator authenticator = new JwtAuthenticator("r", mode, place.location, VERIFIER, Duration.ZERO);

        if (mode == JwtMode.PERMISSIVE) {
            assertSame(Identity.ANONYMOUS, Authn.accepted(authenticator, request), "no claims from either");
            assertEquals(CarrierSnapshot.of(place.without), CarrierSnapshot.of(request),
                    "both credentials removed; other headers, parameters and cookies kept");
            assertNull(place.location.extract(request));
            return;
        }
        Authentication refusal = Authn.refused(authenticator, request);
        assertEquals(AuthFailure.AMBIGUOUS_CREDENTIALS, refusal.failure());
        assertTrue(refusal.tokenPresented());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("table")
    void theOutcomeReportsTheAmbiguity(String name, Twice place, JwtMode mode, Pair pair) {
        Authentication outcome = authenticator(place, mode).authenticate(place.request.apply(pair.first, pair.second))
                .toCompletableFuture().join();
        assertEquals(AuthFailure.AMBIGUOUS_CREDENTIALS, outcome.failure());
        assertEquals(mode != JwtMode.PERMISSIVE, outcome.refused());
        assertTrue(outcome.tokenPresented());
    }

    private static JwtAuthenticator authenticator(Twice place, JwtMode mode) {
        return new JwtAuthenticator("r", mode, place.location, VERIFIER, Duration.ZERO);
    }

    private static String lower(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT);
    }
}
