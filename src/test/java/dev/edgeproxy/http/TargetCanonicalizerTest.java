package dev.edgeproxy.http;

import dev.edgeproxy.error.GatewayError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static dev.edgeproxy.http.EscapeAction.DECODE;
import static dev.edgeproxy.http.EscapeAction.REJECT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The canonicalisation table: what each request target becomes, or why it is refused. */
class TargetCanonicalizerTest {

    private static final TargetCanonicalizer STRICT = new TargetCanonicalizer(TargetPolicy.STRICT);

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
            // plain and unreserved escapes
            "/                       | /",
            "/a/b                    | /a/b",
            "/a/b/                   | /a/b/",
            "/%61%64%6d%69%6e        | /admin",
            "/%62locked              | /blocked",
            "/%7Euser/%2D%2e%5F      | /~user/-._",
            // other escapes stay, in upper-case hex; never decoded twice
            "/a%3ab                  | /a%3Ab",
            "/a%20b                  | /a%20b",
            "/%252e%252e/admin       | /%252e%252e/admin",
            "/%3B                    | /%3B",
            "/caf%C3%A9              | /caf%C3%A9",
            // dot segments, encoded or not, in any case
            "/public/../admin        | /admin",
            "/public/%2e%2e/admin    | /admin",
            "/public/%2E%2e/admin    | /admin",
            "/public/.%2e/admin      | /admin",
            "/public/./admin         | /public/admin",
            "/public/%2e/admin       | /public/admin",
            "/a/b/..                 | /a/",
            "/a/b/.                  | /a/b/",
            "/..                     | /",
            "/../../etc/passwd       | /etc/passwd",
            "/a/..%2e/..             | /a/",
            "/a/...                  | /a/...",
            "/a/..b                  | /a/..b",
            // merged slashes, then dot segments (as nginx reads them)
            "//admin                 | /admin",
            "/public//../admin       | /admin",
            "/a///b//                | /a/b/",
            // sub-delimiters and the other path characters are kept
            "/a:b@c!$&'()*+,=        | /a:b@c!$&'()*+,=",
            // the query is forwarded byte for byte
            "/a?x=%2e%2e&y=/../      | /a?x=%2e%2e&y=/../",
            "/a/../b?                | /b?",
            "/?q=%41                 | /?q=%41",
    })
    void canonicalTargets(String target, String expected) {
        assertEquals(expected, STRICT.canonicalize("GET", target, "h").originForm());
    }

    @ParameterizedTest(name = "{0} refused: {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
            "/public/..%2fadmin      | encoded slash (%2F)",
            "/a%2Fb                  | encoded slash (%2F)",
            "/a%5cb                  | encoded backslash (%5C)",
            "/a\\b                   | backslash in path",
            "/public\\..\\admin      | backslash in path",
            "/a%00b                  | encoded NUL (%00)",
            "/public/..;/admin       | path parameter (;) in path",
            "/a;jsessionid=1/b       | path parameter (;) in path",
            "/a%2                    | invalid percent-encoding",
            "/a%                     | invalid percent-encoding",
            "/a%zzb                  | invalid percent-encoding",
            "/a%%32%65               | invalid percent-encoding",
            "/a#frag                 | fragment in request target",
            "/a?b#frag               | fragment in request target",
            "/a b                    | invalid character in path",
            "/a\"b                   | invalid character in path",
            "/a<b>                   | invalid character in path",
            "\"/a|b\"                | invalid character in path",
            "/a{b}                   | invalid character in path",
            "/a^b                    | invalid character in path",
            "/a`b                    | invalid character in path",
            "/%C0%AE%C0%AE/admin     | invalid UTF-8 in path",
            "/%C0%AF                 | invalid UTF-8 in path",
            "/%E0%80%AE              | invalid UTF-8 in path",
            "/%FF                    | invalid UTF-8 in path",
            "/%C3                    | invalid UTF-8 in path",
            "\"/a?x=\u0001\"           | invalid character in query",
            "/a?x=\u00e9             | invalid character in query",
            "a/b                     | request target is neither origin form nor absolute form",
            "ftp://h/a               | request target is neither origin form nor absolute form",
            "http://other/a          | absolute-form authority differs from Host",
            "http://u@h/a            | absolute form without a plain authority",
            "http:///a               | absolute form without a plain authority",
            "*                       | asterisk form is only for OPTIONS",
    })
    void refusedTargets(String target, String reason) {
        GatewayError.BadRequest e = assertThrows(GatewayError.BadRequest.class,
                () -> STRICT.canonicalize("GET", target, "h"));
        assertEquals(reason, e.getMessage());
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "http://h/a/../b?q=1     | /b?q=1",
            "HTTP://H/a              | /a",
            "https://h               | /",
            "http://h?q              | /?q",
    })
    void absoluteFormBecomesOriginForm(String target, String expected) {
        assertEquals(expected, STRICT.canonicalize("GET", target, "h").originForm());
    }

    @Test
    void absoluteFormMustNameTheHostWithItsPort() {
        assertEquals("/a", STRICT.canonicalize("GET", "http://h:8080/a", "h:8080").path());
        assertThrows(GatewayError.BadRequest.class, () -> STRICT.canonicalize("GET", "http://h/a", "h:8080"));
        assertThrows(GatewayError.BadRequest.class, () -> STRICT.canonicalize("GET", "http://h/a", null));
    }

    @Test
    void asteriskOnlyForOptionsAndConnectNever() {
        assertEquals("*", STRICT.canonicalize("OPTIONS", "*", "h").originForm());
        assertThrows(GatewayError.BadRequest.class, () -> STRICT.canonicalize("CONNECT", "h:443", "h:443"));
        assertThrows(GatewayError.BadRequest.class, () -> STRICT.canonicalize("GET", "", "h"));
    }

    @ParameterizedTest(name = "{0} with {1} -> {2}")
    @CsvSource(delimiter = '|', value = {
            // %2F
            "/a%2Fb/../c      | slash=DECODE      | /a/c",
            "/a%2fb/../c      | slash=KEEP        | /c",
            "/a%2fb           | slash=KEEP        | /a%2Fb",
            // %5C
            "/a%5Cb           | escapedBackslash=DECODE | /a/b",
            "/a%5cb           | escapedBackslash=KEEP   | /a%5Cb",
            // raw backslash
            "/a\\..\\b        | backslash=DECODE  | /b",
            "/a\\b            | backslash=KEEP    | /a\\b",
            // %00
            "/a%00b           | nul=KEEP          | /a%00b",
            // path parameters: dropped as Tomcat reads them, or kept
            "/public/..;/admin      | parameters=DECODE | /admin",
            "/a;jsessionid=1/b      | parameters=DECODE | /a/b",
            "/a;v=1/b               | parameters=KEEP   | /a;v=1/b",
            // slashes kept apart
            "/a//b            | noMerge           | /a//b",
            "/a//../b         | noMerge           | /a/b",
    })
    void policies(String target, String setting, String expected) {
        assertEquals(expected, new TargetCanonicalizer(policy(setting)).canonicalize("GET", target, "h").path());
    }

    @Test
    void keptPathParametersNeverHideADotSegment() {
        TargetCanonicalizer keep = new TargetCanonicalizer(policy("parameters=KEEP"));
        GatewayError.BadRequest e = assertThrows(GatewayError.BadRequest.class,
                () -> keep.canonicalize("GET", "/public/..;x/admin", "h"));
        assertEquals("path parameter on a dot segment", e.getMessage());
    }

    @Test
    void nulCannotBeDecoded() {
        assertThrows(IllegalArgumentException.class,
                () -> new TargetPolicy(true, REJECT, REJECT, REJECT, DECODE, REJECT));
    }

    /** A canonical target is a fixed point: canonicalising it again changes nothing. */
    @ParameterizedTest
    @CsvSource({"/%62locked/../a//b/%7e", "/a/./b/../../c/", "/x/%252e/%3a"})
    void canonicalIsIdempotent(String target) {
        String once = STRICT.canonicalize("GET", target, "h").originForm();
        assertEquals(once, STRICT.canonicalize("GET", once, "h").originForm());
    }

    private static TargetPolicy policy(String setting) {
        EscapeAction slash = REJECT, escapedBackslash = REJECT, backslash = REJECT, nul = REJECT, params = REJECT;
        boolean merge = true;
        String[] kv = setting.split("=");
        EscapeAction action = kv.length > 1 ? EscapeAction.valueOf(kv[1]) : null;
        switch (kv[0]) {
            case "slash" -> slash = action;
            case "escapedBackslash" -> escapedBackslash = action;
            case "backslash" -> backslash = action;
            case "nul" -> nul = action;
            case "parameters" -> params = action;
            case "noMerge" -> merge = false;
            default -> throw new IllegalArgumentException(setting);
        }
        return new TargetPolicy(merge, slash, escapedBackslash, backslash, nul, params);
    }
}
