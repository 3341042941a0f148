package dev.edgeproxy.http;

import io.vertx.core.MultiMap;

import java.util.List;

/**
 * What HTTP/2 spells differently from HTTP/1.1, put the way an HTTP/1.1 origin reads it, so that the origin
 * receives the request every step decided on whichever protocol the user agent spoke:
 * <ul>
 * <li>the authority: HTTP/2 carries it as {@code :authority}, which is no header; the origin gets the checked
 *     authority as {@code Host} (an HTTP/1.1 request's own {@code Host} is that same value);</li>
 * <li>cookies: HTTP/2 may split them over several {@code cookie} fields (RFC 9113 §8.2.3), an HTTP/1.1 origin
 *     may read only the first {@code Cookie} line (RFC 6265 §5.4 allows one); they are joined with {@code "; "}.</li>
 * </ul>
 */
public final class OriginHead {

    private OriginHead() {
    }

    /**
     * @param headers   the origin's end-to-end headers, changed in place
     * @param authority the request's checked authority; {@code null} or empty when it had none (HTTP/1.0)
     */
    public static void apply(MultiMap headers, String authority) {
        if (authority != null && !authority.isEmpty() && !headers.contains("host")) {
            headers.set("host", authority);
        }
        List<String> cookies = headers.getAll("cookie");
        if (cookies.size() > 1) {
            headers.set("cookie", String.join("; ", cookies));
        }
    }
}
