package dev.edgeproxy.jwt;

import dev.edgeproxy.jwt.jwks.JwksSource;
import dev.edgeproxy.jwt.jwks.KeySetParser;
import dev.edgeproxy.testing.TestKeys;
import dev.edgeproxy.testing.Tokens;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.security.KeyPair;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * A token has one spelling: three parts of canonical base64url. Every other spelling of a valid token,
 * even one a lenient decoder reads as the same bytes, is malformed before parsing, and never answered from
 * the cache, which holds canonical tokens only.
 */
class CanonicalTokenTest {

    private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    private static final String ISSUER = "https://idp.example.test";
    private static final KeyPair KEY = TestKeys.rsa2048();
    /** RS256 over 2048 bits: a 256-byte signature, 342 characters, so its last one carries 4 padding bits. */
    private static final String VALID = withBothUrlSafeCharacters();

    /**
     * A valid token holding both '-' and '_', so that every respelling into the standard alphabet changes it (a
     * random signature lacks one of them about once in a hundred runs): signed again with another nonce until so.
     */
    private static String withBothUrlSafeCharacters() {
        for (int nonce = 0; ; nonce++) {
            var claims = Tokens.claims(ISSUER, "aud");
            claims.setClaim("n", nonce);
            String token = Tokens.sign(KEY.getPrivate(), "RS256", "k", claims);
            if (token.indexOf('-') >= 0 && token.indexOf('_') >= 0) {
                return token;
            }
        }
    }

    private static TokenVerifier verifier() {
        return TokenVerifier.create(List.of(new TokenVerifier.ProviderSpec(ISSUER, Set.of(),
                JwksSource.fixed(KeySetParser.parse(TestKeys.jwks(KEY.getPublic(), "k"))))), Duration.ofSeconds(60));
    }

    // --- one part ---------------------------------------------------------------------------------

    @ParameterizedTest(name = "\"{0}\" canonical: {1}")
    @CsvSource(delimiter = '|', nullValues = "null", value = {
            "''      | true",
            "A       | false",   // length 1 mod 4 encodes no byte count
            "AAAAA   | false",
            "AA      | true",
            "AQ      | true",    // Q = 010000: the 4 padding bits are zero
            "AB      | false",   // B = 000001: a non-zero padding bit
            "AR      | false",
            "AAA     | true",
            "AAE     | true",    // E = 000100: the 2 padding bits are zero
            "AAF     | false",
            "AAB     | false",
            "AAAA    | true",
            "-_-_    | true",
            "AA==    | false",   // padding
            "AAA=    | false",
            "A+AA    | false",   // standard alphabet
            "A/AA    | false",
            "'A AA'  | false",   // whitespace
            "'AAAA '  | false",
            "A%2BA   | false",
            "AA.A    | false",
    })
    void partIsCanonicalOnlyInTheEncodersOwnSpelling(String part, boolean canonical) {
        assertEquals(canonical, CanonicalToken.canonical(part, 0, part.length()));
    }

    @Test
    void aForeignCharacterAnywhereInAPartIsCaught() {
        String part = "abcdefghijklmnopqrstuvwxyz-_0123456789ABCDE";
        assertEquals(true, CanonicalToken.canonical(part, 0, part.length()));
        for (char foreign : "=+/ .\r\t\u0010@[`{\u007f\u0080\u00ad\u00ff\u0100\u2212".toCharArray()) {
            for (int i = 0; i < part.length() - 1; i++) {
                String changed = part.substring(0, i) + foreign + part.substring(i + 1);
                assertEquals(false, CanonicalToken.canonical(changed, 0, changed.length()),
                        "U+" + Integer.toHexString(foreign) + " at " + i);
            }
        }
    }

    @Test
    void everyPartOfAValidTokenIsCanonical() throws TokenRejected {
        CanonicalToken.require(VALID);
        assertEquals(2, signature(VALID).length() % 4, "the signature's last character has padding bits");
    }

    // --- whole tokens --------------------------------------------------------------------------------

