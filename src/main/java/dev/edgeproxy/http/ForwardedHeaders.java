package dev.edgeproxy.http;

import io.vertx.core.MultiMap;

/**
 * The {@code X-Forwarded-*} headers an origin behind an edge proxy expects: the user agent's address
 * appended to {@code X-Forwarded-For}, {@code X-Forwarded-Proto} and {@code X-Forwarded-Host} set
 * to what the user agent used. The original {@code Host} is kept as is.
 */
public final class ForwardedHeaders {

    private ForwardedHeaders() {
    }

    /**
     * @param clientAddress the user agent's address as seen on the connection
     * @param hostHeader    the Host (or {@code :authority}) the user agent sent; may be null
     */
    public static void apply(MultiMap headers, String clientAddress, String scheme, String hostHeader) {
        if (clientAddress != null) {
            String existing = String.join(", ", headers.getAll("x-forwarded-for"));
            headers.set("x-forwarded-for", existing.isBlank() ? clientAddress : existing + ", " + clientAddress);
        }
        headers.set("x-forwarded-proto", scheme);
        if (hostHeader != null) {
            headers.set("x-forwarded-host", hostHeader);
        } else {
            headers.remove("x-forwarded-host");
        }
    }
}
