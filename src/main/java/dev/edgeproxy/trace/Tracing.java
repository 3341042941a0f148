package dev.edgeproxy.trace;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.SocketAddress;

/**
 * Distributed tracing of proxied requests (docs/operations.md#tracing): one server span per request, named
 * after its route, carrying the authentication and authorization outcomes as events, and one client span
 * around the exchange with the origin, whose context the origin receives ({@code traceparent},
 * {@code tracestate}).
 *
 * <p>Made once at startup. {@link #OFF} when no OTLP endpoint is configured ({@link TracingSwitch}): then every
 * request gets {@link RequestTrace#OFF}, which allocates nothing and leaves the client's trace headers to
 * travel on untouched like any other end-to-end header.
 */
public final class Tracing {

    /** No tracing: nothing is recorded, nothing is exported, no header is changed. */
    public static final Tracing OFF = new Tracing(null, null);

    /** The instrumentation scope of every span the proxy makes. */
    static final String SCOPE = "dev.edgeproxy";

    private final Tracer tracer;
    private final TextMapPropagator propagator;

    private Tracing(Tracer tracer, TextMapPropagator propagator) {
        this.tracer = tracer;
        this.propagator = propagator;
    }

    /** Traces with {@code openTelemetry}'s tracer and propagators (W3C trace context unless configured otherwise). */
    public static Tracing of(OpenTelemetry openTelemetry) {
        return new Tracing(openTelemetry.getTracer(SCOPE), openTelemetry.getPropagators().getTextMapPropagator());
    }

    public boolean enabled() {
        return tracer != null;
    }

    /**
     * Starts the server span of {@code request}, continuing the trace its {@code traceparent} names (a request
     * with more than one {@code traceparent} starts a new trace: which one would the origin have followed?).
     * The span is named after the method until a route is matched.
     */
    public RequestTrace start(HttpServerRequest request) {
        if (tracer == null) {
            return RequestTrace.OFF;
        }
        Context parent = propagator.extract(Context.root(), request.headers(), TraceHeaders.GETTER);
        String method = request.method().name();
        var builder = tracer.spanBuilder(method)
                .setParent(parent)
                .setSpanKind(SpanKind.SERVER)
                .setAttribute(TraceAttributes.HTTP_METHOD, method)
                .setAttribute(TraceAttributes.URL_SCHEME, request.isSSL() ? "https" : "http")
                .setAttribute(TraceAttributes.PROTOCOL_VERSION, switch (request.version()) {
                    case HTTP_1_0 -> "1.0";
                    case HTTP_1_1 -> "1.1";
                    case HTTP_2 -> "2";
                });
        SocketAddress remote = request.remoteAddress();
        if (remote != null && remote.hostAddress() != null) {
            builder.setAttribute(TraceAttributes.CLIENT_ADDRESS, remote.hostAddress());
        }
        Span span = builder.startSpan();
        return new LiveTrace(tracer, propagator, parent.with(span), span);
    }
}
