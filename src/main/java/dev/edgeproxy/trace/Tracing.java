package dev.edgeproxy.trace;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.SocketAddress;
import org.eclipse.microprofile.config.Config;

import java.net.URI;

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
    public static final Tracing OFF = new Tracing(null, null, "off (no OTLP endpoint configured)");

    /** The instrumentation scope of every span the proxy makes. */
    static final String SCOPE = "dev.edgeproxy";

    private final Tracer tracer;
    private final TextMapPropagator propagator;
    private final String description;

    private Tracing(Tracer tracer, TextMapPropagator propagator, String description) {
        this.tracer = tracer;
        this.propagator = propagator;
        this.description = description;
    }

    /**
     * {@link #OFF} unless an OTLP endpoint is configured ({@link TracingSwitch}), else tracing with
     * {@code openTelemetry}'s tracer and propagators (W3C trace context unless configured otherwise), whose sampler
     * is the proxy's ({@link TraceSampling}).
     *
     * @throws IllegalArgumentException naming the setting, for a wrong {@code edge-proxy.tracing.client-sampling}
     */
    public static Tracing configured(Config config, OpenTelemetry openTelemetry) {
        if (config.getOptionalValue(TracingSwitch.SDK_DISABLED, Boolean.class).orElse(false)) {
            return OFF;
        }
        String endpoint = config.getOptionalValue(TracingSwitch.TRACES_ENDPOINT, String.class)
                .or(() -> config.getOptionalValue(TracingSwitch.ENDPOINT, String.class))
                .orElse("?");
        return new Tracing(openTelemetry.getTracer(SCOPE), openTelemetry.getPropagators().getTextMapPropagator(),
                "OTLP to " + withoutCredentials(endpoint) + ", " + TraceSampling.Settings.of(config));
    }

    /** What was decided, for the startup log: off, or where spans go and how requests are sampled. */
    public String description() {
        return description;
    }

    /** Scheme, host and port of {@code endpoint}: a user-info part or a query may hold a credential. */
    static String withoutCredentials(String endpoint) {
        try {
            URI uri = URI.create(endpoint.strip());
            if (uri.getHost() != null) {
                return uri.getScheme() + "://" + uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort());
            }
        } catch (IllegalArgumentException e) {
            // not a URL: said so below, without repeating what it holds
        }
        return "(an endpoint that is not a URL)";
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
        SocketAddress remote = request.remoteAddress();
        return start(request.method().name(), request.headers(), request.connection().isSsl(), request.version(),
                remote == null ? null : remote.hostAddress());
    }

    /** {@link #start(HttpServerRequest)} for a data path without Vert.x's request; {@code client} may be null. */
    public RequestTrace start(String method, MultiMap headers, boolean tls, HttpVersion version, String client) {
        if (tracer == null) {
            return RequestTrace.OFF;
        }
        Context parent = propagator.extract(Context.root(), headers, TraceHeaders.GETTER);
        var builder = tracer.spanBuilder(method)
                .setParent(parent)
                .setSpanKind(SpanKind.SERVER)
                .setAttribute(TraceAttributes.HTTP_METHOD, method)
                .setAttribute(TraceAttributes.URL_SCHEME, tls ? "https" : "http")
                .setAttribute(TraceAttributes.PROTOCOL_VERSION, switch (version) {
                    case HTTP_1_0 -> "1.0";
                    case HTTP_1_1 -> "1.1";
                    case HTTP_2 -> "2";
                });
        if (client != null) {
            builder.setAttribute(TraceAttributes.CLIENT_ADDRESS, client);
        }
        Span span = builder.startSpan();
        return new LiveTrace(tracer, propagator, parent.with(span), span);
    }
}
