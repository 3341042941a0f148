package dev.edgeproxy.jwt;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The unverified split-and-decode step: what it accepts, and that anything odd is MALFORMED. */
class DecodedTokenTest {

    private static String b64(String json) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }

    private static String token(String header, String claims) {
        return b64(header) + "." + b64(claims) + ".c2ln";
    }

    @Test
    void decodesHeaderAndClaimsAsPlainJavaValues() throws TokenRejected {
        DecodedToken t = DecodedToken.decode(token("{\"alg\":\"RS256\",\"kid\":\"k1\"}",
                "{\"iss\":\"https://idp\",\"n\":7,\"big\":12345678901234567890,\"f\":1.5,\"groups\":[\"a\",\"b\"],"
                        + "\"o\":{\"x\":true}}"));
        assertEquals("RS256", t.alg());
        assertEquals("k1", t.kid());
        assertEquals("https://idp", t.issuer());
        Map<String, Object> plain = ClaimValues.plain(t.claims());
        assertEquals(7L, plain.get("n"));
        assertEquals(1.2345678901234567e19, plain.get("big"));
        assertEquals(1.5, plain.get("f"));
        assertEquals(List.of("a", "b"), plain.get("groups"));
        assertEquals(Map.of("x", true), plain.get("o"));
    }

    @Test
    void nonStringHeaderFieldsReadAsAbsent() throws TokenRejected {
        DecodedToken t = DecodedToken.decode(token("{\"alg\":1,\"kid\":[\"k\"]}", "{\"iss\":{}}"));
        assertEquals(null, t.alg());
        assertEquals(null, t.kid());
        assertEquals(null, t.issuer());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "duplicate claim name    | {\"alg\":\"RS256\"}             | {\"sub\":\"a\",\"sub\":\"b\"}",
            "duplicate header name   | {\"alg\":\"RS256\",\"alg\":\"none\"} | {\"sub\":\"a\"}",
            "trailing content        | {\"alg\":\"RS256\"}             | {\"sub\":\"a\"} {}",
            "claims are an array     | {\"alg\":\"RS256\"}             | [1,2]",
            "claims are null         | {\"alg\":\"RS256\"}             | null",
            "claims are a string     | {\"alg\":\"RS256\"}             | \"x\"",
            "not JSON                | {\"alg\":\"RS256\"}             | sub=a",
            "single quotes           | {'alg':'RS256'}                 | {\"sub\":\"a\"}",
            "comment                 | {\"alg\":\"RS256\"}             | {/*c*/\"sub\":\"a\"}",
            "NaN                     | {\"alg\":\"RS256\"}             | {\"n\":NaN}",
    })
    void oddJsonIsMalformed(String name, String header, String claims) {
        TokenRejected e = assertThrows(TokenRejected.class, () -> DecodedToken.decode(token(header, claims)));
        assertEquals(AuthFailure.MALFORMED, e.reason());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "empty                 | ''",
            "one segment           | abc",
            "two segments          | abc.def",
            "four segments         | a.b.c.d",
            "empty header segment  | .e30.sig",
            "not base64url         | e30*.e30.sig",
            "standard base64 chars | e3+=.e30.sig",
    })
    void brokenStructureIsMalformed(String name, String compact) {
        TokenRejected e = assertThrows(TokenRejected.class, () -> DecodedToken.decode(compact));
        assertEquals(AuthFailure.MALFORMED, e.reason());
    }
}
