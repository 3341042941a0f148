package dev.edgeproxy.http;

import java.util.Locale;

/**
 * The header fields the proxy owns on the way to the origin, whatever a route's configuration says: the
 * hop-by-hop ones ({@link HopByHop#HEADERS}, which describe one connection and frame the body), {@code host} (the
 * checked authority) and {@code content-length} (the body's framing). A transformation cannot set, add or remove
 * them, and {@code gateway.untrustedHeaders} cannot list them: the proxy decides on them itself.
 */
public final class ManagedHeaders {

    private ManagedHeaders() {
    }

    /** Whether the proxy manages {@code name} (any case). */
    public static boolean isManaged(String name) {
        String n = name.strip().toLowerCase(Locale.ROOT);
        return HopByHop.HEADERS.contains(n) || n.equals("host") || n.equals("content-length");
    }
}
