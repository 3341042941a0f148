package dev.edgeproxy.e2e;

import dev.edgeproxy.testing.Tokens;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;

import java.security.KeyPair;
import java.util.List;

/**
 * What the end-to-end tests need from the running setup: the signing key whose public half the
 * gateway trusts, and the origin. Handed to test classes by {@link GatewayTestResource}.
 */
public record GatewayFixture(KeyPair signingKey, String kid, KeyPair strangerKey, EchoUpstream upstream) {

    public static final String ISSUER = "https://issuer.edge-tests";
    public static final String AUDIENCE = "edge-tests";

    /** A valid RS256 token for {@code sub} in {@code groups}. */
    public String token(String sub, String... groups) {
        return sign(claims(sub, groups), signingKey, kid);
    }

    public JwtClaims claims(String sub, String... groups) {
        JwtClaims claims = new JwtClaims();
        claims.setIssuer(ISSUER);
        claims.setAudience(AUDIENCE);
        claims.setSubject(sub);
        claims.setStringListClaim("groups", List.of(groups));
        claims.setIssuedAtToNow();
        claims.setExpirationTimeMinutesInTheFuture(10);
        return claims;
    }

    public String expiredToken(String sub) {
        JwtClaims claims = claims(sub);
        claims.setExpirationTime(NumericDate.fromSeconds(NumericDate.now().getValue() - 600));
        return sign(claims, signingKey, kid);
    }

    /** Same kid, signed by a key the gateway does not trust: a bad signature. */
    public String forgedToken(String sub, String... groups) {
        return sign(claims(sub, groups), strangerKey, kid);
    }

    public String sign(JwtClaims claims, KeyPair key, String keyId) {
        return Tokens.sign(key.getPrivate(), AlgorithmIdentifiers.RSA_USING_SHA256, keyId, claims);
    }
}
