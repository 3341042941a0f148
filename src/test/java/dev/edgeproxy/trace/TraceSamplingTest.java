package dev.edgeproxy.trace;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.trace.samplers.SamplingDecision;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Who decides whether a request is sampled: the client's flag, the ratio, or a draw. */
class TraceSamplingTest {

    private static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";

    private static Context remoteParent(String parent) {
        return switch (parent) {
            case "none" -> Context.root();
            case "sampled", "unsampled" -> Context.root().with(Span.wrap(SpanContext.createFromRemoteParent(TRACE,
                    "00f067aa0ba902b7", parent.equals("sampled") ? TraceFlags.getSampled() : TraceFlags.getDefault(),
                    TraceState.getDefault())));
            default -> throw new IllegalArgumentException(parent);
        };
    }

    @ParameterizedTest(name = "{0}, ratio {1}, client {2}: {3}")
    @CsvSource({
            // follow: the client's flag decides; without one, the ratio
            "follow, 0.0, sampled,   RECORD_AND_SAMPLE",
            "follow, 1.0, unsampled, DROP",
            "follow, 0.0, none,      DROP",
            "follow, 1.0, none,      RECORD_AND_SAMPLE",
            // ignore: the proxy's own draw, whatever the client says
            "ignore, 0.0, sampled,   DROP",
            "ignore, 1.0, unsampled, RECORD_AND_SAMPLE",
            "ignore, 0.0, none,      DROP",
            "ignore, 1.0, none,      RECORD_AND_SAMPLE",
    })
    void theRequestSpan(String clientSampling, double ratio, String parent, SamplingDecision expected) {
        var sampler = TraceSampling.sampler(ratio, TraceSampling.followsClient(clientSampling));
        assertEquals(expected, sampler.shouldSample(remoteParent(parent), TRACE, "route", SpanKind.SERVER,
                Attributes.empty(), List.of()).getDecision());
    }

    @ParameterizedTest(name = "{0}: the origin's span follows a {1} request span")
    @CsvSource({"follow, sampled, RECORD_AND_SAMPLE", "follow, unsampled, DROP",
            "ignore, sampled, RECORD_AND_SAMPLE", "ignore, unsampled, DROP"})
    void theClientSpanFollowsTheRequestSpan(String clientSampling, String server, SamplingDecision expected) {
        // The ratio would say the opposite of the request span: a trace is recorded whole or not at all.
        double ratio = server.equals("sampled") ? 0.0 : 1.0;
        var sampler = TraceSampling.sampler(ratio, TraceSampling.followsClient(clientSampling));
        Context serverSpan = Context.root().with(Span.wrap(SpanContext.create(TRACE, "1111111111111111",
                server.equals("sampled") ? TraceFlags.getSampled() : TraceFlags.getDefault(), TraceState.getDefault())));
        assertEquals(expected, sampler.shouldSample(serverSpan, TRACE, "upstream", SpanKind.CLIENT,
                Attributes.empty(), List.of()).getDecision());
    }

    @Test
    void ignoreDrawsTheRatioWhateverTheTraceId() {
        var sampler = TraceSampling.sampler(0.25, false);
        int sampled = 0;
        for (int i = 0; i < 20_000; i++) {
            // One and the same trace id every time: a ratio read from the id would give all or nothing.
            if (sampler.shouldSample(remoteParent("sampled"), TRACE, "route", SpanKind.SERVER, Attributes.empty(),
                    List.of()).getDecision() == SamplingDecision.RECORD_AND_SAMPLE) {
                sampled++;
            }
        }
        assertTrue(sampled > 4_000 && sampled < 6_000, "sampled " + sampled + " of 20000 at 0.25");
    }

    @Test
    void wrongSettingsAreRefusedNamingThem() {
        var clientSampling = assertThrows(IllegalArgumentException.class, () -> TraceSampling.followsClient("trust"));
        assertEquals("edge-proxy.tracing.client-sampling: must be follow or ignore, got 'trust'", clientSampling.getMessage());
        var ratio = assertThrows(IllegalArgumentException.class, () -> TraceSampling.sampler(1.5, true));
        assertEquals("quarkus.otel.traces.sampler.arg: must be between 0.0 and 1.0, got 1.5", ratio.getMessage());
        assertTrue(TraceSampling.followsClient(" Follow "));
    }
}
