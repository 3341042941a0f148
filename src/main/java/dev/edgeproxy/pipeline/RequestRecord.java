package dev.edgeproxy.pipeline;

import dev.edgeproxy.accesslog.AccessLog;
import dev.edgeproxy.accesslog.AccessLogEntry;
import dev.edgeproxy.error.GatewayError;
import dev.edgeproxy.jwt.Authentication;
import dev.edgeproxy.metrics.GatewayMetrics;
import dev.edgeproxy.metrics.RouteMeters;
import dev.edgeproxy.proxy.Backend;
import dev.edgeproxy.trace.RequestTrace;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpServerResponse;

/**
 * What one request did, noted as the pipeline goes and reported: to its trace as it happens, and once when its
 * response has ended to the route's meters and as one access log line. Used on the request's event loop only,
 * by either data path (this package's, or {@code dev.edgeproxy.datapath}'s).
 */
public final class RequestRecord {

    /** As nginx: the user agent went away before the response began. */
    static final int CLIENT_CLOSED_REQUEST = 499;

    private final long startedAt = System.nanoTime();
    private final String method;
    private final String client;
    private IncomingRequest request;
    private final GatewayMetrics metrics;
    private final AccessLog accessLog;
    private final RequestTrace trace;
    private String routeName;
    private RouteMeters meters;
    private String subject;
    private long originNanos = AccessLogEntry.NOT_FORWARDED;
    private boolean reported;

    public RequestRecord(String method, String client, GatewayMetrics metrics, AccessLog accessLog, RequestTrace trace) {
        this.method = method;
        this.client = client;
        this.metrics = metrics;
        this.accessLog = accessLog;
        this.trace = trace;
    }

    /**
     * What the proxy decided: the canonical request (a request refused at step 1 has none, and is logged without
     * a path), the route, the subject, and the refusals operators watch.
     */
    public void evaluated(Evaluation evaluation) {
        request = evaluation.request();
        if (evaluation.route() != null) {
            routeName = evaluation.route().name();
            meters = null;
            trace.route(routeName);
        }
        Object sub = evaluation.identity().claims().get("sub");
        subject = sub == null ? null : sub.toString();
        Authentication authentication = evaluation.authentication();
        if (authentication != null) {
            trace.authentication(authentication);
        }
        if (evaluation.decision() != null) {
            trace.authorization(evaluation.decision());
        }
        if (subject != null) {
            trace.subject(subject);
        }
        if (authentication != null && authentication.refused()) {
            meters().authFailure(authentication.failure());
        } else if (evaluation.decision() != null && !evaluation.decision().allowed()) {
            meters().authzDenial();
        }
    }

    /** The matched route's name, or {@code null} while (or when) none matched. */
    public String routeName() {
        return routeName;
    }

    /** The request goes to {@code backend} with {@code headers}, which carry its trace on. */
    public void forwarding(Backend backend, MultiMap headers) {
        trace.forwarding(backend, method, headers);
    }

    /**
     * The exchange with the origin is over (complete, failed or timed out) after {@code nanos}; {@code status} is
     * the origin's, 0 when it sent none.
     */
    public void originTook(long nanos, int status) {
        originNanos = nanos;
        meters().origin(nanos);
        trace.originEnded(status);
    }

    /** The request ends with {@code failure}: counts the requests refused for their form. */
    public void failed(Throwable failure) {
        trace.failed(failure instanceof GatewayError ? failure.getClass().getSimpleName() : "internal");
        if (failure instanceof GatewayError g && g.closesConnection()) {
            metrics.refused(failure instanceof GatewayError.PayloadTooLarge ? "request body too large" : g.getMessage());
        }
    }

    /**
     * The response has ended (for a WebSocket tunnel: the tunnel has closed). Reported once, however often
     * it is called.
     *
     * @param completed false when the connection closed before the response was complete
     */
    void end(HttpServerResponse response, boolean completed) {
        end(response.getStatusCode(), response.headWritten(), completed);
    }

    /**
     * The response has ended, as {@link #end(HttpServerResponse, boolean)} says, for a data path without Vert.x's
     * response.
     *
     * @param status    the status the response has (or would have had)
     * @param headSent  whether its head went out
     * @param completed false when the connection closed before the response was complete
     */
    public void end(int status, boolean headSent, boolean completed) {
        if (reported) {
            return;
        }
        reported = true;
        long duration = System.nanoTime() - startedAt;
        status = !completed && !headSent ? CLIENT_CLOSED_REQUEST : status;
        meters().request(status, duration);
        trace.end(status, request == null ? null : request.path());
        if (accessLog.enabled()) {
            accessLog.write(new AccessLogEntry(routeName, method, request == null ? null : request.path(), status,
                    duration, originNanos, subject, client));
        }
    }

    private RouteMeters meters() {
        if (meters == null) {
            meters = metrics.route(routeName);
        }
        return meters;
    }
}
