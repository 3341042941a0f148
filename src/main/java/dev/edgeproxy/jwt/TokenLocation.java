package dev.edgeproxy.jwt;

import dev.edgeproxy.route.QueryString;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Where a route expects its token ({@code jwtAuth.location}): a header with an optional scheme prefix
 * (the default is {@code Authorization: Bearer <token>}), a query parameter, or a cookie. Each knows how
 * to find the token and how to remove exactly that credential, leaving everything else as it was, and
 * (for explanations) how to put one there so that {@link #extract} finds it.
 */
public sealed interface TokenLocation {

    TokenLocation DEFAULT = new Header("authorization", "Bearer ");

    /**
     * @return the token; {@code ""} when the location holds an empty credential (a bare {@code Bearer});
     *         {@code null} when there is no credential there (a {@code Basic} header counts as none)
     */
    String extract(CredentialCarrier carrier);

    void remove(CredentialCarrier carrier);

    /** Puts {@code token} where this location looks for it, replacing any credential already there. */
    void place(CredentialCarrier carrier, String token);

    /**
     * A header, optionally with a scheme prefix matched case-insensitively; a prefix ending in a space
     * accepts any whitespace after the scheme word.
     */
    record Header(String name, String prefix) implements TokenLocation {

        public Header {
            name = name.toLowerCase(Locale.ROOT);
        }

        @Override
        public String extract(CredentialCarrier carrier) {
            String value = carrier.requestHeaders().get(name);
            if (value == null) {
                return null;
            }
            String v = value.strip();
            String scheme = prefix.strip();
            if (scheme.isEmpty()) {
                return v;
            }
            if (v.length() < scheme.length() || !v.regionMatches(true, 0, scheme, 0, scheme.length())) {
                return null;
            }
            if (v.length() == scheme.length()) {
                return "";
            }
            boolean wordScheme = !prefix.equals(scheme);
            if (wordScheme && !Character.isWhitespace(v.charAt(scheme.length()))) {
                return null; // "BearerX ..." is some other scheme
            }
            return v.substring(scheme.length()).strip();
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
     * A query parameter (first occurrence); removal drops every occurrence and keeps the rest as sent.
     * Finding and removing read the query the same way ({@link QueryString}), so a {@code ;} never hides
     * a credential from removal and a malformed escape never fails the request.
     */
    record QueryParameter(String name) implements TokenLocation {

        @Override
        public String extract(CredentialCarrier carrier) {
            String query = carrier.rawQuery();
            if (query == null || query.isEmpty()) {
                return null;
            }
            List<String> values = QueryString.parse(query).get(name);
            return values == null ? null : values.get(0);
        }

        @Override
        public void remove(CredentialCarrier carrier) {
            String query = carrier.rawQuery();
            if (query == null || query.isEmpty()) {
                return;
            }
            List<String> kept = new ArrayList<>();
            for (String pair : query.split("&", -1)) {
                if (pair.isEmpty() || !name.equals(QueryString.name(pair))) {
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

    /** A cookie; removal keeps every other cookie, in order. */
    record Cookie(String name) implements TokenLocation {

        @Override
        public String extract(CredentialCarrier carrier) {
            for (String header : carrier.requestHeaders().getAll("cookie")) {
                for (String pair : header.split(";")) {
                    int eq = pair.indexOf('=');
                    if (eq > 0 && pair.substring(0, eq).strip().equals(name)) {
                        String value = pair.substring(eq + 1).strip();
                        if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
                            value = value.substring(1, value.length() - 1);
                        }
                        return value;
                    }
                }
            }
            return null;
        }

        @Override
        public void remove(CredentialCarrier carrier) {
            List<String> rebuilt = new ArrayList<>();
            for (String header : carrier.requestHeaders().getAll("cookie")) {
                List<String> kept = new ArrayList<>();
                for (String pair : header.split(";")) {
                    int eq = pair.indexOf('=');
                    String cookieName = (eq < 0 ? pair : pair.substring(0, eq)).strip();
                    if (!cookieName.equals(name) && !pair.isBlank()) {
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
