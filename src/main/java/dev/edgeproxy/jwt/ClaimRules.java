package dev.edgeproxy.jwt;

import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.MalformedClaimException;
import org.jose4j.jwt.consumer.AudValidator;
import org.jose4j.jwt.consumer.ErrorCodeValidator;
import org.jose4j.jwt.consumer.ErrorCodes;
import org.jose4j.jwt.consumer.InvalidJwtException;
import org.jose4j.jwt.consumer.IssValidator;
import org.jose4j.jwt.consumer.JtiValidator;
import org.jose4j.jwt.consumer.JwtContext;
import org.jose4j.jwt.consumer.NumericDateValidator;
import org.jose4j.jwt.consumer.SubValidator;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The claim rules of one provider, checked by jose4j's own validators over claims that are already decoded.
 *
 * <p>The validators are the ones smallrye-jwt's token parser has jose4j's {@code JwtConsumerBuilder} build
 * for edge-proxy's settings (docs/reference.md#jwt-authentication): audience when the provider names audiences,
 * issuer (required), dates ({@code exp} required, the leeway), and the default subject and token-id checks
 * (neither required, but a non-string value is malformed). They run in the same order and every one runs, as
 * in {@code JwtConsumer}, so a token breaking several rules reports the same reason on both paths
 * ({@link VerificationKey#reasonOf}). {@code VerificationEquivalenceTest} holds the two paths to that.
 */
final class ClaimRules {

    private final List<ErrorCodeValidator> validators;

    ClaimRules(String issuer, Set<String> audiences, Duration clockSkew) {
        List<ErrorCodeValidator> list = new ArrayList<>();
        if (!audiences.isEmpty()) {
            list.add(new AudValidator(Set.copyOf(audiences), true));
        }
        if (issuer != null) {
            list.add(new IssValidator(issuer, true));
        }
        NumericDateValidator dates = new NumericDateValidator();
        dates.setRequireExp(true);
        if (clockSkew.toSeconds() > 0) {
            dates.setAllowedClockSkewSeconds((int) clockSkew.toSeconds());
        }
        list.add(dates);
        list.add(new SubValidator(false));
        list.add(new JtiValidator(false));
        validators = List.copyOf(list);
    }

    /** @throws TokenRejected naming the rule broken, as smallrye-jwt's parser would */
    void check(String compact, Map<String, Object> claims) throws TokenRejected {
        JwtClaims jwtClaims = new JwtClaims();
        claims.forEach(jwtClaims::setClaim);
        JwtContext context = new JwtContext(compact, jwtClaims, List.of());
        List<ErrorCodeValidator.Error> errors = null;
        for (ErrorCodeValidator validator : validators) {
            ErrorCodeValidator.Error error;
            try {
                error = validator.validate(context);
            } catch (MalformedClaimException e) {
                error = new ErrorCodeValidator.Error(ErrorCodes.MALFORMED_CLAIM, e.getMessage());
            } catch (RuntimeException e) {
                error = new ErrorCodeValidator.Error(ErrorCodes.MISCELLANEOUS, e.toString());
            }
            if (error != null) {
                if (errors == null) {
                    errors = new ArrayList<>(2);
                }
                errors.add(error);
            }
        }
        if (errors != null) {
            throw new TokenRejected(VerificationKey.reasonOf(new InvalidJwtException("invalid claims", errors, context)));
        }
    }
}
