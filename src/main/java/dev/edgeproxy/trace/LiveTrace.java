package dev.edgeproxy.trace;

import dev.edgeproxy.authz.Decision;
import dev.edgeproxy.authz.RuleResult;
import dev.edgeproxy.jwt.Authentication;
import dev.edgeproxy.proxy.Backend;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.vertx.core.MultiMap;

import java.util.Locale;

/** A request that is traced (sampled or not: an unsampled span still carries the trace on to the origin). */
final class LiveTrace implements RequestTrace {

    private final Tracer tracer;
    private final TextMapPropagator propagator;
    /** The server span's context: the parent of the client span. */
    private final Context context;
    private final Span server;
    private Span clientSpan;

    LiveTrace(Tracer tracer, TextMapPropagator propagator, Context context, Span server) {
        this.tracer = tracer;
        this.propagator = propagator;
        this.context = context;
        this.server = server;
    }

    @Override
    public void route(String name) {
        server.updateName(name);
        server.setAttribute(TraceAttributes.ROUTE, name);
    }

    @Override
    public void authentication(Authentication authentication) {
        if (!server.isRecording()) {
            return;
        }
        AttributesBuilder event = Attributes.builder();
        if (authentication.verified()) {
            event.put(TraceAttributes.AUTH_OUTCOME, "verified");
            // A verified iss equals the issuer of the provider that verified it (docs/reference.md#jwt-details).
            Object issuer = authentication.identity().claims().get("iss");
            if (issuer instanceof String provider) {
                event.put(TraceAttributes.AUTH_PROVIDER, provider);
            }
            event.put(TraceAttributes.AUTH_CACHE_HIT, authentication.fromCache());
        } else {
            event.put(TraceAttributes.AUTH_OUTCOME, authentication.refused() ? "refused" : "anonymous");
            event.put(TraceAttributes.AUTH_REASON, authentication.failure().name().toLowerCase(Locale.ROOT));
        }
        server.addEvent("authentication", event.build());
    }

    @Override
    public void authorization(Decision decision) {
        if (!server.isRecording()) {
            return;
        }
        AttributesBuilder event = Attributes.builder()
                .put(TraceAttributes.AUTHZ_DECISION, decision.allowed() ? "allow" : "deny")
                .put(TraceAttributes.AUTHZ_STEP, decision.step().number());
        RuleResult rule = decision.rule();
        if (rule != null) {
            event.put(TraceAttributes.AUTHZ_RULE_KIND, rule.rule().kind().key());
            event.put(TraceAttributes.AUTHZ_RULE_INDEX, rule.rule().index());
        }
        server.addEvent("authorization", event.build());
    }

    @Override
    public void subject(String subject) {
        server.setAttribute(TraceAttributes.ENDUSER_ID, subject);
    }

    @Override
    public void forwarding(Backend origin, String method, MultiMap originHeaders) {
        clientSpan = tracer.spanBuilder("upstream " + origin)
                .setParent(context)
                .setSpanKind(SpanKind.CLIENT)
                .setAttribute(TraceAttributes.HTTP_METHOD, method)
                .setAttribute(TraceAttributes.SERVER_ADDRESS, origin.host())
                .setAttribute(TraceAttributes.SERVER_PORT, (long) origin.port())
                .setAttribute(TraceAttributes.BACKEND, origin.toString())
                .startSpan();
        // The origin continues our trace, not the client's: what the client sent in these headers goes.
        for (String field : propagator.fields()) {
            originHeaders.remove(field);
        }
        propagator.inject(context.with(clientSpan), originHeaders, TraceHeaders.SETTER);
    }

    @Override
    public void originEnded(int status) {
        if (clientSpan == null) {
            return;
        }
        if (status > 0) {
            clientSpan.setAttribute(TraceAttributes.HTTP_STATUS, (long) status);
            if (status >= 500) {
                clientSpan.setStatus(StatusCode.ERROR);
            }
        } else {
            clientSpan.setAttribute(TraceAttributes.ERROR_TYPE, "no response");
            clientSpan.setStatus(StatusCode.ERROR);
        }
        clientSpan.end();
        clientSpan = null;
    }

    @Override
    public void failed(String errorType) {
        server.setAttribute(TraceAttributes.ERROR_TYPE, errorType);
    }

    @Override
    public void end(int status, String path) {
        if (clientSpan != null) {
            // The user agent went away first: the exchange was abandoned.
            clientSpan.setAttribute(TraceAttributes.ERROR_TYPE, "cancelled");
            clientSpan.end();
            clientSpan = null;
        }
        if (path != null) {
            server.setAttribute(TraceAttributes.URL_PATH, path);
        }
        server.setAttribute(TraceAttributes.HTTP_STATUS, (long) status);
        if (status >= 500) {
            server.setStatus(StatusCode.ERROR);
        }
        server.end();
    }
}
