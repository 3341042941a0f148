package dev.edgeproxy.trace;

import io.smallrye.config.ConfigSourceInterceptor;
import io.smallrye.config.ConfigSourceInterceptorContext;
import io.smallrye.config.ConfigValue;

/**
 * Tracing is off unless an OTLP endpoint is configured: answers {@code quarkus.otel.sdk.disabled} with
 * {@code true} when neither {@code quarkus.otel.exporter.otlp.traces.endpoint} nor
 * {@code quarkus.otel.exporter.otlp.endpoint} is set, and the property itself is not.
 *
 * <p>Why: Quarkus' exporter defaults to {@code localhost:4317} and would try to send every span there, logging
 * each failure, on every edge node that never asked for tracing. An endpoint given in any source (the YAML,
 * {@code application.properties}, the environment, {@code -D}) turns tracing on; an explicit
 * {@code quarkus.otel.sdk.disabled} always wins. Registered through {@code META-INF/services}.
 */
public final class TracingSwitch implements ConfigSourceInterceptor {

    static final String SDK_DISABLED = "quarkus.otel.sdk.disabled";
    static final String TRACES_ENDPOINT = "quarkus.otel.exporter.otlp.traces.endpoint";
    static final String ENDPOINT = "quarkus.otel.exporter.otlp.endpoint";

    /**
     * Values below this ordinal are defaults, not configuration: Quarkus keeps the extensions' defaults in
     * sources of the lowest ordinals; {@code microprofile-config.properties}, the lowest a user writes, has 100.
     */
    private static final int CONFIGURED = 100;

    @Override
    public ConfigValue getValue(ConfigSourceInterceptorContext context, String name) {
        ConfigValue value = context.proceed(name);
        if (!SDK_DISABLED.equals(name) || configured(value)) {
            return value;
        }
        if (configured(context.proceed(TRACES_ENDPOINT)) || configured(context.proceed(ENDPOINT))) {
            return value;
        }
        return ConfigValue.builder()
                .withName(SDK_DISABLED)
                .withValue("true")
                .withRawValue("true")
                .withConfigSourceName("edge-proxy: no OTLP endpoint configured")
                .withConfigSourceOrdinal(CONFIGURED - 1)
                .build();
    }

    private static boolean configured(ConfigValue value) {
        return value != null && value.getValue() != null && !value.getValue().isBlank()
                && value.getConfigSourceOrdinal() >= CONFIGURED;
    }
}
