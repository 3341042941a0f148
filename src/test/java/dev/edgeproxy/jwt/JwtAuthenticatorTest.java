package dev.edgeproxy.jwt;

import dev.edgeproxy.jwt.jwks.JwksSource;
import dev.edgeproxy.jwt.jwks.KeySetParser;
import dev.edgeproxy.testing.Authn;
import dev.edgeproxy.testing.TestKeys;
import dev.edgeproxy.testing.Tokens;
import io.vertx.core.MultiMap;
import org.jose4j.jwt.JwtClaims;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The mode table of docs/reference.md#jwt-authentication: every mode against every kind of credential. */
class JwtAuthenticatorTest {

    private static final String ISSUER = "https://idp.example.test";
    private static final String AUDIENCE = "orders-api";
    private static final String KID = "signing-key-1";
    private static final String ROUTE = "orders";
    private static final long TEN_MINUTES = 600;

    private static final KeyPair SIGNER = TestKeys.rsa2048();
    private static final KeyPair STRANGER = TestKeys.rsa2048();

    /** What a request carries. {@code failure == null} means the token is valid. */
    enum Credential {
        MISSING(() -> null, AuthFailure.MISSING_TOKEN),
        MALFORMED(() -> "this-is-not-a-jwt", AuthFailure.MALFORMED),
        BAD_SIGNATURE(() -> rs256(STRANGER, KID, claims()), AuthFailure.BAD_SIGNATURE),
        EXPIRED(() -> {
            JwtClaims c = claims();
            c.setIssuedAt(Tokens.secondsFromNow(-2 * TEN_MINUTES));
            c.setExpirationTime(Tokens.secondsFromNow(-TEN_MINUTES));
            return rs256(SIGNER, KID, c);
        }, AuthFailure.EXPIRED),
        NOT_YET_VALID(() -> {
            JwtClaims c = claims();
            c.setNotBefore(Tokens.secondsFromNow(TEN_MINUTES));
            c.setExpirationTime(Tokens.secondsFromNow(2 * TEN_MINUTES));
            return rs256(SIGNER, KID, c);
        }, AuthFailure.NOT_YET_VALID),
        WRONG_ISSUER(() -> {
            JwtClaims c = claims();
            c.setIssuer("https://evil.example.test");
            return rs256(SIGNER, KID, c);
        }, AuthFailure.WRONG_ISSUER),
        WRONG_AUDIENCE(() -> {
            JwtClaims c = claims();
            c.setAudience("billing-api");
            return rs256(SIGNER, KID, c);
        }, AuthFailure.WRONG_AUDIENCE),
        UNKNOWN_KID(() -> rs256(SIGNER, "no-such-key", claims()), AuthFailure.UNKNOWN_KEY),
        // An unsecured token (empty signature segment) is refused for its algorithm, not as malformed.
        ALG_NONE(() -> Tokens.algNone(KID, claims()), AuthFailure.UNSUPPORTED_ALGORITHM),
        HS256_WITH_RSA_PUBLIC_KEY(() -> Tokens.hs256WithPublicKey(SIGNER.getPublic(), KID, claims()),
                AuthFailure.UNSUPPORTED_ALGORITHM),
        VALID(() -> rs256(SIGNER, KID, claims()), null);

        final Supplier<String> token;
        final AuthFailure failure;

        Credential(Supplier<String> token, AuthFailure failure) {
            this.token = token;
            this.failure = failure;
        }

        String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    static Stream<Arguments> modeTable() {
        List<Arguments> rows = new ArrayList<>();
        for (JwtMode mode : JwtMode.values()) {
            for (Credential credential : Credential.values()) {
                rows.add(Arguments.of(mode.name().toLowerCase(Locale.ROOT) + "_" + credential.label(), mode, credential));
            }
        }
        return rows.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("modeTable")
    void followsTheModeTable(String name, JwtMode mode, Credential credential) {
        String token = credential.token.get();
        String authorization = token == null ? null : "Bearer " + token;
        MultiMap headers = headers(authorization);
        JwtAuthenticator authenticator = authenticator(mode);

        if (credential == Credential.VALID) {
            Identity identity = Authn.accepted(authenticator, headers);
            assertTrue(identity.verified(), "a valid token yields a verified identity");
            assertEquals("alice", identity.claims().get("sub"));
            assertEquals(ISSUER, identity.claims().get("iss"));
            assertNull(headers.get("Authorization"), "the credential is removed before forwarding");
        } else if (credential == Credential.MISSING && mode != JwtMode.STRICT) {
            assertSame(Identity.ANONYMOUS, Authn.accepted(authenticator, headers));
            assertTrue(headers.isEmpty());
        } else if (mode == JwtMode.PERMISSIVE) {
            Identity identity = Authn.accepted(authenticator, headers);
            assertSame(Identity.ANONYMOUS, identity, "permissive passes an invalid token without claims");
            assertEquals(authorization, headers.get("Authorization"), "the credential is forwarded unchanged");
            assertEquals(1, headers.getAll("Authorization").size());
        } else {
            Authentication refusal = Authn.refused(authenticator, headers);
            assertEquals(credential.failure, refusal.failure());
            assertEquals(token != null, refusal.tokenPresented());
        }
    }

    static Stream<Credential> invalidTokens() {
        return Stream.of(Credential.values()).filter(c -> c.failure != null && c != Credential.MISSING);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidTokens")
    void rejectionReasonNeverEchoesTheToken(Credential credential) {
        String token = credential.token.get();
        Authentication refusal = Authn.refused(authenticator(JwtMode.STRICT), headers("Bearer " + token));

        String body = "authentication failure: " + refusal.failure().text();
        for (String text : List.of(body, refusal.failure().text())) {
            assertFalse(text.contains(token), text);
            for (String segment : token.split("\\.")) {
                if (segment.length() > 3) {
                    assertFalse(text.contains(segment), () -> "reason echoes a token segment: " + text);
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(JwtMode.class)
    void validTokenAmongOtherHeadersRemovesOnlyTheCredential(JwtMode mode) {
        MultiMap headers = headers("Bearer " + Credential.VALID.token.get());
        headers.add("X-Request-Id", "abc");
        headers.add("Cookie", "session=1");

        Authn.accepted(authenticator(mode), headers);

        assertNull(headers.get("authorization"));
        assertEquals("abc", headers.get("x-request-id"));
        assertEquals("session=1", headers.get("cookie"));
    }

    // --- helpers ---

    static JwtAuthenticator authenticator(JwtMode mode) {
        List<KeySetParser.ParsedKey> keys = KeySetParser.parse(TestKeys.jwks(SIGNER.getPublic(), KID));
        TokenVerifier verifier = TokenVerifier.create(
                List.of(new TokenVerifier.ProviderSpec(ISSUER, Set.of(AUDIENCE), JwksSource.fixed(keys))),
                Duration.ofSeconds(60));
        return new JwtAuthenticator(ROUTE, mode, TokenLocation.DEFAULT, verifier, Duration.ZERO);
    }

    static MultiMap headers(String authorization) {
        MultiMap headers = MultiMap.caseInsensitiveMultiMap();
        if (authorization != null) {
            headers.add("Authorization", authorization);
        }
        return headers;
    }

    private static JwtClaims claims() {
        return Tokens.claims(ISSUER, AUDIENCE);
    }

    private static String rs256(KeyPair pair, String kid, JwtClaims claims) {
        return Tokens.sign(pair.getPrivate(), "RS256", kid, claims);
    }
}
