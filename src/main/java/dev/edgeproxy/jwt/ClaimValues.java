package dev.edgeproxy.jwt;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Normalises decoded JSON claims into the plain, immutable Java values that CEL binds correctly:
 * String, Long, Double, Boolean, List and Map with String keys. JSON {@code null} members are
 * dropped, so {@code has(jwt.x)} is false for them, as for absent claims.
 */
final class ClaimValues {

    private ClaimValues() {
    }

    static Map<String, Object> plain(Map<String, Object> claims) {
        return map(claims);
    }

    private static Map<String, Object> map(Map<?, ?> in) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : in.entrySet()) {
            Object v = value(e.getValue());
            if (v != null) {
                out.put(String.valueOf(e.getKey()), v);
            }
        }
        return Collections.unmodifiableMap(out);
    }

    private static Object value(Object v) {
        if (v == null || v instanceof String || v instanceof Boolean || v instanceof Long || v instanceof Double) {
            return v;
        }
        if (v instanceof Integer || v instanceof Short || v instanceof Byte) {
            return ((Number) v).longValue();
        }
        if (v instanceof BigInteger big) {
            return big.bitLength() < 64 ? big.longValue() : big.doubleValue();
        }
        if (v instanceof BigDecimal || v instanceof Number) {
            return ((Number) v).doubleValue();
        }
        if (v instanceof Map<?, ?> m) {
            return map(m);
        }
        if (v instanceof List<?> list) {
            List<Object> out = new ArrayList<>(list.size());
            for (Object item : list) {
                Object converted = value(item);
                if (converted != null) {
                    out.add(converted);
                }
            }
            return Collections.unmodifiableList(out);
        }
        return String.valueOf(v);
    }
}
