package dev.edgeproxy.http;

import dev.edgeproxy.error.GatewayError;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpVersion;

import java.util.List;
import java.util.Locale;

/**
 * Checks on the request head that two HTTP parsers could read differently (RFC 9112 §3.2, §6): which
 * authority the request is for, and how its body is framed. Netty already refuses a request with both
 * {@code Content-Length} and {@code Transfer-Encoding}, and conflicting {@code Content-Length} values;
 * this covers what it lets through.
 */
public final class RequestHead {

    private RequestHead() {
    }

    /**
     * The authority the request is for: its one {@code Host} header, or for HTTP/2 its {@code :authority}
     * (which a {@code Host} header, if also sent, must equal).
     *
     * @param authority {@code :authority} of an HTTP/2 request, else {@code null}
     * @return the authority as received; empty only for an HTTP/1.0 request without {@code Host}
     * @throws GatewayError.BadRequest for none (HTTP/1.1), several, or an invalid one
     */
    public static String authority(HttpVersion version, MultiMap headers, String authority) {
        List<String> hosts = headers.getAll("host");
        if (hosts.size() > 1) {
            throw new GatewayError.BadRequest("more than one Host header");
        }
        String host = hosts.isEmpty() ? null : hosts.get(0);
        if (version == HttpVersion.HTTP_2 && authority != null) {
            if (host != null && !host.equalsIgnoreCase(authority)) {
                throw new GatewayError.BadRequest("Host differs from :authority");
            }
            host = authority;
        }
        if (host == null) {
            if (version == HttpVersion.HTTP_1_0) {
                return "";
            }
            throw new GatewayError.BadRequest("missing Host header");
        }
        if (!validAuthority(host)) {
            throw new GatewayError.BadRequest("invalid Host header");
        }
        return host;
    }

    /**
     * @throws GatewayError.NotImplemented for a transfer coding other than exactly {@code chunked}
     * @throws GatewayError.BadRequest     for {@code Transfer-Encoding} on HTTP/1.0, which has no such framing
     */
    public static void checkFraming(HttpVersion version, MultiMap headers) {
        List<String> codings = headers.getAll("transfer-encoding");
        if (codings.isEmpty()) {
            return;
        }
        if (version == HttpVersion.HTTP_1_0) {
            throw new GatewayError.BadRequest("Transfer-Encoding in an HTTP/1.0 request");
        }
        // One field holding exactly "chunked": anything else (gzip, chunked; chunked twice; xchunked) would
        // reach the origin re-framed or, worse, be framed differently by it.
        if (codings.size() != 1 || !codings.get(0).strip().toLowerCase(Locale.ROOT).equals("chunked")) {
            throw new GatewayError.NotImplemented("transfer codings other than chunked");
        }
    }

    /**
     * Every header field passes {@link HeaderFields}: a name that is a token, a value without control characters
     * or space at either end. HTTP/1.1's parser refuses most of these already; HTTP/2's codec does not, and a
     * value with CR or LF would become a line of its own at an HTTP/1.1 origin (RFC 9113 §8.2.1: malformed).
     *
     * @throws GatewayError.BadRequest naming neither the field nor its value (which may be a credential)
     */
    public static void checkFields(MultiMap headers) {
        if (HeaderFields.firstInvalid(headers) != null) {
            throw new GatewayError.BadRequest("invalid header field");
        }
    }

    /**
     * The scheme of the request: the listener's ({@code https} on the TLS port), never the client's word. An
     * HTTP/2 client names one in {@code :scheme}; one that is neither {@code http} nor {@code https} is refused,
     * and either of those is replaced by the listener's (a TLS-terminating balancer in front may send
     * {@code https} over cleartext, which changes nothing the proxy decides).
     *
     * @param claimed {@code :scheme} of an HTTP/2 request, else {@code null}
     * @throws GatewayError.BadRequest for a {@code :scheme} other than {@code http} or {@code https}
     */
    public static String scheme(boolean tls, String claimed) {
        if (claimed != null && !claimed.equalsIgnoreCase("http") && !claimed.equalsIgnoreCase("https")) {
            throw new GatewayError.BadRequest("unsupported :scheme");
        }
        return tls ? "https" : "http";
    }

    /** RFC 3986 {@code host [":" port]}: a DNS-style name, an IPv4 address or a bracketed IPv6 literal. */
    static boolean validAuthority(String value) {
        if (value.isEmpty()) {
            return false;
        }
        int portStart;
        if (value.charAt(0) == '[') {
            int close = value.indexOf(']');
            if (close < 0 || !validIpv6(value.substring(1, close))) {
                return false;
            }
            portStart = close + 1;
        } else {
            int colon = value.indexOf(':');
            portStart = colon < 0 ? value.length() : colon;
            if (portStart == 0 || !validName(value.substring(0, portStart))) {
                return false;
            }
        }
        if (portStart == value.length()) {
            return true;
        }
        return value.charAt(portStart) == ':' && validPort(value.substring(portStart + 1));
    }

    private static boolean validName(String name) {
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '.' || c == '_';
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    private static boolean validIpv6(String literal) {
        if (literal.isEmpty()) {
            return false;
        }
        for (int i = 0; i < literal.length(); i++) {
            char c = literal.charAt(i);
            if (Character.digit(c, 16) < 0 && c != ':' && c != '.') {
                return false;
            }
        }
        return true;
    }

    private static boolean validPort(String port) {
        if (port.isEmpty() || port.length() > 5) {
            return false;
        }
        for (int i = 0; i < port.length(); i++) {
            if (port.charAt(i) < '0' || port.charAt(i) > '9') {
                return false;
            }
        }
        return Integer.parseInt(port) <= 65535;
    }

    /**
     * The request's {@code Content-Length}, or -1 when it has none (or, over HTTP/1.1, when it is chunked:
     * Netty refuses a request with both).
     */
    public static long declaredLength(MultiMap headers) {
        String length = headers.get("content-length");
        if (length == null) {
            return -1;
        }
        try {
            return Long.parseLong(length.strip());
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
