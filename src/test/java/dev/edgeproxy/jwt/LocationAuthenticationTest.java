package dev.edgeproxy.jwt;

import dev.edgeproxy.jwt.jwks.JwksSource;
import dev.edgeproxy.jwt.jwks.KeySetParser;
import dev.edgeproxy.testing.Authn;
import dev.edgeproxy.testing.CarrierSnapshot;
import dev.edgeproxy.testing.HeaderCarrier;
import dev.edgeproxy.testing.TestKeys;
import dev.edgeproxy.testing.Tokens;
import io.vertx.core.MultiMap;
import org.jose4j.jwt.JwtClaims;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The mode table of docs/reference.md#jwt-authentication for every token location, with a real RSA key and the real
 * verifier: the credential is read only from the route's location, removed from exactly there on success, and
 * forwarded untouched when permissive mode lets a rejected one pass.
 */
class LocationAuthenticationTest {

    private static final String ISSUER = "https://idp.example.test";
    private static final String AUDIENCE = "orders-api";
    private static final String KID = "signing-key-1";

    private static final KeyPair SIGNER = TestKeys.rsa2048();
    private static final KeyPair STRANGER = TestKeys.rsa2048();
    private static final TokenVerifier VERIFIER = TokenVerifier.create(
            List.of(new TokenVerifier.ProviderSpec(ISSUER, Set.of(AUDIENCE),
                    JwksSource.fixed(KeySetParser.parse(TestKeys.jwks(SIGNER.getPublic(), KID))))),
            Duration.ofSeconds(60));

    /**
     * A token location and a request that carries, besides the credential (when given), other headers,
     * other query parameters and other cookies, so that removal can be seen to spare them.
     */
    enum Place {
        BEARER(TokenLocation.DEFAULT, t -> req("page=2&sort=name", "Authorization: Bearer " + t,
                "X-Request-Id: r1", "Cookie: theme=dark; lang=en"),
                req("page=2&sort=name", "X-Request-Id: r1", "Cookie: theme=dark; lang=en")),
        CUSTOM_HEADER(new TokenLocation.Header("x-api-token", ""), t -> req("page=2", "X-Api-Token: " + t,
                "Authorization: Basic YWxpY2U6c2VjcmV0", "X-Request-Id: r1", "Cookie: theme=dark"),
                req("page=2", "Authorization: Basic YWxpY2U6c2VjcmV0", "X-Request-Id: r1", "Cookie: theme=dark")),
        QUERY(new TokenLocation.QueryParameter("access_token"), t -> req("page=2&access_token=" + t + "&flag&sort=a%20b",
                "Authorization: Basic YWxpY2U6c2VjcmV0", "X-Request-Id: r1", "Cookie: theme=dark"),
                req("page=2&flag&sort=a%20b", "Authorization: Basic YWxpY2U6c2VjcmV0", "X-Request-Id: r1", "Cookie: theme=dark")),
        COOKIE(new TokenLocation.Cookie("session"), t -> req("page=2",
                "Cookie: theme=dark; session=" + t + "; xsession=keep", "Cookie: lang=en",
                "Authorization: Basic YWxpY2U6c2VjcmV0", "X-Request-Id: r1"),
                req("page=2", "Cookie: theme=dark; xsession=keep", "Cookie: lang=en",
                        "Authorization: Basic YWxpY2U6c2VjcmV0", "X-Request-Id: r1"));

        final TokenLocation location;
        final Function<String, CredentialCarrier> withToken;
        final CredentialCarrier without;

        Place(TokenLocation location, Function<String, CredentialCarrier> withToken, CredentialCarrier without) {
            this.location = location;
            this.withToken = withToken;
            this.without = without;
        }

        /** The request with the credential in this place, or without it when {@code token} is null. */
        CredentialCarrier request(String token) {
            return token == null ? copy(without) : withToken.apply(token);
        }
    }

    /** What a request carries; {@code failure == null} for a valid token. */
    enum Credential {
        MISSING(null, AuthFailure.MISSING_TOKEN),
        VALID(rs256(SIGNER, claims()), null),
        BAD_SIGNATURE(rs256(STRANGER, claims()), AuthFailure.BAD_SIGNATURE),
        EXPIRED(expired(), AuthFailure.EXPIRED),
        MALFORMED("not-a-jwt", AuthFailure.MALFORMED);

        final String token;
        final AuthFailure failure;

        Credential(String token, AuthFailure failure) {
            this.token = token;
            this.failure = failure;
        }
    }

