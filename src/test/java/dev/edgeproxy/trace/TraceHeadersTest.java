package dev.edgeproxy.trace;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.vertx.core.MultiMap;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Which trace context a request continues, read by the W3C propagator through {@link TraceHeaders}. */
class TraceHeadersTest {

    private static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String PARENT = "00f067aa0ba902b7";
    private static final String VALID = "00-" + TRACE + "-" + PARENT + "-01";

    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of("one valid traceparent", List.of(VALID), TRACE),
                Arguments.of("upper-case header name", List.of(VALID), TRACE),
                Arguments.of("none", List.of(), null),
                Arguments.of("two, the same", List.of(VALID, VALID), null),
                Arguments.of("two, different", List.of(VALID, "00-" + "1".repeat(32) + "-" + PARENT + "-01"), null),
                Arguments.of("all-zero trace id", List.of("00-" + "0".repeat(32) + "-" + PARENT + "-01"), null),
                Arguments.of("upper-case hex", List.of("00-" + TRACE.toUpperCase() + "-" + PARENT + "-01"), null),
                Arguments.of("version ff", List.of("ff-" + TRACE + "-" + PARENT + "-01"), null),
                Arguments.of("truncated", List.of("00-" + TRACE + "-" + PARENT), null),
                Arguments.of("a list in one header", List.of(VALID + "," + VALID), null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void continuesOnlyOneUnambiguousValidTraceparent(String name, List<String> values, String continued) {
        MultiMap headers = MultiMap.caseInsensitiveMultiMap();
        String header = name.startsWith("upper-case header") ? "TraceParent" : "traceparent";
        values.forEach(v -> headers.add(header, v));
        Context context = W3CTraceContextPropagator.getInstance().extract(Context.root(), headers, TraceHeaders.GETTER);
        SpanContext parent = Span.fromContext(context).getSpanContext();
        assertEquals(continued, parent.isValid() ? parent.getTraceId() : null);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void injectingReplacesWhatTheClientSent(String name, List<String> values, String continued) {
        MultiMap headers = MultiMap.caseInsensitiveMultiMap();
        values.forEach(v -> headers.add("traceparent", v));
        SpanContext ours = SpanContext.create("a".repeat(32), "b".repeat(16),
                io.opentelemetry.api.trace.TraceFlags.getSampled(), io.opentelemetry.api.trace.TraceState.getDefault());
        W3CTraceContextPropagator.getInstance().inject(Context.root().with(Span.wrap(ours)), headers, TraceHeaders.SETTER);
        assertEquals(List.of("00-" + "a".repeat(32) + "-" + "b".repeat(16) + "-01"), headers.getAll("traceparent"));
    }
}
