package dev.edgeproxy.jwt;

import dev.edgeproxy.http.QueryString;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * How many times a cookie or query-parameter credential occurs in a request as the most lenient origin
 * would read it. {@link TokenLocation} finds the token it verifies with one exact reading (cookies split
 * at {@code ;}, parameters at {@code &}); this class answers the other question, "could an origin read a
 * second one?", and answers it conservatively: a count of two or more is ambiguous, whatever reading
 * produced it.
 *
 * <p>What origins do, and so what this counts:
 * <ul>
 *   <li><b>Separators.</b> Cookies: RFC 6265 readers (browsers, Tomcat's default processor, Go, Express's
 *       {@code cookie}, PHP) split at {@code ;}; RFC 2109/2965 readers (Tomcat's legacy processor, old
 *       servlet containers and frameworks) also at {@code ,}. Queries: the URL standard, Tomcat, Express
 *       and current Go split at {@code &}; old CGI/Perl code, PHP with {@code arg_separator.input = "&;"},
 *       Go before 1.17 and some Java containers also at {@code ;}. Both separators are counted, across every
 *       {@code Cookie} field (HTTP/2 clients send several) and the whole query. Splitting at both yields
 *       the finest pieces, and every occurrence any coarser reading finds starts one of them.</li>
 *   <li><b>Spacing.</b> Tomcat, Go, Express and PHP drop whitespace around (Go, Tomcat, Express) or before
 *       (PHP) a cookie name, so {@code " session"} and {@code "session "} are that cookie. Surrounding
 *       whitespace (every control character and Unicode space included, as JavaScript's {@code trim}) is
 *       ignored.</li>
 *   <li><b>Case.</b> Browsers, Go, Express and PHP compare names case-sensitively, but servlet and .NET
 *       code often does not ({@code equalsIgnoreCase}, ASP.NET Core's query collection), and Spring
 *       Session's cookie is {@code SESSION}. Names are compared ignoring case as
 *       {@link String#equalsIgnoreCase} does, which includes ASCII case and the few non-ASCII letters
 *       (long s, Kelvin sign) that Java folds onto ASCII ones.</li>
 *   <li><b>Encoding.</b> Tomcat, Express's query parser, Go and PHP percent-decode query names, and PHP
 *       decodes cookie names too; {@code java.net.URI#getQuery} and similar decode the whole query
 *       before anyone splits it, so {@code x=1%26access_token%3DEVIL} holds a parameter for them. A name
 *       counts when its raw form, its decoded form, or a name in the decoded piece matches. Malformed
 *       escapes are kept literally, as PHP does, rather than making the rest invisible.</li>
 *   <li><b>PHP's names.</b> PHP turns {@code .} and space in a name into {@code _} and reads
 *       {@code access_token[]} as the parameter {@code access_token}; those spellings count.</li>
 * </ul>
 * A legitimate request holds the credential once and nothing resembling it, so this width costs nothing
 * but the refusal of requests no client sends by accident.
 */
final class CredentialOccurrences {

    private CredentialOccurrences() {
    }

    // --- cookies ---------------------------------------------------------------------------------

    /** Occurrences of cookie {@code name} in all these {@code Cookie} field values together. */
    static int inCookieFields(List<String> fields, String name) {
        String key = key(name);
        int count = 0;
        for (String field : fields) {
            for (String pair : field.split(";", -1)) {
                count += inCookiePair(pair, name, key);
            }
        }
        return count;
    }

    /**
     * Occurrences in one {@code ;}-separated piece of a {@code Cookie} field: its {@code ,}-separated
     * parts whose raw or percent-decoded names match, and at least one when the piece's own name is exactly {@code name}, so that
     * every cookie the exact reading finds is counted.
     */
    static int inCookiePair(String pair, String name) {
        return inCookiePair(pair, name, key(name));
    }

    private static int inCookiePair(String pair, String name, String key) {
        int count = 0;
        for (String part : pair.split(",", -1)) {
            if (matchesRawOrDecoded(nameOf(part), key)) {
                count++;
            }
        }
        return Math.max(count, nameOf(pair).strip().equals(name) ? 1 : 0);
    }

    // --- query -----------------------------------------------------------------------------------

    /** Occurrences of parameter {@code name} in a raw (still percent-encoded) query. */
    static int inQuery(String rawQuery, String name) {
        if (rawQuery == null || rawQuery.isEmpty()) {
            return 0;
        }
        String key = key(name);
        int count = 0;
        for (String pair : rawQuery.split("&", -1)) {
            count += inQueryPair(pair, name, key);
        }
        return count;
    }

    /**
     * Occurrences in one {@code &}-separated raw pair: its {@code ;}-separated parts whose raw or decoded
     * names match, or, read after decoding the whole pair (where {@code %26}, {@code %3B} and {@code %3D}
     * separate too), the parts of the decoded text whose names match, whichever is more; and at least one
     * when the pair's decoded name is exactly {@code name} (the reading the token is taken from).
     * Decoding distributes over {@code &}, so decoding each pair is decoding the whole query.
     */
    static int inQueryPair(String pair, String name) {
        return inQueryPair(pair, name, key(name));
    }

    private static int inQueryPair(String pair, String name, String key) {
        int raw = 0;
        for (String part : pair.split(";", -1)) {
            if (matchesRawOrDecoded(nameOf(part), key)) {
                raw++;
            }
        }
        int decoded = 0;
        for (String part : decode(pair).split("[&;]", -1)) {
            // decoded again: an origin that decodes the query and then its parameters reads %255F as _
            if (matchesRawOrDecoded(nameOf(part), key)) {
                decoded++;
            }
        }
        boolean exact = name.equals(QueryString.name(pair));
        return Math.max(Math.max(raw, decoded), exact ? 1 : 0);
    }

    // --- names -----------------------------------------------------------------------------------

    /** The text before the first {@code =}, or all of it: a bare name is a credential with no value. */
    static String nameOf(String piece) {
        int eq = piece.indexOf('=');
        return eq < 0 ? piece : piece.substring(0, eq);
    }

    private static boolean matchesRawOrDecoded(String candidate, String key) {
        return matches(candidate, key) || matches(decode(candidate), key);
    }

    /** The configured name as {@link #sameName} compares it: trimmed and case-folded, once per request. */
    private static String key(String configured) {
        return fold(trim(configured));
    }

    /**
     * Whether some lenient origin reads {@code candidate} as the name {@code configured}: equal after
     * trimming surrounding whitespace, ignoring case, and (for PHP) with {@code .} and space as {@code _}
     * and anything from a {@code [} on taken as array syntax (or that {@code [} as {@code _}, PHP 8's
     * reading of an unclosed one).
     */
    static boolean sameName(String candidate, String configured) {
        return matches(candidate, key(configured));
    }

    private static boolean matches(String candidate, String target) {
        String c = fold(trim(candidate));
        if (c.isEmpty()) {
            return false;
        }
        if (c.equals(target)) {
            return true;
        }
        String php = c.replace(' ', '_').replace('.', '_');
        int bracket = php.indexOf('[');
        if (bracket < 0) {
            return php.equals(target);
        }
        return php.substring(0, bracket).equals(target)
                || (php.substring(0, bracket) + '_' + php.substring(bracket + 1)).equals(target);
    }

    /** Strips every control character, Unicode space and byte-order mark at either end. */
    static String trim(String s) {
        int start = 0;
        int end = s.length();
        while (start < end && blank(s.charAt(start))) {
            start++;
        }
        while (end > start && blank(s.charAt(end - 1))) {
            end--;
        }
        return s.substring(start, end);
    }

    private static boolean blank(char c) {
        return c <= ' ' || c == '\u007f' || c == '\ufeff' || Character.isWhitespace(c) || Character.isSpaceChar(c);
    }

    /** Per character as {@link String#equalsIgnoreCase} compares: upper case, then lower case. */
    private static String fold(String s) {
        StringBuilder folded = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            folded.append(Character.toLowerCase(Character.toUpperCase(s.charAt(i))));
        }
        return folded.toString();
    }

    /**
     * Percent-decoding as the most forgiving origins do it: {@code +} is a space, each well-formed
     * {@code %XX} a byte, the bytes UTF-8 (invalid sequences become U+FFFD), and a malformed escape stays
     * as written instead of hiding the rest of the text.
     */
    static String decode(String raw) {
        if (raw.indexOf('%') < 0 && raw.indexOf('+') < 0) {
            return raw;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(raw.length());
        StringBuilder out = new StringBuilder(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            int hi = c == '%' && i + 2 < raw.length() ? hex(raw.charAt(i + 1)) : -1;
            int lo = hi >= 0 ? hex(raw.charAt(i + 2)) : -1;
            if (lo >= 0) {
                bytes.write(hi * 16 + lo);
                i += 2;
                continue;
            }
            flush(bytes, out);
            out.append(c == '+' ? ' ' : c);
        }
        flush(bytes, out);
        return out.toString();
    }

    private static void flush(ByteArrayOutputStream bytes, StringBuilder out) {
        if (bytes.size() > 0) {
            out.append(bytes.toString(StandardCharsets.UTF_8));
            bytes.reset();
        }
    }

    private static int hex(char c) {
        return c < 128 ? Character.digit(c, 16) : -1;
    }
}
