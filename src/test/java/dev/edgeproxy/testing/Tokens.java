package dev.edgeproxy.testing;

import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;

import java.security.Key;
import java.security.PublicKey;
import javax.crypto.spec.SecretKeySpec;

/**
 * Tokens for tests: claims a provider accepts (jose4j's {@link JwtClaims} writes them), signed by the one
 * minter, {@link JwsMinter}; well-formed tokens and the classic attack tokens.
 */
public final class Tokens {

    private Tokens() {
    }

    /**
     * Claims that a provider with this issuer and audience accepts: {@code sub}, {@code iat} now and
     * {@code exp} in five minutes. Tests change what they are about.
     */
    public static JwtClaims claims(String issuer, String audience) {
        JwtClaims claims = new JwtClaims();
        claims.setIssuer(issuer);
        if (audience != null) {
            claims.setAudience(audience);
        }
        claims.setSubject("alice");
        claims.setIssuedAt(secondsFromNow(0));
        claims.setExpirationTime(secondsFromNow(300));
        return claims;
    }

    /** Now plus {@code seconds} (negative for the past). */
    public static NumericDate secondsFromNow(long seconds) {
        NumericDate date = NumericDate.now();
        date.addSeconds(seconds);
        return date;
    }

    /**
     * A compact JWS of {@code claims} signed with {@code key}.
     *
     * @param kid the {@code kid} header, or {@code null} for none
     */
    public static String sign(Key key, String alg, String kid, JwtClaims claims) {
        return sign(key, alg, kid, claims.toJson());
    }

    /** As {@link #sign(Key, String, String, JwtClaims)} with a literal JSON payload. */
    public static String sign(Key key, String alg, String kid, String payload) {
        return JwsMinter.sign(key, alg, kid, payload);
    }

    /** An unsecured token: {@code alg: none}, empty signature ({@code header.payload.}). */
    public static String algNone(String kid, JwtClaims claims) {
        return JwsMinter.sign(null, "none", kid, claims.toJson());
    }

    /**
     * The algorithm-confusion attack: HS256 with the RSA public key's encoded bytes, which anyone can
     * read from the JWKS, as the HMAC secret.
     */
    public static String hs256WithPublicKey(PublicKey publicKey, String kid, JwtClaims claims) {
        return sign(new SecretKeySpec(publicKey.getEncoded(), "HmacSHA256"), "HS256", kid, claims);
    }
}
