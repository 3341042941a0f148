package dev.edgeproxy.jwt;

import dev.edgeproxy.jwt.jwks.JwksSource;
import dev.edgeproxy.jwt.jwks.KeySetParser;
import dev.edgeproxy.testing.Authn;
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
        assertSame(Identity.ANONYMOUS, Authn.accepted(authenticator(JwtMode.OPTIONAL), optional));
        assertEquals(authorization, optional.get("Authorization"));

        MultiMap strict = headers(authorization);
        Authentication refusal = Authn.refused(authenticator(JwtMode.STRICT), strict);
        assertEquals(AuthFailure.MISSING_TOKEN, refusal.failure());
        assertEquals(false, refusal.tokenPresented());
        assertEquals(authorization, strict.get("Authorization"));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"bearer %s", "BEARER %s", "bEaReR %s", "Bearer   %s  ", "Bearer\t%s", "  Bearer %s"})
    void bearerSchemeIsMatchedCaseInsensitivelyAndWhitespaceTolerantly(String template) {
        MultiMap headers = headers(template.formatted(VALID));

        Identity identity = Authn.accepted(authenticator(JwtMode.STRICT), headers);

        assertTrue(identity.verified());
        assertEquals("alice", identity.claims().get("sub"));
        assertNull(headers.get("Authorization"));
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = JwtMode.class, names = {"STRICT", "OPTIONAL"})
    void bareBearerIsAPresentedMalformedToken(JwtMode mode) {
        for (String bare : List.of("Bearer", "bearer", "Bearer   ")) {
            Authentication refusal = Authn.refused(authenticator(mode), headers(bare));
            assertEquals(AuthFailure.MALFORMED, refusal.failure(), bare);
            assertTrue(refusal.tokenPresented(), bare);
        }
    }

    @Test
    void bareBearerPassesPermissiveUnchanged() {
        MultiMap headers = headers("Bearer");

        assertSame(Identity.ANONYMOUS, Authn.accepted(authenticator(JwtMode.PERMISSIVE), headers));
        assertEquals("Bearer", headers.get("Authorization"));
    }

    @Test
    void headerNameIsCaseInsensitive() {
        MultiMap headers = MultiMap.caseInsensitiveMultiMap().add("AUTHORIZATION", "Bearer " + VALID);

        assertTrue(Authn.accepted(authenticator(JwtMode.STRICT), headers).verified());
        assertTrue(headers.isEmpty());
    }

    private static JwtAuthenticator authenticator(JwtMode mode) {
        TokenVerifier verifier = TokenVerifier.create(List.of(new TokenVerifier.ProviderSpec(ISSUER, Set.of(),
                JwksSource.fixed(KeySetParser.parse(TestKeys.jwks(SIGNER.getPublic(), "k"))))), Duration.ofSeconds(60));
        return new JwtAuthenticator("bearer-route", mode, TokenLocation.DEFAULT, verifier, Duration.ZERO);
    }

    private static MultiMap headers(String authorization) {
        return MultiMap.caseInsensitiveMultiMap().add("Authorization", authorization);
    }
}
