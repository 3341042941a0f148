package dev.edgeproxy.testing;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The one token minter of the tests, the JMH benchmarks and the load benchmarks ({@code bench/TokenGen.java}
 * compiles it beside itself): compact JWS with the JDK alone, no dependency, so that a benchmark script can
 * build it with {@code javac} before any Maven build. Signs what it is given, including what a verifier must
 * refuse ({@code alg: none}, HMAC with any secret, any header), since tests need those tokens too.
 */
public final class JwsMinter {

    private static final Base64.Encoder B64U = Base64.getUrlEncoder().withoutPadding();

    private JwsMinter() {
    }

    /**
     * A compact JWS: {@code header} (written in its iteration order) and {@code payload} (JSON), signed with
     * {@code key} by {@code header.alg}: RS/PS/ES 256-512 and EdDSA with a private key, HS256-512 with a
     * secret key, nothing for {@code none} (the signature part is then empty).
     */
    public static String sign(Key key, Map<String, ?> header, String payload) {
        String alg = String.valueOf(header.get("alg"));
        String input = b64(json(header).getBytes(StandardCharsets.UTF_8)) + "."
                + b64(payload.getBytes(StandardCharsets.UTF_8));
        return input + "." + b64(signature(key, alg, input.getBytes(StandardCharsets.US_ASCII)));
    }

    /** As {@link #sign(Key, Map, String)} with the header {@code {"alg", "kid"}} ({@code kid} left out when null). */
    public static String sign(Key key, String alg, String kid, String payload) {
        return sign(key, alg, kid, Map.of(), payload);
    }

    /**
     * As {@link #sign(Key, String, String, String)} with {@code more} header members after {@code alg} and
     * {@code kid}; one of them may replace either, and the final {@code alg} is the one signed with.
     */
    public static String sign(Key key, String alg, String kid, Map<String, ?> more, String payload) {
        Map<String, Object> header = new LinkedHashMap<>();
        header.put("alg", alg);
        if (kid != null) {
            header.put("kid", kid);
        }
        header.putAll(more);
        return sign(key, header, payload);
    }

    /** The signature of {@code input} with {@code key} under the JWS algorithm {@code alg}. */
    public static byte[] signature(Key key, String alg, byte[] input) {
        try {
            if (alg.equals("none")) {
                return new byte[0];
            }
            if (alg.startsWith("HS")) {
                String mac = "Hmac" + sha(alg);
                Mac hmac = Mac.getInstance(mac);
                hmac.init(new SecretKeySpec(key.getEncoded(), mac));
                return hmac.doFinal(input);
            }
            Signature signature = signer(alg);
            signature.initSign((PrivateKey) key);
            signature.update(input);
            return signature.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot sign with " + alg + ": " + e.getMessage(), e);
        }
    }

    /** A JDK signature for a JWS algorithm, not yet initialised. */
    public static Signature signer(String alg) throws GeneralSecurityException {
        if (alg.equals("EdDSA")) {
            return Signature.getInstance("EdDSA");
        }
        String sha = sha(alg);
        switch (alg.substring(0, 2)) {
            case "RS":
                return Signature.getInstance(sha + "withRSA");
            case "ES":
                return Signature.getInstance(sha + "withECDSAinP1363Format");
            case "PS": {
                Signature pss = Signature.getInstance("RSASSA-PSS");
                String digest = "SHA-" + sha.substring(3);
                int saltLength = Integer.parseInt(sha.substring(3)) / 8;
                pss.setParameter(new PSSParameterSpec(digest, "MGF1", new MGF1ParameterSpec(digest), saltLength, 1));
                return pss;
            }
            default:
                throw new IllegalArgumentException("unknown JWS algorithm " + alg);
        }
    }

    /** {@code SHA256} for {@code RS256}, {@code ES256}, {@code HS256}, {@code PS256}. */
    private static String sha(String alg) {
        String bits = alg.substring(2);
        if (!List.of("256", "384", "512").contains(bits)) {
            throw new IllegalArgumentException("unknown JWS algorithm " + alg);
        }
        return "SHA" + bits;
    }

    public static String b64(byte[] bytes) {
        return B64U.encodeToString(bytes);
    }

    /** JSON of maps (in iteration order), lists, strings, numbers, booleans and null. */
    public static String json(Object value) {
        StringBuilder out = new StringBuilder();
        write(out, value);
        return out.toString();
    }

    private static void write(StringBuilder out, Object value) {
        if (value == null) {
            out.append("null");
        } else if (value instanceof String s) {
            string(out, s);
        } else if (value instanceof Number || value instanceof Boolean) {
            out.append(value instanceof BigDecimal d ? d.toPlainString() : value.toString());
        } else if (value instanceof Map<?, ?> map) {
            out.append('{');
            Iterator<? extends Map.Entry<?, ?>> entries = map.entrySet().iterator();
            while (entries.hasNext()) {
                Map.Entry<?, ?> entry = entries.next();
                string(out, String.valueOf(entry.getKey()));
                out.append(':');
                write(out, entry.getValue());
                if (entries.hasNext()) {
                    out.append(',');
                }
            }
            out.append('}');
        } else if (value instanceof Iterable<?> list) {
            out.append('[');
            Iterator<?> items = list.iterator();
            while (items.hasNext()) {
                write(out, items.next());
                if (items.hasNext()) {
                    out.append(',');
                }
            }
            out.append(']');
        } else {
            throw new IllegalArgumentException("no JSON for " + value.getClass().getName());
        }
    }

    private static void string(StringBuilder out, String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
