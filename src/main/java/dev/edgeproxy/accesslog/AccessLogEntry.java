package dev.edgeproxy.accesslog;

/**
 * What the access log says about one request. Only these fields exist, so no token, query string,
 * {@code Authorization} or {@code Cookie} value can ever reach the log.
 *
 * @param route          the matched route, or {@code null} when none matched
 * @param method         the request method
 * @param path           the request path; anything from a {@code ?} on is cut off (a query can hold a token)
 * @param status         the status code sent to the user agent
 * @param durationNanos  the whole request, from arrival to the end of the response
 * @param originNanos    the exchange with the origin, or {@link #NOT_FORWARDED}
 * @param subject        the verified token's {@code sub}, or {@code null} when nothing was verified
 * @param client         the user agent's address
 */
public record AccessLogEntry(String route, String method, String path, int status, long durationNanos,
        long originNanos, String subject, String client) {

    /** {@link #originNanos()} of a request that never reached the origin. */
    public static final long NOT_FORWARDED = -1;

    public AccessLogEntry {
        if (path != null) {
            int query = path.indexOf('?');
            if (query >= 0) {
                path = path.substring(0, query);
            }
        }
    }

    public boolean forwarded() {
        return originNanos != NOT_FORWARDED;
    }
}
