package dev.edgeproxy.jwt;

import dev.edgeproxy.testing.CarrierSnapshot;
import dev.edgeproxy.testing.HeaderCarrier;
import io.vertx.core.MultiMap;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link TokenLocation}: finding the credential in a header, a query parameter or a cookie, and removing
 * exactly that credential while everything else reaches the origin as the client sent it.
 */
class TokenLocationTest {

    private static final TokenLocation BEARER = TokenLocation.DEFAULT;
    private static final TokenLocation API_TOKEN = new TokenLocation.Header("x-api-token", "");
    private static final TokenLocation TOKEN_SCHEME = new TokenLocation.Header("Authorization", "Token ");
    private static final TokenLocation QUERY = new TokenLocation.QueryParameter("access_token");
    private static final TokenLocation COOKIE = new TokenLocation.Cookie("session");

    // --- extraction ------------------------------------------------------------------------------

    static Stream<Arguments> extraction() {
        return Stream.of(
                // header without prefix: the whole value is the token
                row("custom header, no prefix: whole value", API_TOKEN, req(null, "X-Api-Token: abc.def.ghi"), "abc.def.ghi"),
                row("custom header name is case-insensitive", API_TOKEN, req(null, "x-API-TOKEN: abc"), "abc"),
                row("custom header, no prefix: a scheme word is part of the value", API_TOKEN,
                        req(null, "X-Api-Token: Bearer abc"), "Bearer abc"),
                row("custom header, no prefix: surrounding whitespace dropped", API_TOKEN, req(null, "X-Api-Token:   abc  "), "abc"),
                row("custom header absent, Authorization ignored", API_TOKEN, req(null, "Authorization: Bearer abc"), null),
                row("custom header present but empty", API_TOKEN, req(null, "X-Api-Token: "), ""),
                // custom prefix
                row("custom prefix", TOKEN_SCHEME, req(null, "Authorization: Token abc"), "abc"),
                row("custom prefix, case-insensitive", TOKEN_SCHEME, req(null, "authorization: tOKEN abc"), "abc"),
                row("custom prefix, extra whitespace", TOKEN_SCHEME, req(null, "Authorization: Token \t  abc "), "abc"),
                row("custom prefix, Bearer is another scheme", TOKEN_SCHEME, req(null, "Authorization: Bearer abc"), null),
                row("custom prefix, glued word is another scheme", TOKEN_SCHEME, req(null, "Authorization: Tokenabc"), null),
                row("custom prefix, bare prefix", TOKEN_SCHEME, req(null, "Authorization: Token"), ""),
                // default Authorization: Bearer
                row("bearer", BEARER, req(null, "Authorization: Bearer abc.def.ghi"), "abc.def.ghi"),
                row("bearer, lower-case scheme", BEARER, req(null, "Authorization: bearer abc"), "abc"),
                row("bearer, upper-case scheme", BEARER, req(null, "Authorization: BEARER abc"), "abc"),
                row("bearer, extra whitespace", BEARER, req(null, "Authorization:   Bearer    abc   "), "abc"),
                row("bearer, tab after scheme", BEARER, req(null, "Authorization: Bearer\tabc"), "abc"),
                row("bearer, header name case-insensitive", BEARER, req(null, "AUTHORIZATION: Bearer abc"), "abc"),
                row("bearer, Basic is no token", BEARER, req(null, "Authorization: Basic YWxpY2U6c2VjcmV0"), null),
                row("bearer, Digest is no token", BEARER, req(null, "Authorization: Digest username=\"a\""), null),
                row("bearer, DPoP is no token", BEARER, req(null, "Authorization: DPoP abc"), null),
                row("bearer, glued word is another scheme", BEARER, req(null, "Authorization: BearerX abc"), null),
                row("bearer, token without scheme is no token", BEARER, req(null, "Authorization: abc.def.ghi"), null),
                row("bearer, bare prefix", BEARER, req(null, "Authorization: Bearer"), ""),
                row("bearer, bare prefix with trailing spaces", BEARER, req(null, "Authorization: Bearer   "), ""),
                row("bearer, absent", BEARER, req("access_token=abc", "Cookie: session=abc"), null),
                row("bearer, Digest list is no token", BEARER,
                        req(null, "Authorization: Digest username=\"a\", realm=\"b\", nonce=\"n\""), null),
                row("bearer, ', Bearer' inside a quoted string is no second credential", BEARER,
                        req(null, "Authorization: Digest realm=\"x, Bearer y\", nonce=\"n\""), null),
                row("bearer, escaped quote inside a quoted string", BEARER,
                        req(null, "Authorization: Digest realm=\"x\\\", Bearer y\", nonce=\"n\""), null),
                row("bearer, a list of other schemes is no token", BEARER, req(null, "Authorization: Basic eA==, Basic eQ=="), null),
                // query parameter
                row("query, only parameter", QUERY, req("access_token=abc.def.ghi"), "abc.def.ghi"),
                row("query, among others", QUERY, req("a=1&access_token=abc&b=2"), "abc"),
                row("query, value percent-decoded", QUERY, req("access_token=a%2Eb%2Dc%5F"), "a.b-c_"),
                row("query, name percent-decoded", QUERY, req("access%5Ftoken=abc"), "abc"),
                row("query, absent", QUERY, req("a=1&b=2"), null),
                row("query, no query at all", QUERY, req(null, "Authorization: Bearer abc"), null),
                row("query, empty query", QUERY, req(""), null),
                row("query, longer name does not match", QUERY, req("xaccess_token=abc&access_tokenx=def"), null),
                row("query, name in a value does not match", QUERY, req("redirect=access_token%3Dabc"), null),
                row("query, no '='", QUERY, req("a=1&access_token"), ""),
                row("query, empty value", QUERY, req("access_token=&a=1"), ""),
                row("query, malformed escape elsewhere does not fail", QUERY, req("q=100%&access_token=abc&r=%zz"), "abc"),
                row("query, malformed escape in a name does not fail", QUERY, req("%zz=1&access_token=abc"), "abc"),
                row("query, malformed escape in the token is taken literally", QUERY, req("access_token=ab%zz"), "ab%zz"),
                // cookie
                row("cookie, only cookie", COOKIE, req(null, "Cookie: session=abc.def.ghi"), "abc.def.ghi"),
                row("cookie, among several in one header", COOKIE, req(null, "Cookie: a=1; session=abc; b=2"), "abc"),
                row("cookie, without spaces", COOKIE, req(null, "Cookie: a=1;session=abc;b=2"), "abc"),
                row("cookie, across several Cookie headers", COOKIE, req(null, "Cookie: a=1; b=2", "Cookie: c=3; session=abc"), "abc"),
                row("cookie, quoted value", COOKIE, req(null, "Cookie: a=1; session=\"abc\""), "abc"),
                row("cookie, name containing the target is another cookie", COOKIE,
                        req(null, "Cookie: xsession=abc; sessionx=def"), null),
                row("cookie, after a cookie whose name contains the target", COOKIE,
                        req(null, "Cookie: xsession=abc; session=def"), "def"),
                // Alone, another case of the name is no credential of ours (it only counts as a second one: see
                // the ambiguity table and CredentialSeparatorsTest).
                row("cookie, a percent-encoded name is another cookie", COOKIE, req(null, "Cookie: session%5F=x; session=abc"), "abc"),
                row("cookie, absent", COOKIE, req("session=abc", "Cookie: a=1", "Authorization: Bearer abc"), null),
                row("cookie, no Cookie header", COOKIE, req(null), null),
                row("cookie, empty value", COOKIE, req(null, "Cookie: session=; a=1"), ""));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("extraction")
    void extractsTheCredentialFromItsLocation(String name, TokenLocation location, Req req, String expected)
            throws TokenRejected {
        CredentialCarrier carrier = req.carrier();
        CarrierSnapshot before = CarrierSnapshot.of(carrier);

        assertEquals(expected, location.extract(carrier));
        assertEquals(before, CarrierSnapshot.of(carrier), "extraction changes nothing");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("extraction")
    void afterRemovalTheCredentialIsNoLongerFound(String name, TokenLocation location, Req req, String expected)
            throws TokenRejected {
        CredentialCarrier carrier = req.carrier();
        if (location.extract(carrier) == null) {
            return; // nothing found, nothing is ever removed
        }
        location.remove(carrier);
        // Whatever extraction read as the credential, removal takes out: the origin never receives it.
        assertNull(location.extract(carrier), () -> "still found after removal: " + CarrierSnapshot.of(carrier));
    }

    // --- removal ---------------------------------------------------------------------------------

    static Stream<Arguments> removal() {
        return Stream.of(
                // header
                row("custom header: only that header goes", API_TOKEN,
                        req("a=1", "X-Api-Token: abc", "Authorization: Basic eA==", "X-Request-Id: r1", "Cookie: session=s"),
                        req("a=1", "Authorization: Basic eA==", "X-Request-Id: r1", "Cookie: session=s")),
                row("bearer: only Authorization goes", BEARER,
                        req("access_token=q", "Authorization: Bearer abc", "X-Api-Token: keep", "Cookie: a=1"),
                        req("access_token=q", "X-Api-Token: keep", "Cookie: a=1")),
                row("custom prefix: only Authorization goes", TOKEN_SCHEME,
                        req(null, "Authorization: Token abc", "Proxy-Authorization: Token other"),
                        req(null, "Proxy-Authorization: Token other")),
                // query
                row("query: only parameter, query becomes empty", QUERY,
                        req("access_token=abc", "X-A: 1"), req(null, "X-A: 1")),
                row("query: every occurrence goes", QUERY,
                        req("access_token=abc&access_token=def"), req(null)),
                row("query: others keep order", QUERY,
                        req("z=26&access_token=abc&a=1&m=13"), req("z=26&a=1&m=13")),
                row("query: others keep raw encoding, bare names, empty values", QUERY,
                        req("access_token=abc&path=%2Fa%20b&flag&empty=&Access=keep&plus=a+b&access_token=def&utf=%C3%A9"),
                        req("path=%2Fa%20b&flag&empty=&Access=keep&plus=a+b&utf=%C3%A9")),
                row("query: percent-encoded name of the parameter goes too", QUERY,
                        req("access%5Ftoken=abc&z=1&access_token=def"), req("z=1")),
                row("query: names only containing the target stay", QUERY,
                        req("xaccess_token=1&access_token=abc&access_tokenx=2"), req("xaccess_token=1&access_tokenx=2")),
                row("query: malformed escapes of other parameters stay", QUERY,
                        req("q=100%&access_token=abc&r=%zz"), req("q=100%&r=%zz")),
                row("query: headers untouched", QUERY,
                        req("access_token=abc&a=1", "Authorization: Bearer h", "Cookie: access_token=c"),
                        req("a=1", "Authorization: Bearer h", "Cookie: access_token=c")),
                // cookie
                row("cookie: others keep order", COOKIE,
                        req(null, "Cookie: a=1; session=abc; b=2"), req(null, "Cookie: a=1; b=2")),
                row("cookie: first cookie", COOKIE,
                        req(null, "Cookie: session=abc; a=1"), req(null, "Cookie: a=1")),
                row("cookie: last cookie", COOKIE,
                        req(null, "Cookie: a=1; session=abc"), req(null, "Cookie: a=1")),
                row("cookie: header left empty is dropped", COOKIE,
                        req("x=1", "Cookie: session=abc", "X-Other: 1"), req("x=1", "X-Other: 1")),
                row("cookie: across several headers", COOKIE,
                        req(null, "Cookie: a=1", "Cookie: session=abc", "Cookie: b=2; session=def; c=3"),
                        req(null, "Cookie: a=1", "Cookie: b=2; c=3")),
                row("cookie: names containing the target stay", COOKIE,
                        req(null, "Cookie: xsession=x; session=abc; sessionx=y; session_=z"),
                        req(null, "Cookie: xsession=x; sessionx=y; session_=z")),
                row("cookie: quoted values and values with '=' stay", COOKIE,
                        req(null, "Cookie: q=\"a b\"; session=\"abc\"; b64=YQ=="),
                        req(null, "Cookie: q=\"a b\"; b64=YQ==")),
                row("cookie: other headers and query untouched", COOKIE,
                        req("session=q", "Cookie: session=abc; a=1", "Authorization: Bearer h"),
                        req("session=q", "Cookie: a=1", "Authorization: Bearer h")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("removal")
    void removesOnlyThatCredential(String name, TokenLocation location, Req before, Req after) throws TokenRejected {
        CredentialCarrier carrier = before.carrier();
        assertTrue(holdsCredentials(location, carrier), "the case holds a credential");

        location.remove(carrier);

        assertEquals(CarrierSnapshot.of(after.carrier()), CarrierSnapshot.of(carrier));
    }

    // --- ambiguity -------------------------------------------------------------------------------

    /** More than one credential at the location: refused, and removal takes out every one of them. */
    static Stream<Arguments> ambiguity() {
        return Stream.of(
                // Authorization: any two fields, whatever their schemes
                row("bearer: two Bearer fields", BEARER,
                        req("a=1", "Authorization: Bearer first", "Authorization: Bearer second", "X-A: 1"), req("a=1", "X-A: 1")),
                row("bearer: Basic field, then Bearer field", BEARER,
                        req(null, "Authorization: Basic YWxpY2U6c2VjcmV0", "Authorization: Bearer abc"), req(null)),
                row("bearer: Bearer field, then Basic field", BEARER,
                        req(null, "Authorization: Bearer abc", "Authorization: Basic YWxpY2U6c2VjcmV0"), req(null)),
                row("bearer: two Basic fields", BEARER,
                        req(null, "Authorization: Basic eA==", "Authorization: Basic eQ==", "Cookie: a=1"), req(null, "Cookie: a=1")),
                row("bearer: empty field and Bearer field", BEARER,
                        req(null, "Authorization: ", "Authorization: Bearer abc"), req(null)),
                // Authorization: one field that is a list
                row("bearer: one field, two Bearer credentials", BEARER,
                        req(null, "Authorization: Bearer first, Bearer second"), req(null)),
                row("bearer: one field, Basic then Bearer", BEARER,
                        req(null, "Authorization: Basic eA==, Bearer abc"), req(null)),
                row("bearer: one field, Basic then lower-case bearer without space", BEARER,
                        req(null, "Authorization: Basic eA==,bearer abc"), req(null)),
                row("bearer: one field, Digest then Bearer", BEARER,
                        req(null, "Authorization: Digest realm=\"r\", nonce=\"n\", Bearer abc"), req(null)),
                row("bearer: one field, Bearer then anything", BEARER,
                        req(null, "Authorization: Bearer abc, x=1"), req(null)),
                row("bearer: one field, Bearer with a trailing comma", BEARER,
                        req(null, "Authorization: Bearer abc,"), req(null)),
                row("custom prefix: one field, two credentials", TOKEN_SCHEME,
                        req(null, "Authorization: Token first, Token second", "Proxy-Authorization: Token p"),
                        req(null, "Proxy-Authorization: Token p")),
                // bare-token header
                row("custom header: two fields", API_TOKEN,
                        req(null, "X-Api-Token: first", "X-Api-Token: second", "Authorization: Basic eA=="),
                        req(null, "Authorization: Basic eA==")),
                row("custom header: one field, comma-joined", API_TOKEN,
                        req(null, "X-Api-Token: first, second"), req(null)),
                // query
                row("query: twice", QUERY,
                        req("access_token=first&a=1&access_token=second"), req("a=1")),
                row("query: percent-encoded name and plain name", QUERY,
                        req("access%5Ftoken=first&a=1&access_token=second"), req("a=1")),
                row("query: two encoded spellings of the name", QUERY,
                        req("access%5ftoken=first&%61ccess_token=second&b=2"), req("b=2")),
                row("query: bare name and a value", QUERY,
                        req("access_token&access_token=second"), req(null)),
                row("query: two empty values", QUERY,
                        req("x=1&access_token=&access_token="), req("x=1")),
                // cookie
                row("cookie: twice in one field", COOKIE,
                        req(null, "Cookie: a=1; session=first; session=second"), req(null, "Cookie: a=1")),
                row("cookie: in two fields", COOKIE,
                        req(null, "Cookie: session=first", "Cookie: a=1; session=second"), req(null, "Cookie: a=1")),
                row("cookie: quoted and unquoted", COOKIE,
                        req(null, "Cookie: session=\"first\"; session=second; b=2"), req(null, "Cookie: b=2")),
                row("cookie: empty and non-empty", COOKIE,
                        req("q=1", "Cookie: session=; session=second"), req("q=1")),
                // a case variant is a second occurrence (some origins fold), and goes with the others
                row("cookie: another case of the name", COOKIE,
                        req(null, "Cookie: Session=x; session=abc; theme=dark"), req(null, "Cookie: theme=dark")),
                row("query: another case of the name", QUERY,
                        req("access_token=abc&Access_Token=x&a=1"), req("a=1")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("ambiguity")
    void moreThanOneCredentialIsAmbiguousAndRemovalTakesOutAll(String name, TokenLocation location, Req before, Req after)
            throws TokenRejected {
        CredentialCarrier carrier = before.carrier();
        CarrierSnapshot sent = CarrierSnapshot.of(carrier);

        TokenRejected rejected = assertThrows(TokenRejected.class, () -> location.extract(carrier));
        assertEquals(AuthFailure.AMBIGUOUS_CREDENTIALS, rejected.reason());
        assertEquals(sent, CarrierSnapshot.of(carrier), "extraction changes nothing");

        location.remove(carrier);

        assertEquals(CarrierSnapshot.of(after.carrier()), CarrierSnapshot.of(carrier));
        assertNull(location.extract(carrier));
    }

    // --- placing (explanations) ----------------------------------------------------------------------

    static Stream<Arguments> placing() {
        return Stream.of(
                row("bearer: header set with the prefix", BEARER, req("a=1", "X-Env: prod"),
                        req("a=1", "X-Env: prod", "Authorization: Bearer tok.en.x")),
                row("bearer: a credential already there is replaced", BEARER, req(null, "Authorization: Basic YQ=="),
                        req(null, "Authorization: Bearer tok.en.x")),
                row("bare header", API_TOKEN, req(null), req(null, "X-Api-Token: tok.en.x")),
                row("custom prefix", TOKEN_SCHEME, req(null), req(null, "Authorization: Token tok.en.x")),
                row("query: appended after the others", QUERY, req("a=1&b=2"), req("a=1&b=2&access_token=tok.en.x")),
                row("query: the only parameter", QUERY, req(null, "X-Env: prod"), req("access_token=tok.en.x", "X-Env: prod")),
                row("query: an earlier credential is replaced", QUERY, req("access_token=old&a=1"), req("a=1&access_token=tok.en.x")),
                row("cookie: the only cookie", COOKIE, req("a=1"), req("a=1", "Cookie: session=tok.en.x")),
                row("cookie: appended to the cookies sent", COOKIE, req(null, "Cookie: a=1; session=old; b=2"),
                        req(null, "Cookie: a=1; b=2; session=tok.en.x")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("placing")
    void placesTheTokenWhereExtractionFindsIt(String name, TokenLocation location, Req before, Req after)
            throws TokenRejected {
        CredentialCarrier carrier = before.carrier();

        location.place(carrier, "tok.en.x");

        assertEquals(CarrierSnapshot.of(after.carrier()), CarrierSnapshot.of(carrier));
        assertEquals("tok.en.x", location.extract(carrier));
        location.remove(carrier);
        assertNull(location.extract(carrier));
    }

    // --- helpers ---------------------------------------------------------------------------------

    /** One credential, or several (which removal takes out all the same). */
    private static boolean holdsCredentials(TokenLocation location, CredentialCarrier carrier) {
        try {
            return location.extract(carrier) != null;
        } catch (TokenRejected ambiguous) {
            return ambiguous.reason() == AuthFailure.AMBIGUOUS_CREDENTIALS;
        }
    }

    private static Arguments row(String name, TokenLocation location, Object request, Object expected) {
        return Arguments.of(name, location, request, expected);
    }

    /** A request: raw query (or null) and headers as {@code "Name: value"} lines, in order. */
    record Req(String query, List<String> headers) {

        CredentialCarrier carrier() {
            MultiMap map = MultiMap.caseInsensitiveMultiMap();
            for (String line : headers) {
                int colon = line.indexOf(':');
                map.add(line.substring(0, colon), line.substring(colon + 1).stripLeading());
            }
            CredentialCarrier carrier = HeaderCarrier.of(map);
            carrier.rawQuery(query);
            return carrier;
        }

        @Override
        public String toString() {
            return (query == null ? "" : "?" + query) + " " + headers;
        }
    }

    static Req req(String query, String... headers) {
        return new Req(query, List.of(headers));
    }
}