    static Stream<Arguments> respellings() {
        return Stream.of(
                row("padding on the signature", t -> t + "=="),
                row("padding on the header", t -> part(t, 0) + "=." + part(t, 1) + "." + part(t, 2)),
                row("padding on the payload", t -> part(t, 0) + "." + part(t, 1) + "==." + part(t, 2)),
                row("non-zero padding bits in the signature's last character", CanonicalTokenTest::flipPaddingBit),
                row("standard alphabet: '+' for '-'", t -> t.replace('-', '+')),
                row("standard alphabet: '/' for '_'", t -> t.replace('_', '/')),
                row("standard alphabet throughout", t -> t.replace('-', '+').replace('_', '/') + "A"),
                row("space inside the signature", t -> t.substring(0, t.length() - 10) + " " + t.substring(t.length() - 10)),
                row("line break inside the payload", t -> part(t, 0) + "." + part(t, 1).substring(0, 8) + "\r\n"
                        + part(t, 1).substring(8) + "." + part(t, 2)),
                row("tab before the signature", t -> part(t, 0) + "." + part(t, 1) + ".\t" + part(t, 2)),
                row("trailing space", t -> t + " "),
                row("signature of length 1 mod 4", t -> t.substring(0, t.length() - 1)),
                row("signature of length 1 mod 4 after padding", t -> t.substring(0, t.length() - 1) + "="),
                row("a non-ASCII character", t -> t.substring(0, 20) + "\u00e9" + t.substring(21)),
                row("a character beyond ISO-8859-1", t -> t.substring(0, 20) + "\u0100" + t.substring(21)),
                row("empty header", t -> "." + part(t, 1) + "." + part(t, 2)),
                row("empty payload", t -> part(t, 0) + ".." + part(t, 2)),
                row("no dots", t -> part(t, 0) + part(t, 1) + part(t, 2)),
                row("two parts", t -> part(t, 0) + "." + part(t, 1)),
                row("four parts", t -> t + ".AAAA"),
                row("percent-encoded dot", t -> part(t, 0) + "%2E" + part(t, 1) + "." + part(t, 2)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("respellings")
    void anyOtherSpellingIsMalformedEvenWhileTheTokenIsCached(String name, UnaryOperator<String> respell)
            throws TokenRejected {
        TokenVerifier verifier = verifier();
        verifier.verify(VALID); // now cached
        String respelled = respell.apply(VALID);
        assertNotEquals(VALID, respelled);

        TokenRejected rejected = assertThrows(TokenRejected.class, () -> verifier.verify(respelled));
        assertEquals(AuthFailure.MALFORMED, rejected.reason());
        assertEquals(AuthFailure.MALFORMED, assertThrows(TokenRejected.class, () -> DecodedToken.decode(respelled)).reason());
    }

    @Test
    void aLenientDecoderReadsTheRespelledSignatureAsTheSameBytes() {
        // Why the check exists: the JDK's decoder ignores padding bits, so this spelling carries the very
        // signature that verifies, and only the canonical-spelling rule tells the two strings apart.
        Base64.Decoder lenient = Base64.getUrlDecoder();
        assertArrayEquals(lenient.decode(signature(VALID)), lenient.decode(signature(flipPaddingBit(VALID))));
    }

    @Test
    void anEmptySignatureIsLeftToTheAlgorithmCheck() {
        String unsecured = Tokens.algNone("k", Tokens.claims(ISSUER, "aud"));
        assertEquals("", signature(unsecured));
        TokenRejected rejected = assertThrows(TokenRejected.class, () -> verifier().verify(unsecured));
        assertEquals(AuthFailure.UNSUPPORTED_ALGORITHM, rejected.reason());
    }

    // --- helpers ---------------------------------------------------------------------------------

    private static Arguments row(String name, UnaryOperator<String> respell) {
        return Arguments.of(name, respell);
    }

    private static String part(String token, int index) {
        return token.split("\\.", -1)[index];
    }

    private static String signature(String token) {
        return part(token, 2);
    }

    /** Sets the lowest padding bit of the last character, which a lenient decoder throws away. */
    private static String flipPaddingBit(String token) {
        char last = token.charAt(token.length() - 1);
        return token.substring(0, token.length() - 1) + ALPHABET.charAt(ALPHABET.indexOf(last) | 1);
    }
}
