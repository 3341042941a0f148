package dev.edgeproxy.proxy;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code Origin} values a route's WebSocket upgrades may carry ({@code websocketAllowedOrigins},
 * docs/reference.md#websocket).
 *
 * <p>Why: browsers send cookies with a cross-site WebSocket handshake and WebSockets have no CORS, so on a route
 * whose token comes from a cookie any page could open a tunnel in the user's name (cross-site WebSocket
 * hijacking). The browser's {@code Origin} header, which scripts cannot set, tells the proxy whose page asks.
 *
 * <p>Origins are compared in the form RFC 6454 serializes them: scheme and host case-insensitively, the port
 * exactly, a scheme's default port (80 for http, 443 for https) the same as none. The opaque origin
 * {@code null} (sandboxed frames, {@code file:} pages) matches only a listed {@code null}. There are no
 * wildcards: every origin is written out.
 */
public final class AllowedOrigins {

    /** No list configured: every upgrade passes, whatever its {@code Origin}. */
    public static final AllowedOrigins ANY = new AllowedOrigins(null);

    static final String OPAQUE = "null";

    /** {@code scheme://host[:port]}, nothing after: the host a DNS name, IPv4 address or bracketed IPv6 literal. */
    private static final Pattern SERIALIZED = Pattern.compile(
            "([A-Za-z][A-Za-z0-9+.-]*)://([A-Za-z0-9_.-]+|\\[[0-9A-Fa-f:.]+\\])(?::([0-9]{1,5}))?");

    /** Normalized origins; {@code null} for {@link #ANY}. */
    private final Set<String> origins;

    private AllowedOrigins(Set<String> origins) {
        this.origins = origins;
    }

    /**
     * @param serialized origins as {@link #normalize} accepts them
     * @throws IllegalArgumentException for the first one that is not a serialized origin
     */
    public static AllowedOrigins of(List<String> serialized) {
        return new AllowedOrigins(Set.copyOf(serialized.stream().map(AllowedOrigins::normalize).toList()));
    }

    /**
     * Whether an upgrade with these {@code Origin} header values may pass. None (a client that is not a browser,
     * which no other site can drive) passes; more than one is ambiguous and refused, as is a value that is not
     * a serialized origin (it can equal no entry).
     */
    public boolean allows(List<String> originHeaders) {
        if (origins == null || originHeaders.isEmpty()) {
            return true;
        }
        if (originHeaders.size() > 1) {
            return false;
        }
        try {
            return origins.contains(normalize(originHeaders.get(0).strip()));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** Whether any {@code Origin} passes (no list was configured). */
    public boolean any() {
        return origins == null;
    }

    /**
     * The canonical form of a serialized origin: lower-case scheme and host, the port only when it is not the
     * scheme's default; {@code null} stays {@code null}.
     *
     * @throws IllegalArgumentException with the reason, when {@code origin} is not {@code http(s)://host[:port]}
     *                                  or {@code null}
     */
    public static String normalize(String origin) {
        if (origin.equals(OPAQUE)) {
            return OPAQUE;
        }
        Matcher m = SERIALIZED.matcher(origin);
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + origin + "' is not an origin (scheme://host[:port], no path and "
                    + "no trailing slash, or null)");
        }
        String scheme = m.group(1).toLowerCase(Locale.ROOT);
        int defaultPort = switch (scheme) {
            case "http" -> 80;
            case "https" -> 443;
            default -> throw new IllegalArgumentException("'" + origin + "' has scheme '" + m.group(1)
                    + "' (expected http or https)");
        };
        String host = m.group(2).toLowerCase(Locale.ROOT);
        if (host.startsWith(".") || host.endsWith(".") || host.contains("..")) {
            throw new IllegalArgumentException("'" + origin + "' has no valid host");
        }
        if (m.group(3) == null) {
            return scheme + "://" + host;
        }
        int port = Integer.parseInt(m.group(3));
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("'" + origin + "' has port out of range 1-65535");
        }
        return port == defaultPort ? scheme + "://" + host : scheme + "://" + host + ":" + port;
    }

    @Override
    public String toString() {
        return origins == null ? "any" : origins.toString();
    }
}
