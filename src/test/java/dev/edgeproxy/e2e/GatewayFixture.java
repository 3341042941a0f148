package dev.edgeproxy.e2e;

import dev.edgeproxy.testing.JwsMinter;
import dev.edgeproxy.testing.RawOrigin;
import dev.edgeproxy.testing.Tokens;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;

import java.security.KeyPair;
import java.util.List;

/**
 * What the end-to-end tests need from the running setup: the signing key whose public half the
 * gateway trusts, and the origins (the echo origin, and a raw-socket one that keeps the exact bytes it received
 * for the routes under {@code /raw}). Handed to test classes by {@link GatewayTestResource}.
 */
public record GatewayFixture(KeyPair signingKey, String kid, KeyPair strangerKey, EchoUpstream upstream,
        TraceCollector traces, RawOrigin rawOrigin) {

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

    /** An RS256 token with extra protected header members (jku, jwk, crit, ...). */
    public String signWithHeaders(JwtClaims claims, KeyPair key, String keyId, java.util.Map<String, Object> headers) {
        return JwsMinter.sign(key.getPrivate(), AlgorithmIdentifiers.RSA_USING_SHA256, keyId, headers, claims.toJson());
    }

    public String sign(JwtClaims claims, KeyPair key, String keyId) {
        return Tokens.sign(key.getPrivate(), AlgorithmIdentifiers.RSA_USING_SHA256, keyId, claims);
    }
}
