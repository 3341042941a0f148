package dev.edgeproxy.jwt;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.util.Base64;
import java.util.Map;

/**
 * A compact JWS split and decoded but <em>not verified</em>: used only to pick candidate keys and,
 * after smallrye-jwt has verified the signature over exactly these bytes, as the claim set.
 *
 * <p>Parsed with Jackson rather than jose4j's JSON reader: jose4j's lexer allocates a large buffer per
 * document, most of what an uncached verification allocated (JMH {@code -prof gc}; the figures are in
 * bench/README.md#microbenchmarks). Strict like jose4j: a duplicate member name, trailing content or anything but an
 * object at the top level is malformed.
 */
record DecodedToken(String compact, Map<String, Object> header, Map<String, Object> claims) {

    private static final ObjectReader OBJECT = JsonMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build()
            .readerFor(new TypeReference<Map<String, Object>>() { });

    static DecodedToken decode(String compact) throws TokenRejected {
        // Three canonical base64url parts, or MALFORMED (an empty signature is allowed: that is how
        // alg "none" looks, and the algorithm check refuses it with a reason that says why).
        CanonicalToken.require(compact);
        int first = compact.indexOf('.');
        int second = compact.indexOf('.', first + 1);
        try {
            Map<String, Object> header = json(compact.substring(0, first));
            Map<String, Object> claims = json(compact.substring(first + 1, second));
            return new DecodedToken(compact, header, claims);
        } catch (IOException | IllegalArgumentException e) {
            throw new TokenRejected(AuthFailure.MALFORMED);
        }
    }

    private static Map<String, Object> json(String part) throws IOException {
        Map<String, Object> object = OBJECT.readValue(Base64.getUrlDecoder().decode(part));
        if (object == null) {
            throw new IllegalArgumentException("not a JSON object");
        }
        return object;
    }

    String alg() {
        return header.get("alg") instanceof String s ? s : null;
    }

    String kid() {
        return header.get("kid") instanceof String s ? s : null;
    }

    /**
     * Whether the header holds nothing that changes how the signature or the payload is read: no
     * {@code crit}, {@code b64} (an unencoded payload), {@code cty} (a nested token) or {@code zip}. Only such
     * tokens take {@link VerificationKey}'s direct path; the rest go to smallrye-jwt's parser as a whole.
     */
    boolean plainShape() {
        return !header.containsKey("crit") && !header.containsKey("b64")
                && !header.containsKey("cty") && !header.containsKey("zip");
    }

    String issuer() {
        return claims.get("iss") instanceof String s ? s : null;
    }
}
