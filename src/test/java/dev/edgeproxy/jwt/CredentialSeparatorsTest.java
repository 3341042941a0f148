package dev.edgeproxy.jwt;

import dev.edgeproxy.testing.CarrierSnapshot;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static dev.edgeproxy.jwt.TokenLocationTest.req;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * A second cookie or query credential as some origin would read it, where the proxy's own reading sees
 * one: {@code ,} between cookies, {@code ;} between parameters, spacing, case, percent-encoded and
 * PHP-mangled names. Each row: the request, what {@link TokenLocation#extract} answers (the token, ambiguous,
 * or none), and what is forwarded after {@link TokenLocation#remove}: with one credential exactly that one
 * is gone, with several every piece any reading finds one in is gone.
 */
class CredentialSeparatorsTest {

    private static final TokenLocation COOKIE = new TokenLocation.Cookie("session");
    private static final TokenLocation QUERY = new TokenLocation.QueryParameter("access_token");
    private static final String AMBIGUOUS = "<ambiguous>";

    static Stream<Arguments> table() {
        return Stream.of(
                // --- cookies: ',' separates for RFC 2965 readers ---------------------------------------------
                row("cookie: ', session=' inside another cookie, then the token", COOKIE,
                        req(null, "Cookie: x=1, session=EVIL; session=tok"), AMBIGUOUS, req(null)),
                row("cookie: the token, then ', session=' in a later cookie", COOKIE,
                        req(null, "Cookie: session=tok; theme=dark,session=EVIL; lang=en"), AMBIGUOUS,
                        req(null, "Cookie: lang=en")),
                row("cookie: ',' right after the token's value", COOKIE,
                        req(null, "Cookie: session=tok,session=EVIL"), AMBIGUOUS, req(null)),
                row("cookie: ',' in a second Cookie field", COOKIE,
                        req(null, "Cookie: session=tok", "Cookie: a=1, session=EVIL", "Cookie: b=2"), AMBIGUOUS,
                        req(null, "Cookie: b=2")),
                row("cookie: two ','-hidden ones, none by ';'", COOKIE,
                        req(null, "Cookie: a=1, session=x, session=y"), AMBIGUOUS, req(null)),
                // --- cookies: spacing and case ----------------------------------------------------------------
                row("cookie: space before '='", COOKIE,
                        req(null, "Cookie: session =EVIL; session=tok"), AMBIGUOUS, req(null)),
                row("cookie: tab before the name", COOKIE,
                        req(null, "Cookie: session=tok;\tsession=EVIL; a=1"), AMBIGUOUS, req(null, "Cookie: a=1")),
                row("cookie: no-break space around the name", COOKIE,
                        req(null, "Cookie: session=tok; \u00a0session\u00a0=EVIL"), AMBIGUOUS, req(null)),
                row("cookie: upper case", COOKIE,
                        req(null, "Cookie: session=tok; SESSION=EVIL"), AMBIGUOUS, req(null)),
                row("cookie: mixed case behind a ','", COOKIE,
                        req(null, "Cookie: x=1, SeSsIoN=EVIL; session=tok"), AMBIGUOUS, req(null)),
                row("cookie: bare name (no '=')", COOKIE,
                        req(null, "Cookie: session=tok; session"), AMBIGUOUS, req(null)),
                row("cookie: percent-encoded name (PHP decodes cookie names)", COOKIE,
                        req(null, "Cookie: session=tok; sessio%6E=EVIL"), AMBIGUOUS, req(null)),
                // --- cookies: one credential, still found, and only it removed --------------------------------
                row("cookie: ',' in another cookie's value", COOKIE,
                        req(null, "Cookie: prefs=a,b; session=tok; theme=dark"), "tok",
                        req(null, "Cookie: prefs=a,b; theme=dark")),
                row("cookie: '=' in the token's and another value", COOKIE,
                        req(null, "Cookie: b64=YQ==; session=tok==; x=session=y"), "tok==",
                        req(null, "Cookie: b64=YQ==; x=session=y")),
                row("cookie: ',' with a look-alike name", COOKIE,
                        req(null, "Cookie: a=1, xsession=2, session_=3; session=tok"), "tok",
                        req(null, "Cookie: a=1, xsession=2, session_=3")),
                row("cookie: token in the second of several fields", COOKIE,
                        req(null, "Cookie: a=1, b=2", "Cookie: session=tok", "Cookie: c=3"), "tok",
                        req(null, "Cookie: a=1, b=2", "Cookie: c=3")),
                // A lone variant is not read as the credential (the proxy reads the name exactly), and it must not
                // pass as none either: on an optional route a lenient origin would read an unchecked token.
                row("cookie: only a ','-hidden one", COOKIE,
                        req(null, "Cookie: x=1, session=EVIL"), AMBIGUOUS, req(null)),
                row("cookie: only an upper-case one", COOKIE,
                        req(null, "Cookie: SESSION=spring"), AMBIGUOUS, req(null)),


                // --- query: ';' separates for old CGI, PHP with arg_separator '&;', Go < 1.17 ---------------------
                row("query: ';'-hidden one, then the token", QUERY,
                        req("x=1;access_token=EVIL&access_token=tok"), AMBIGUOUS, req(null)),
                row("query: the token, then a ';'-hidden one", QUERY,
                        req("access_token=tok&a=1;access_token=EVIL&b=2"), AMBIGUOUS, req("b=2")),
                row("query: ';' right after the token's value", QUERY,
                        req("access_token=tok;access_token=EVIL&z=1"), AMBIGUOUS, req("z=1")),
                row("query: two ';'-hidden ones, none by '&'", QUERY,
                        req("a=1;access_token=x;access_token=y"), AMBIGUOUS, req(null)),
                // --- query: names that decode, fold or trim to the configured one ----------------------------
                row("query: upper case", QUERY,
                        req("access_token=tok&ACCESS_TOKEN=EVIL"), AMBIGUOUS, req(null)),
                row("query: encoded space before the name", QUERY,
                        req("access_token=tok&%20access_token=EVIL"), AMBIGUOUS, req(null)),
                row("query: '+' after the name", QUERY,
                        req("access_token=tok&access_token+=EVIL"), AMBIGUOUS, req(null)),
                row("query: encoded '=' inside the name (decoded before it is split)", QUERY,
                        req("access_token=tok&access_token%3DEVIL"), AMBIGUOUS, req(null)),
                row("query: encoded '&' inside another value (decoded before it is split)", QUERY,
                        req("access_token=tok&next=1%26access_token%3DEVIL&k=v"), AMBIGUOUS, req("k=v")),
                row("query: encoded ';' inside another value", QUERY,
                        req("next=1%3Baccess_token%3DEVIL&access_token=tok"), AMBIGUOUS, req(null)),
                row("query: decoded twice", QUERY,
                        req("access_token=tok&access%255Ftoken=EVIL"), AMBIGUOUS, req(null)),
                row("query: a malformed escape does not hide the rest", QUERY,
                        req("access_token=tok&n=%zz%26access_token%3DEVIL"), AMBIGUOUS, req(null)),
                row("query: PHP reads '.' as '_'", QUERY,
                        req("access_token=tok&access.token=EVIL"), AMBIGUOUS, req(null)),
                row("query: PHP reads ' ' as '_'", QUERY,
                        req("access_token=tok&access+token=EVIL"), AMBIGUOUS, req(null)),
                row("query: PHP array syntax", QUERY,
                        req("access_token=tok&access_token[]=EVIL"), AMBIGUOUS, req(null)),
                row("query: PHP 8 unclosed bracket", QUERY,
                        req("access_token=tok&access[token=EVIL"), AMBIGUOUS, req(null)),
                // --- query: one credential, still found, and only it removed ---------------------------------
                row("query: ';' in another value", QUERY,
                        req("filter=a;b&access_token=tok&sort=c;d"), "tok", req("filter=a;b&sort=c;d")),
                row("query: encoded separators and look-alikes elsewhere", QUERY,
                        req("q=a%26b%3Bc%3Dd&access_token=tok&xaccess_token=1;access_tokenx=2&n=access_token"), "tok",
                        req("q=a%26b%3Bc%3Dd&xaccess_token=1;access_tokenx=2&n=access_token")),
                // The token's value ends at '&' only: '; ...' after it is part of what is verified (and fails as a
                // malformed token), not a second credential, unless what follows is named like one.
                row("query: ';' after the token's value", QUERY,
                        req("access_token=tok;x=1&y=2"), "tok;x=1", req("y=2")),
                row("query: only a ';'-hidden one", QUERY,
                        req("x=1;access_token=EVIL"), AMBIGUOUS, req(null)),
                row("query: only an upper-case one", QUERY,
                        req("Access_Token=EVIL&a=1"), AMBIGUOUS, req("a=1")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("table")
    void aSecondCredentialByAnyReadingIsAmbiguous(String name, TokenLocation location, TokenLocationTest.Req request,
            String expected, TokenLocationTest.Req forwarded) throws TokenRejected {
        CredentialCarrier carrier = request.carrier();
        CarrierSnapshot sent = CarrierSnapshot.of(carrier);

        if (AMBIGUOUS.equals(expected)) {
            TokenRejected rejected = assertThrows(TokenRejected.class, () -> location.extract(carrier));
            assertEquals(AuthFailure.AMBIGUOUS_CREDENTIALS, rejected.reason());
        } else {
            assertEquals(expected, location.extract(carrier));
        }
        assertEquals(sent, CarrierSnapshot.of(carrier), "extraction changes nothing");

        if (expected == null) {
            return; // nothing found: the authenticator removes nothing
        }
        location.remove(carrier);
        assertEquals(CarrierSnapshot.of(forwarded.carrier()), CarrierSnapshot.of(carrier));
        assertNull(location.extract(carrier), "no reading finds a credential in what is forwarded");
    }

    private static Arguments row(String name, TokenLocation location, TokenLocationTest.Req request, String expected,
            TokenLocationTest.Req forwarded) {
        return Arguments.of(name, location, request, expected, forwarded);
    }
}
