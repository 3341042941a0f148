package dev.edgeproxy.jwt;

import io.smallrye.jwt.algorithm.SignatureAlgorithm;
import io.smallrye.jwt.auth.principal.DefaultJWTTokenParser;
import io.smallrye.jwt.auth.principal.JWTAuthContextInfo;
import io.smallrye.jwt.auth.principal.ParseException;
import org.jose4j.jwt.consumer.ErrorCodes;
import org.jose4j.jwt.consumer.InvalidJwtException;

import java.security.PublicKey;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * One public key of one provider, with the smallrye-jwt parser that verifies tokens against it.
 *
 * <p>Each key gets its own {@link JWTAuthContextInfo} and its own {@link DefaultJWTTokenParser}:
 * smallrye-jwt caches key resolvers per parser, and sharing one would let keys leak between
 * providers or routes. The token parser is the part of smallrye-jwt's {@code DefaultJWTParser} that
 * verifies; the principal the latter would build on top (a second conversion of every claim, which
 * edge-proxy never reads) is skipped. Pinning the key also means smallrye never resolves keys itself, so header
 * fields such as {@code jku}, {@code x5u} or {@code jwk} can never make it fetch or trust a key.
 */
final class VerificationKey {

    private final String kid;
    private final Set<String> algorithms;
    private final JWTAuthContextInfo context;
    private final DefaultJWTTokenParser parser = new DefaultJWTTokenParser();

    VerificationKey(String kid, PublicKey key, Set<String> algorithms, String issuer, Set<String> audiences,
            Duration clockSkew) {
        this.kid = kid;
        this.algorithms = Set.copyOf(algorithms);
        context = new JWTAuthContextInfo();
        context.setPublicVerificationKey(key);
        context.setIssuedBy(issuer);
        context.setExpectedAudience(audiences.isEmpty() ? null : Set.copyOf(audiences));
        context.setSignatureAlgorithm(algorithms.stream()
                .map(SignatureAlgorithm::fromAlgorithm)
                .collect(Collectors.toCollection(() -> EnumSet.noneOf(SignatureAlgorithm.class))));
        context.setClockSkew((int) clockSkew.toSeconds());
        context.setRequireNamedPrincipal(false);
        // Only exp is required (docs/reference.md#jwt-authentication); else smallrye-jwt would demand iat too.
        context.setMaxTimeToLiveSecs(0L);
    }

    /** {@code null} when the key document gave the key no id (a PEM key, a kid-less JWK). */
    String kid() {
        return kid;
    }

    boolean accepts(String alg) {
        return algorithms.contains(alg);
    }

    /** Verifies signature, {@code iss}, {@code aud}, {@code exp} and {@code nbf}. */
    void verify(String compact) throws TokenRejected {
        try {
            parser.parse(compact, context);
        } catch (ParseException e) {
            throw new TokenRejected(reasonOf(e));
        }
    }

    /** Maps smallrye's single exception type back to the check that failed. */
    static AuthFailure reasonOf(ParseException e) {
        for (Throwable t = e.getCause(); t != null; t = t.getCause()) {
            if (t instanceof InvalidJwtException invalid) {
                if (invalid.hasErrorCode(ErrorCodes.SIGNATURE_INVALID) || invalid.hasErrorCode(ErrorCodes.SIGNATURE_MISSING)) {
                    return AuthFailure.BAD_SIGNATURE;
                }
                if (invalid.hasErrorCode(ErrorCodes.EXPIRED)) {
                    return AuthFailure.EXPIRED;
                }
                if (invalid.hasErrorCode(ErrorCodes.NOT_YET_VALID)) {
                    return AuthFailure.NOT_YET_VALID;
                }
                if (invalid.hasErrorCode(ErrorCodes.EXPIRATION_MISSING)) {
                    return AuthFailure.MISSING_EXPIRY;
                }
                if (invalid.hasErrorCode(ErrorCodes.ISSUER_INVALID) || invalid.hasErrorCode(ErrorCodes.ISSUER_MISSING)) {
                    return AuthFailure.WRONG_ISSUER;
                }
                if (invalid.hasErrorCode(ErrorCodes.AUDIENCE_INVALID) || invalid.hasErrorCode(ErrorCodes.AUDIENCE_MISSING)) {
                    return AuthFailure.WRONG_AUDIENCE;
                }
                if (invalid.hasErrorCode(ErrorCodes.MALFORMED_CLAIM) || invalid.hasErrorCode(ErrorCodes.JSON_INVALID)) {
                    return AuthFailure.MALFORMED;
                }
                return invalid.getErrorDetails().isEmpty() ? AuthFailure.BAD_SIGNATURE : AuthFailure.INVALID_CLAIMS;
            }
        }
        return AuthFailure.BAD_SIGNATURE;
    }
}
