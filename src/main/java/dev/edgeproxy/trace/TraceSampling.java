package dev.edgeproxy.trace;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import io.opentelemetry.sdk.trace.samplers.SamplingResult;
import org.eclipse.microprofile.config.Config;

import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Which requests are sampled (docs/operations.md#tracing): a share {@code ratio} of new traces, and for a request
 * that arrives with a trace, the client's decision ({@code follow}, the W3C default) or the proxy's own
 * ({@code ignore}, {@code edge-proxy.tracing.client-sampling}).
 *
 * <p>Why {@code ignore} draws at random instead of reading the trace id as OpenTelemetry's ratio sampler does: at
 * the edge the trace id is the client's to choose, and a client choosing ids below the ratio's threshold would
 * have every one of its requests recorded and exported.
 */
final class TraceSampling {

    /** The setting: {@code follow} (default) or {@code ignore}. */
    static final String CLIENT_SAMPLING = "edge-proxy.tracing.client-sampling";
    /** Quarkus' own setting, the share of new traces sampled (1.0 unless set). */
    static final String RATIO = "quarkus.otel.traces.sampler.arg";

    private TraceSampling() {
    }

    /** The sampling settings as configured, read in one place for the sampler and the startup log. */
    record Settings(double ratio, boolean followClient) {

        /** @throws IllegalArgumentException naming the setting, for a client sampling other than follow or ignore */
        static Settings of(Config config) {
            return new Settings(config.getOptionalValue(RATIO, Double.class).orElse(1.0),
                    followsClient(config.getOptionalValue(CLIENT_SAMPLING, String.class).orElse("follow")));
        }

        Sampler sampler() {
            return TraceSampling.sampler(ratio, followClient);
        }

        @Override
        public String toString() {
            return "new traces sampled at " + ratio + ", the client's sampling decision "
                    + (followClient ? "followed" : "ignored");
        }
    }

    /**
     * @param clientSampling {@code follow} or {@code ignore}, any case
     * @return whether the client's sampling decision is followed
     * @throws IllegalArgumentException naming the setting, for any other value
     */
    static boolean followsClient(String clientSampling) {
        return switch (clientSampling.strip().toLowerCase(Locale.ROOT)) {
            case "follow" -> true;
            case "ignore" -> false;
            default -> throw new IllegalArgumentException(
                    CLIENT_SAMPLING + ": must be follow or ignore, got '" + clientSampling + "'");
        };
    }

    /** The sampler: parent-based over the trace id ratio, or {@code ratio} drawn at random for every request. */
    static Sampler sampler(double ratio, boolean followClient) {
        if (ratio < 0 || ratio > 1 || Double.isNaN(ratio)) {
            throw new IllegalArgumentException(RATIO + ": must be between 0.0 and 1.0, got " + ratio);
        }
        return followClient ? Sampler.parentBased(Sampler.traceIdRatioBased(ratio)) : new Random(ratio);
    }

    /** Samples each request with probability {@code ratio}, whatever the parent and the trace id say. */
    private record Random(double ratio) implements Sampler {
        @Override
        public SamplingResult shouldSample(Context parentContext, String traceId, String name, SpanKind spanKind,
                Attributes attributes, List<LinkData> parentLinks) {
            if (spanKind != SpanKind.SERVER) {
                // The spans below the request's span follow its decision: a trace is recorded whole or not at all.
                return io.opentelemetry.api.trace.Span.fromContext(parentContext).getSpanContext().isSampled()
                        ? SamplingResult.recordAndSample() : SamplingResult.drop();
            }
            return ThreadLocalRandom.current().nextDouble() < ratio ? SamplingResult.recordAndSample() : SamplingResult.drop();
        }

        @Override
        public String getDescription() {
            return "edge-proxy: " + ratio + " of requests at random, the client's decision ignored";
        }
    }
}
