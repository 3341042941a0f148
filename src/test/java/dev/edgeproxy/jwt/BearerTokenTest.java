package dev.edgeproxy.jwt;

import dev.edgeproxy.jwt.AuthFailure;
import dev.edgeproxy.error.GatewayError;
import dev.edgeproxy.testing.TestKeys;
import dev.edgeproxy.testing.Tokens;
import io.vertx.core.MultiMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.security.KeyPair;
import java.time.Duration;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Where the credential comes from: {@code Authorization: Bearer <token>}, and nothing else. */
class BearerTokenTest {

    private static final String ISSUER = "https://idp.example.test";
    private static final KeyPair SIGNER = TestKeys.rsa2048();
    private static final String VALID = Tokens.sign(SIGNER.getPrivate(), "RS256", "k", Tokens.claims(ISSUER, null));

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"Basic YWxpY2U6c2VjcmV0", "Digest username=\"alice\"", "Token %s", "DPoP %s",
            "Bearer%s", "%s"})
    void otherSchemesCountAsNoTokenAndStayUntouched(String template) {
        String authorization = template.formatted(VALID);

        MultiMap optional = headers(authorization);
        assertSame(Identity.ANONYMOUS, authenticator(JwtMode.OPTIONAL).authenticate(optional));
        assertEquals(authorization, optional.get("Authorization"));

        MultiMap strict = headers(authorization);
        GatewayError.Unauthenticated error = assertThrows(GatewayError.Unauthenticated.class,
                () -> authenticator(JwtMode.STRICT).authenticate(strict));
        assertEquals(AuthFailure.MISSING_TOKEN, error.reason());
        assertEquals(false, error.tokenPresented());
        assertEquals(authorization, strict.get("Authorization"));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"bearer %s", "BEARER %s", "bEaReR %s", "Bearer   %s  ", "Bearer\t%s", "  Bearer %s"})
    void bearerSchemeIsMatchedCaseInsensitivelyAndWhitespaceTolerantly(String template) {
        MultiMap headers = headers(template.formatted(VALID));

        Identity identity = authenticator(JwtMode.STRICT).authenticate(headers);

        assertTrue(identity.verified());
        assertEquals("alice", identity.claims().get("sub"));
        assertNull(headers.get("Authorization"));
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = JwtMode.class, names = {"STRICT", "OPTIONAL"})
    void bareBearerIsAPresentedMalformedToken(JwtMode mode) {
        for (String bare : List.of("Bearer", "bearer", "Bearer   ")) {
            GatewayError.Unauthenticated error = assertThrows(GatewayError.Unauthenticated.class,
                    () -> authenticator(mode).authenticate(headers(bare)));
            assertEquals(AuthFailure.MALFORMED, error.reason(), bare);
            assertTrue(error.tokenPresented(), bare);
        }
    }

    @Test
    void bareBearerPassesPermissiveUnchanged() {
        MultiMap headers = headers("Bearer");

        assertSame(Identity.ANONYMOUS, authenticator(JwtMode.PERMISSIVE).authenticate(headers));
        assertEquals("Bearer", headers.get("Authorization"));
    }

    @Test
    void headerNameIsCaseInsensitive() {
        MultiMap headers = MultiMap.caseInsensitiveMultiMap().add("AUTHORIZATION", "Bearer " + VALID);

        assertTrue(authenticator(JwtMode.STRICT).authenticate(headers).verified());
        assertTrue(headers.isEmpty());
    }

    private static JwtAuthenticator authenticator(JwtMode mode) {
        TokenVerifier verifier = TokenVerifier.create(List.of(new TokenVerifier.ProviderSpec(ISSUER, Set.of(),
                JwksSource.fixed(KeySetParser.parse(TestKeys.jwks(SIGNER.getPublic(), "k"))))), Duration.ofSeconds(60));
        return new JwtAuthenticator("bearer-route", mode, verifier);
    }

    private static MultiMap headers(String authorization) {
        return MultiMap.caseInsensitiveMultiMap().add("Authorization", authorization);
    }
}
