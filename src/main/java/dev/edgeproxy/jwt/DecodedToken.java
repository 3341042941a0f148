package dev.edgeproxy.jwt;

import dev.edgeproxy.error.AuthFailure;
import org.jose4j.base64url.Base64Url;
import org.jose4j.json.JsonUtil;
import org.jose4j.lang.JoseException;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * A compact JWS split and decoded but <em>not verified</em>: used only to pick candidate keys and,
 * after smallrye-jwt has verified the signature over exactly these bytes, as the claim set.
 */
record DecodedToken(String compact, Map<String, Object> header, Map<String, Object> claims) {

    static DecodedToken decode(String compact) throws TokenRejected {
        int first = compact.indexOf('.');
        int second = first < 0 ? -1 : compact.indexOf('.', first + 1);
        // An empty signature segment is structurally fine (that is how alg "none" looks); the algorithm
        // check refuses it with a reason that says why.
        if (first <= 0 || second < 0 || compact.indexOf('.', second + 1) >= 0) {
            throw new TokenRejected(AuthFailure.MALFORMED);
        }
        try {
            Map<String, Object> header = json(compact.substring(0, first));
            Map<String, Object> claims = json(compact.substring(first + 1, second));
            return new DecodedToken(compact, header, claims);
        } catch (JoseException | IllegalArgumentException | ClassCastException e) {
            throw new TokenRejected(AuthFailure.MALFORMED);
        }
    }

    private static Map<String, Object> json(String part) throws JoseException {
        String text = new String(Base64Url.decode(part), StandardCharsets.UTF_8);
        return JsonUtil.parseJson(text);
    }

    String alg() {
        return header.get("alg") instanceof String s ? s : null;
    }

    String kid() {
        return header.get("kid") instanceof String s ? s : null;
    }

    String issuer() {
        return claims.get("iss") instanceof String s ? s : null;
    }
}
