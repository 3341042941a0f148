package dev.edgeproxy.trace;

import io.opentelemetry.sdk.trace.samplers.Sampler;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * Hands Quarkus' OpenTelemetry SDK the proxy's sampler ({@link TraceSampling}), which takes the place of
 * {@code quarkus.otel.traces.sampler}: Quarkus fixes that one at build time, this one is chosen at startup.
 */
@Singleton
public class TraceSamplerProducer {

    @Produces
    @Singleton
    Sampler sampler() {
        return TraceSampling.Settings.of(ConfigProvider.getConfig()).sampler();
    }
}
