package dev.edgeproxy.http;

import dev.edgeproxy.error.GatewayError;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Turns the request target a user agent sent into the one canonical {@link RequestTarget} that every
 * later step decides on and that the origin receives, so that no origin can read a path the policies
 * did not see. Refusals are {@link GatewayError.BadRequest} (400) with a short reason.
 *
 * <p>The steps, in order (see the README, "Security model"):
 * <ol>
 * <li>form: origin form ({@code /path?query}); absolute form ({@code http://host/path}) becomes origin
 *     form when its authority equals {@code Host}; asterisk form only for {@code OPTIONS}; anything else,
 *     {@code CONNECT} included, is refused;</li>
 * <li>characters: only RFC 3986 path characters; percent-escapes must be well formed; the escaped bytes
 *     must be valid (shortest-form) UTF-8, which refuses overlong encodings of {@code .} and {@code /};</li>
 * <li>escapes: unreserved characters ({@code A-Z a-z 0-9 - . _ ~}) are decoded; {@code %2F}, {@code %5C},
 *     a raw backslash, {@code %00} and {@code ;} path parameters follow the {@link TargetPolicy}; every
 *     other escape stays, in upper-case hex (so {@code %252e} stays {@code %252E}: never decoded twice);</li>
 * <li>segments: {@code //} merged (by default), then dot segments removed as RFC 3986 §5.2.4 does, so
 *     {@code /a/%2e%2e/b} is {@code /b}.</li>
 * </ol>
 * The query is not rewritten (it is forwarded byte for byte), only checked for characters no request
 * line may carry.
 */
public final class TargetCanonicalizer {

    private final TargetPolicy policy;

    public TargetCanonicalizer(TargetPolicy policy) {
        this.policy = policy;
    }

    /**
     * @param method the request method, upper case
     * @param target the request target as received ({@code :path} for HTTP/2)
     * @param host   the {@code Host} header (or {@code :authority}) as received, to check an absolute form against
     * @throws GatewayError.BadRequest when the target is refused
     */
    public RequestTarget canonicalize(String method, String target, String host) {
        if (target == null || target.isEmpty()) {
            throw refuse("empty request target");
        }
        if ("CONNECT".equals(method)) {
            throw refuse("CONNECT is not supported");
        }
        if (RequestTarget.ASTERISK.equals(target)) {
            if (!"OPTIONS".equals(method)) {
                throw refuse("asterisk form is only for OPTIONS");
            }
            return new RequestTarget(RequestTarget.ASTERISK, null);
        }
        String originForm = target.charAt(0) == '/' ? target : fromAbsoluteForm(target, host);
        int q = originForm.indexOf('?');
        String rawPath = q < 0 ? originForm : originForm.substring(0, q);
        String query = q < 0 ? null : originForm.substring(q + 1);
        if (query != null) {
            checkQuery(query);
        }
        return new RequestTarget(normalizeSegments(decode(rawPath)), query);
    }

    /** {@code http://authority/path?query} to {@code /path?query}, if the authority is the Host. */
    private static String fromAbsoluteForm(String target, String host) {
        int colon = target.indexOf("://");
        String scheme = colon < 0 ? "" : target.substring(0, colon).toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw refuse("request target is neither origin form nor absolute form");
        }
        int start = colon + 3;
        int end = start;
        while (end < target.length() && target.charAt(end) != '/' && target.charAt(end) != '?') {
            end++;
        }
        String authority = target.substring(start, end);
        if (authority.isEmpty() || authority.indexOf('@') >= 0) {
            throw refuse("absolute form without a plain authority");
        }
        if (host == null || !authority.equalsIgnoreCase(host.strip())) {
            throw refuse("absolute-form authority differs from Host");
        }
        String rest = target.substring(end);
        return rest.isEmpty() || rest.charAt(0) == '?' ? "/" + rest : rest;
    }

    /**
     * Step 2 and 3: checks every character and resolves every escape; the result has the policy's
     * separators as {@code /} and may still hold dot segments.
     */
    private String decode(String raw) {
        StringBuilder out = new StringBuilder(raw.length());
        boolean escapedHighBytes = false;
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '%') {
                int b = escapedByte(raw, i);
                i += 2;
                if (isUnreserved(b)) {
                    out.append((char) b);
                } else if (b == '/') {
                    apply(policy.escapedSlash(), "encoded slash (%2F)", out, "%2F");
                } else if (b == '\\') {
                    apply(policy.escapedBackslash(), "encoded backslash (%5C)", out, "%5C");
                } else if (b == 0) {
                    apply(policy.escapedNul(), "encoded NUL (%00)", out, "%00");
                } else {
                    escapedHighBytes |= b >= 0x80;
                    appendEscape(out, b);
                }
            } else if (c == '\\') {
                apply(policy.backslash(), "backslash in path", out, "\\");
            } else if (c == '#') {
                throw refuse("fragment in request target");
            } else if (isPathChar(c)) {
                out.append(c);
            } else {
                throw refuse("invalid character in path");
            }
        }
        if (escapedHighBytes) {
            checkUtf8(out);
        }
        return out.toString();
    }

    private static void apply(EscapeAction action, String what, StringBuilder out, String kept) {
        switch (action) {
            case REJECT -> throw refuse(what);
            case DECODE -> out.append('/');
            case KEEP -> out.append(kept);
        }
    }

    /** Step 4, on the decoded path: path parameters, merged slashes, dot segments. */
    private String normalizeSegments(String path) {
        String[] segments = path.substring(1).split("/", -1);
        List<String> kept = new ArrayList<>(segments.length);
        for (int i = 0; i < segments.length; i++) {
            String segment = pathParameters(segments[i]);
            boolean last = i == segments.length - 1;
            if (segment.equals(".") || segment.equals("..")) {
                if (segment.equals("..") && !kept.isEmpty()) {
                    kept.remove(kept.size() - 1);
                }
                if (last) {
                    kept.add("");
                }
            } else if (!segment.isEmpty() || last || !policy.mergeSlashes()) {
                kept.add(segment);
            }
        }
        return "/" + String.join("/", kept);
    }

    private String pathParameters(String segment) {
        int semicolon = segment.indexOf(';');
        if (semicolon < 0) {
            return segment;
        }
        String name = segment.substring(0, semicolon);
        return switch (policy.pathParameters()) {
            case REJECT -> throw refuse("path parameter (;) in path");
            case DECODE -> name;
            case KEEP -> {
                // Tomcat and Spring read "..;x" as "..": kept as is, it would climb past what was checked.
                if (name.equals(".") || name.equals("..")) {
                    throw refuse("path parameter on a dot segment");
                }
                yield segment;
            }
        };
    }

    private static void checkQuery(String query) {
        for (int i = 0; i < query.length(); i++) {
            char c = query.charAt(i);
            if (c == '#') {
                throw refuse("fragment in request target");
            }
            if (c <= 0x20 || c >= 0x7f) {
                throw refuse("invalid character in query");
            }
        }
    }

    /** The escaped bytes, decoded, must be UTF-8 in its shortest form (no overlong {@code %C0%AE}). */
    private static void checkUtf8(CharSequence path) {
        ByteBuffer bytes = ByteBuffer.allocate(path.length());
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            if (c == '%') {
                bytes.put((byte) Integer.parseInt(path.subSequence(i + 1, i + 3).toString(), 16));
                i += 2;
            } else {
                bytes.put((byte) c);
            }
        }
        bytes.flip();
        try {
            StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(bytes);
        } catch (CharacterCodingException e) {
            throw refuse("invalid UTF-8 in path");
        }
    }

    private static int escapedByte(String raw, int percent) {
        if (percent + 2 >= raw.length()) {
            throw refuse("invalid percent-encoding");
        }
        int hi = Character.digit(raw.charAt(percent + 1), 16);
        int lo = Character.digit(raw.charAt(percent + 2), 16);
        if (hi < 0 || lo < 0) {
            throw refuse("invalid percent-encoding");
        }
        return hi << 4 | lo;
    }

    private static void appendEscape(StringBuilder out, int b) {
        out.append('%').append(Character.toUpperCase(Character.forDigit(b >> 4, 16)))
                .append(Character.toUpperCase(Character.forDigit(b & 0xf, 16)));
    }

    static boolean isUnreserved(int c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || c == '-' || c == '.' || c == '_' || c == '~';
    }

    /** RFC 3986 {@code pchar} without escapes, plus the separator. */
    private static boolean isPathChar(char c) {
        return isUnreserved(c) || c == '/' || c == ':' || c == '@' || c == '!' || c == '$' || c == '&' || c == '\''
                || c == '(' || c == ')' || c == '*' || c == '+' || c == ',' || c == ';' || c == '=';
    }

    private static GatewayError.BadRequest refuse(String reason) {
        return new GatewayError.BadRequest(reason);
    }
}