    static Stream<Arguments> table() {
        List<Arguments> rows = new ArrayList<>();
        for (Place place : Place.values()) {
            for (JwtMode mode : JwtMode.values()) {
                for (Credential credential : Credential.values()) {
                    rows.add(Arguments.of(lower(place) + "_" + lower(mode) + "_" + lower(credential), place, mode, credential));
                }
            }
        }
        return rows.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("table")
    void followsTheModeTableAtEveryLocation(String name, Place place, JwtMode mode, Credential credential)
            throws TokenRejected {
        CredentialCarrier request = place.request(credential.token);
        CarrierSnapshot sent = CarrierSnapshot.of(request);
        JwtAuthenticator authenticator = new JwtAuthenticator("r", mode, place.location, VERIFIER, Duration.ZERO);

        boolean refused = credential.failure != null
                && (mode == JwtMode.STRICT || credential != Credential.MISSING && mode == JwtMode.OPTIONAL);
        if (refused) {
            Authentication refusal = Authn.refused(authenticator, request);
            assertEquals(credential.failure, refusal.failure());
            assertEquals(credential != Credential.MISSING, refusal.tokenPresented());
            return;
        }
        Identity identity = Authn.accepted(authenticator, request);
        if (credential == Credential.VALID) {
            assertTrue(identity.verified());
            assertEquals("alice", identity.claims().get("sub"));
            assertEquals(ISSUER, identity.claims().get("iss"));
            assertNull(place.location.extract(request), "the credential is removed");
            assertEquals(CarrierSnapshot.of(place.request(null)), CarrierSnapshot.of(request),
                    "exactly the credential is removed; other headers, parameters and cookies are kept");
        } else {
            assertSame(Identity.ANONYMOUS, identity, "passes without claims");
            assertEquals(sent, CarrierSnapshot.of(request), "the request is forwarded as sent");
            if (credential != Credential.MISSING) {
                assertEquals(credential.token, place.location.extract(request), "the rejected credential stays");
            }
        }
    }

    static Stream<Arguments> wrongPlaces() {
        List<Arguments> rows = new ArrayList<>();
        for (Place expected : Place.values()) {
            for (Place actual : Place.values()) {
                if (expected != actual) {
                    rows.add(Arguments.of("route expects " + lower(expected) + ", token in " + lower(actual), expected, actual));
                }
            }
        }
        return rows.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("wrongPlaces")
    void aTokenInTheWrongPlaceCountsAsMissing(String name, Place expected, Place actual) throws TokenRejected {
        String token = Credential.VALID.token;

        CredentialCarrier strict = actual.request(token);
        Authentication refusal = Authn.refused(new JwtAuthenticator("r", JwtMode.STRICT, expected.location, VERIFIER, Duration.ZERO), strict);
        assertEquals(AuthFailure.MISSING_TOKEN, refusal.failure());
        assertEquals(false, refusal.tokenPresented());

        for (JwtMode mode : List.of(JwtMode.OPTIONAL, JwtMode.PERMISSIVE)) {
            CredentialCarrier request = actual.request(token);
            CarrierSnapshot sent = CarrierSnapshot.of(request);
            Identity identity = Authn.accepted(new JwtAuthenticator("r", mode, expected.location, VERIFIER, Duration.ZERO), request);
            assertSame(Identity.ANONYMOUS, identity, mode + ": no claims from a token the route does not read");
            assertEquals(sent, CarrierSnapshot.of(request), mode + ": the token elsewhere stays untouched");
            assertEquals(token, actual.location.extract(request));
        }
    }

    // --- helpers ---------------------------------------------------------------------------------

    private static String lower(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT);
    }

    private static JwtClaims claims() {
        return Tokens.claims(ISSUER, AUDIENCE);
    }

    private static String expired() {
        JwtClaims c = claims();
        c.setIssuedAt(Tokens.secondsFromNow(-1200));
        c.setExpirationTime(Tokens.secondsFromNow(-600));
        return rs256(SIGNER, c);
    }

    private static String rs256(KeyPair pair, JwtClaims claims) {
        return Tokens.sign(pair.getPrivate(), "RS256", KID, claims);
    }

    /** A request: raw query (or null) and headers as {@code "Name: value"} lines, in order. */
    static CredentialCarrier req(String query, String... headers) {
        return new TokenLocationTest.Req(query, List.of(headers)).carrier();
    }

    static CredentialCarrier copy(CredentialCarrier c) {
        CredentialCarrier copy = HeaderCarrier.of(MultiMap.caseInsensitiveMultiMap().addAll(c.requestHeaders()));
        copy.rawQuery(c.rawQuery());
        return copy;
    }
}
