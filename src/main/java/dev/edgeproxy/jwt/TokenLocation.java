package dev.edgeproxy.jwt;

import dev.edgeproxy.http.QueryString;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Where a route expects its token ({@code jwtAuth.location}): a header with an optional scheme prefix
 * (the default is {@code Authorization: Bearer <token>}), a query parameter, or a cookie. Each knows how
 * to find the token, how to remove every credential it holds, leaving everything else as it was, and
 * (for explanations) how to put one there so that {@link #extract} finds it.
 *
 * <p>A location holds at most one credential. With two, the proxy would check one and the origin might
 * read the other, so {@link #extract} refuses them as {@link AuthFailure#AMBIGUOUS_CREDENTIALS}, and
 * {@link #remove} takes out all of them. For cookies and query parameters "two" is counted as the most
 * lenient origin reads the request ({@link CredentialOccurrences}), not only as the proxy reads its token.
 */
public sealed interface TokenLocation {

    TokenLocation DEFAULT = new Header("authorization", "Bearer ");

    /**
     * @return the token; {@code ""} when the location holds an empty credential (a bare {@code Bearer});
     *         {@code null} when there is no credential there (a {@code Basic} header counts as none)
     * @throws TokenRejected {@link AuthFailure#AMBIGUOUS_CREDENTIALS} when the location holds more than
     *         one credential
     */
    String extract(CredentialCarrier carrier) throws TokenRejected;

    /** Removes every credential at this location: the one found, or all of them when there were several. */
    void remove(CredentialCarrier carrier);

    /** Puts {@code token} where this location looks for it, replacing any credential already there. */
    void place(CredentialCarrier carrier, String token);

    private static TokenRejected ambiguous() {
        return new TokenRejected(AuthFailure.AMBIGUOUS_CREDENTIALS);
    }

    /**
     * A header, optionally with a scheme prefix matched case-insensitively; a prefix ending in a space
     * accepts any whitespace after the scheme word.
     */
    record Header(String name, String prefix) implements TokenLocation {

        public Header {
            name = name.toLowerCase(Locale.ROOT);
        }

        /**
         * Two fields of this name are ambiguous whatever their schemes ({@code Basic} and {@code Bearer}
         * included), and so is one field that is a comma-separated list holding this scheme: neither a
         * JWT nor any other bearer token contains a comma.
         */
        @Override
        public String extract(CredentialCarrier carrier) throws TokenRejected {
            List<String> fields = carrier.requestHeaders().getAll(name);
            if (fields.isEmpty()) {
                return null;
            }
            if (fields.size() > 1) {
                throw ambiguous();
            }
            String v = fields.get(0).strip();
            boolean list = v.indexOf(',') >= 0;
            String scheme = prefix.strip();
            if (scheme.isEmpty()) {
                if (list) {
                    throw ambiguous();
                }
                return v;
            }
            boolean wordScheme = scheme.length() != prefix.length();
            if (!AuthorizationValue.hasScheme(v, scheme, wordScheme)) {
                if (list && AuthorizationValue.laterElementHasScheme(v, scheme, wordScheme)) {
                    throw ambiguous();
                }
                return null; // another scheme: not ours to read, nor to remove
            }
            if (list) {
                throw ambiguous();
            }
            // v is stripped already, so only the whitespace after the scheme is left to skip: one copy of the
            // token instead of two (substring, then strip).
            int start = scheme.length();
            while (start < v.length() && Character.isWhitespace(v.charAt(start))) {
                start++;
            }
            return v.substring(start);
        }

        @Override
        public void remove(CredentialCarrier carrier) {
            carrier.requestHeaders().remove(name);
        }

        @Override
        public void place(CredentialCarrier carrier, String token) {
            carrier.requestHeaders().set(name, prefix + token);
        }
    }

    /**
     * A query parameter. The token is read as {@link QueryString} reads a query: pairs split at {@code &},
     * names percent-decoded, so {@code access%5Ftoken} is the same parameter as {@code access_token}; a
     * malformed escape never fails the request. Whether there is a second credential is asked more widely
     * ({@link CredentialOccurrences#inQuery}): {@code ;} separates too, names are compared ignoring case
     * and surrounding whitespace, and the decoded text is read again, so that no origin's reading holds a
     * parameter the proxy did not check. Removal drops every {@code &}-pair holding an occurrence by any of
     * those readings and keeps the rest as sent; with exactly one occurrence that is exactly the pair the
     * token came from.
     */
    record QueryParameter(String name) implements TokenLocation {

        @Override
        public String extract(CredentialCarrier carrier) throws TokenRejected {
            String query = carrier.rawQuery();
            if (query == null || query.isEmpty()) {
                return null;
            }
            int occurrences = CredentialOccurrences.inQuery(query, name);
            if (occurrences > 1) {
                throw ambiguous();
            }
            // At most one occurrence by any reading, and every pair the exact reading finds is counted: the first
            // exact pair is the only one.
            for (String pair : query.split("&")) {
                if (!pair.isEmpty() && name.equals(QueryString.name(pair))) {
                    return QueryString.value(pair);
                }
            }
            if (occurrences == 1) {
                // Only a lenient origin's reading holds it (after a ';', in another case): unchecked here, it must
                // not pass as "no credential" and reach an origin that would read it as one.
                throw ambiguous();
            }
            return null;
        }

        @Override
        public void remove(CredentialCarrier carrier) {
            String query = carrier.rawQuery();
            if (query == null || query.isEmpty()) {
                return;
            }
            List<String> kept = new ArrayList<>();
            for (String pair : query.split("&", -1)) {
                if (CredentialOccurrences.inQueryPair(pair, name) == 0) {
                    kept.add(pair);
                }
            }
            carrier.rawQuery(String.join("&", kept));
        }

        @Override
        public void place(CredentialCarrier carrier, String token) {
            remove(carrier);
            String query = carrier.rawQuery();
            String pair = URLEncoder.encode(name, StandardCharsets.UTF_8) + "=" + URLEncoder.encode(token, StandardCharsets.UTF_8);
            carrier.rawQuery(query == null || query.isEmpty() ? pair : query + "&" + pair);
        }
    }

    /**
     * A cookie, by its exact (case-sensitive, undecoded) name as RFC 6265 defines it, in any of the
     * {@code Cookie} fields. Whether there is a second credential is asked more widely
     * ({@link CredentialOccurrences#inCookieFields}): across every {@code Cookie} field, {@code ,} separates
     * as well as {@code ;}, and names are compared ignoring case and surrounding whitespace (and decoded,
     * as PHP does), so that no origin's reading holds a cookie the proxy did not check. Removal drops every
     * {@code ;}-separated piece holding an occurrence by any of those readings and keeps every other
     * cookie, in order; with exactly one occurrence that is exactly the cookie the token came from.
     */
    record Cookie(String name) implements TokenLocation {

        @Override
        public String extract(CredentialCarrier carrier) throws TokenRejected {
            List<String> fields = carrier.requestHeaders().getAll("cookie");
            int occurrences = CredentialOccurrences.inCookieFields(fields, name);
            if (occurrences > 1) {
                throw ambiguous();
            }
            // At most one occurrence by any reading, and every cookie the exact reading finds is counted: the first
            // exact one is the only one.
            for (String header : fields) {
                for (String pair : header.split(";")) {
                    int eq = pair.indexOf('=');
                    if (eq > 0 && pair.substring(0, eq).strip().equals(name)) {
                        return unquote(pair.substring(eq + 1).strip());
                    }
                }
            }
            if (occurrences == 1) {
                // Only a lenient origin's reading holds it (after a ',', in another case): unchecked here, it must
                // not pass as "no credential" and reach an origin that would read it as one.
                throw ambiguous();
            }
            return null;
        }

        private static String unquote(String value) {
            if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
                return value.substring(1, value.length() - 1);
            }
            return value;
        }

        @Override
        public void remove(CredentialCarrier carrier) {
            List<String> rebuilt = new ArrayList<>();
            for (String header : carrier.requestHeaders().getAll("cookie")) {
                List<String> kept = new ArrayList<>();
                for (String pair : header.split(";")) {
                    if (!pair.isBlank() && CredentialOccurrences.inCookiePair(pair, name) == 0) {
                        kept.add(pair.strip());
                    }
                }
                if (!kept.isEmpty()) {
                    rebuilt.add(String.join("; ", kept));
                }
            }
            carrier.requestHeaders().remove("cookie");
            for (String header : rebuilt) {
                carrier.requestHeaders().add("cookie", header);
            }
        }

        @Override
        public void place(CredentialCarrier carrier, String token) {
            remove(carrier);
            List<String> headers = new ArrayList<>(carrier.requestHeaders().getAll("cookie"));
            String pair = name + "=" + token;
            if (headers.isEmpty()) {
                headers.add(pair);
            } else {
                headers.set(headers.size() - 1, headers.get(headers.size() - 1) + "; " + pair);
            }
            carrier.requestHeaders().set("cookie", headers);
        }
    }
}
