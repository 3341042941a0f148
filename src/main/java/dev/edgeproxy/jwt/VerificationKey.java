package dev.edgeproxy.jwt;

import dev.edgeproxy.crypto.SignatureProvider;
import io.smallrye.jwt.algorithm.SignatureAlgorithm;
import io.smallrye.jwt.auth.principal.DefaultJWTTokenParser;
import io.smallrye.jwt.auth.principal.JWTAuthContextInfo;
import io.smallrye.jwt.auth.principal.ParseException;
import org.jose4j.jwa.AlgorithmFactoryFactory;
import org.jose4j.jws.JsonWebSignatureAlgorithm;
import org.jose4j.jwt.consumer.ErrorCodes;
import org.jose4j.jwt.consumer.InvalidJwtException;
import org.jose4j.lang.JoseException;
import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.security.interfaces.EdECKey;
import java.time.Duration;
import java.util.Base64;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * One public key of one provider, and how a token is checked against it.
 *
 * <p>Two paths, one outcome. The <em>direct</em> path ({@link #verify}) works on the token as
 * {@link DecodedToken} has already decoded it: jose4j's signature algorithm checks the signature over the
 * token's own bytes with this key, through the provider {@link SignatureProvider} chose, and
 * {@link ClaimRules} runs jose4j's claim validators on the decoded claims. smallrye-jwt's token parser
 * ({@link #verifyBySmallrye}) is the verifier of record: it is what the direct path must equal, and what
 * decides whenever a token is not of the plain shape the direct path handles (a {@code crit}, {@code b64},
 * {@code cty} or {@code zip} header, or a signature jose4j cannot even evaluate). The direct path exists
 * because the parser decodes the token a second time and builds jose4j's objects around it, a cost that
 * weighs on every uncached verification once the signature check itself is fast (JMH
 * {@code TokenVerification}; the figures are in bench/README.md#native-binary-accp-and-epoll).
 * {@code VerificationEquivalenceTest} runs every case of the verification tables through both paths and
 * requires identical outcomes.
 *
 * <p>Each key gets its own {@link JWTAuthContextInfo} and its own {@link DefaultJWTTokenParser}:
 * smallrye-jwt caches key resolvers per parser, and sharing one would let keys leak between
 * providers or routes. Pinning the key also means neither path ever resolves keys from the token, so header
 * fields such as {@code jku}, {@code x5u} or {@code jwk} can never make it fetch or trust a key.
 */
final class VerificationKey {

    private final String kid;
    private final Set<String> algorithms;
    private final JWTAuthContextInfo context;
    private final DefaultJWTTokenParser parser = new DefaultJWTTokenParser();
    private final PublicKey key;
    /** jose4j's signature algorithm for each JWS algorithm of this key, resolved once; absent: the parser's. */
    private final Map<String, JsonWebSignatureAlgorithm> signatureAlgorithms;
    private final ClaimRules claimRules;
    /**
     * The key as the signature provider holds it natively ({@link SignatureProvider#nativeKey}), made at the
     * first check once the provider is chosen: keys are built while the configuration compiles, and ACCP
     * loads in the background.
     */
    private volatile PublicKey nativeKey;
    /** RFC 8032's signature length for an EdDSA key (64 or 114 bytes); 0 for other keys. */
    private final int edDsaSignatureLength;

    VerificationKey(String kid, PublicKey key, Set<String> algorithms, String issuer, Set<String> audiences,
            Duration clockSkew) {
        this.kid = kid;
        this.algorithms = Set.copyOf(algorithms);
        this.key = key;
        this.signatureAlgorithms = signatureAlgorithms(this.algorithms);
        this.claimRules = new ClaimRules(issuer, audiences, clockSkew);
        this.edDsaSignatureLength = key instanceof EdECKey ed
                ? (ed.getParams().getName().equalsIgnoreCase("Ed448") ? 114 : 64) : 0;
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

    /**
     * Verifies signature, {@code iss}, {@code aud}, {@code exp} and {@code nbf} of a decoded token whose
     * algorithm this key {@link #accepts}.
     */
    void verify(DecodedToken token) throws TokenRejected {
        JsonWebSignatureAlgorithm algorithm = signatureAlgorithms.get(token.alg());
        if (algorithm == null || !token.plainShape()) {
            verifyBySmallrye(token.compact());
            return;
        }
        String compact = token.compact();
        int lastDot = compact.lastIndexOf('.');
        byte[] signature = Base64.getUrlDecoder().decode(compact.substring(lastDot + 1));
        if (edDsaSignatureLength > 0 && signature.length != edDsaSignatureLength) {
            // The JDK's EdDSA ignores bytes after the signature, so a token could be respelled and still
            // verify there; ACCP refuses it. Refused here whichever provider checks.
            throw new TokenRejected(AuthFailure.BAD_SIGNATURE);
        }
        boolean valid;
        try {
            valid = algorithm.verifySignature(
                    signature,
                    checkingKey(),
                    compact.substring(0, lastDot).getBytes(StandardCharsets.US_ASCII),
                    SignatureProvider.contextFor(token.alg()));
        } catch (JoseException e) {
            // A signature jose4j cannot evaluate (wrong size, a key the provider refuses): rare, and only
            // ever a rejection; the parser of record names it.
            verifyBySmallrye(compact);
            return;
        }
        if (!valid) {
            throw new TokenRejected(AuthFailure.BAD_SIGNATURE);
        }
        claimRules.check(compact, token.claims());
    }

    /** The key to check with: as the signature provider holds it, once the provider is chosen. */
    private PublicKey checkingKey() {
        PublicKey checking = nativeKey;
        if (checking == null) {
            checking = SignatureProvider.nativeKey(algorithms, key);
            if (checking == null) {
                return key; // ACCP may still be loading: ask again next time
            }
            nativeKey = checking;
        }
        return checking;
    }

    private static Map<String, JsonWebSignatureAlgorithm> signatureAlgorithms(Set<String> jwsAlgs) {
        Map<String, JsonWebSignatureAlgorithm> out = new HashMap<>();
        for (String alg : jwsAlgs) {
            try {
                out.put(alg, AlgorithmFactoryFactory.getInstance().getJwsAlgorithmFactory().getAlgorithm(alg));
            } catch (JoseException unavailable) {
                // not in this runtime: smallrye-jwt's parser decides such tokens (and names the failure)
            }
        }
        return Map.copyOf(out);
    }

    /** The verifier of record: smallrye-jwt's token parser over the compact token. */
    void verifyBySmallrye(String compact) throws TokenRejected {
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
                return reasonOf(invalid);
            }
        }
        return AuthFailure.BAD_SIGNATURE;
    }

    /** The check that failed, by jose4j's error codes; several failed: the first in this order. */
    static AuthFailure reasonOf(InvalidJwtException invalid) {
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
