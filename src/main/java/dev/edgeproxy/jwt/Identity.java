package dev.edgeproxy.jwt;

import java.util.Map;

/**
 * Who the request is, as far as the JWT policy could verify.
 *
 * @param claims the verified claims as plain Java values (String, Long, Double, Boolean, List, Map);
 *               empty when the request is anonymous
 */
public record Identity(Map<String, Object> claims) {

    public static final Identity ANONYMOUS = new Identity(Map.of());

    public boolean verified() {
        return !claims.isEmpty();
    }
}
