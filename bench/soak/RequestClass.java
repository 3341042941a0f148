/**
 * The kinds of request the soak sends, each with the answer edge-proxy must give, known before the request
 * is sent. Classes answered by the origin ({@link #toOrigin()}) must come back 200 with the origin's echo of
 * exactly what was sent; the others must come back with the proxy's own status and body.
 */
enum RequestClass {
    VALID_SAME("valid-same", 30, 200, null),
    VALID_FRESH("valid-fresh", 24, 200, null),
    BAD_SIGNATURE("bad-signature", 6, 401, "authentication failure: bad signature"),
    EXPIRED("expired", 6, 401, "authentication failure: token expired"),
    MALFORMED("malformed", 5, 401, "authentication failure: malformed token"),
    NO_TOKEN("no-token", 3, 401, "authentication failure: missing token"),
    DENIED("denied", 8, 403, "authorization failed"),
    UNKNOWN_PATH("unknown-path", 8, 404, "route not found"),
    POST_LENGTH("post-length", 3, 200, null),
    POST_CHUNKED("post-chunked", 3, 200, null),
    /** Tokens of the key dropped from the JWKS; sent only once the proxy is seen to refuse them. */
    RETIRED_KEY("retired-key", 4, 401, "authentication failure: unknown key");

    final String label;
    /** Share of the traffic, in slots of the request schedule. */
    final int weight;
    final int status;
    /** The proxy's own answer body, for classes the proxy answers itself. */
    final String proxyBody;

    RequestClass(String label, int weight, int status, String proxyBody) {
        this.label = label;
        this.weight = weight;
        this.status = status;
        this.proxyBody = proxyBody;
    }

    boolean toOrigin() {
        return proxyBody == null;
    }
}
